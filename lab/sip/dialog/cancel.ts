/**
 * CANCEL construction (RFC 3261 §9.1).
 *
 * @module
 */
import { SipRequest } from "../message/message.ts";
import { formatVia } from "../message/header_values.ts";

/**
 * Builds the CANCEL for a pending request (§9.1): same Request-URI, Call-ID, To, From (tags
 * included) and CSeq number as `request`, CSeq method CANCEL, a single Via equal to the
 * request's top Via (so the CANCEL matches the same server transaction, §9.2), the request's
 * Route values, Max-Forwards 70, and no Require / Proxy-Require.
 *
 * §9.1 also says a CANCEL SHOULD NOT be sent before a provisional response arrived; that timing
 * is the caller's.
 *
 * @example
 * ```ts
 * const cancel = createCancel(invite);
 * cancel.topVia.branch === invite.topVia.branch; // true
 * ```
 */
export function createCancel(request: SipRequest): SipRequest {
  if (request.method === "ACK" || request.method === "CANCEL") {
    throw new Error(`${request.method} cannot be cancelled`);
  }
  const cancel = new SipRequest("CANCEL", request.uri);
  cancel.addHeader("Via", formatVia(request.topVia));
  cancel.addHeader("Max-Forwards", "70");
  for (const route of request.headerValues("route")) cancel.addHeader("Route", route);
  cancel.addHeader("To", headerOf(request, "to"));
  cancel.addHeader("From", headerOf(request, "from"));
  cancel.addHeader("Call-ID", request.callId);
  cancel.addHeader("CSeq", `${request.cseq.seq} CANCEL`);
  return cancel;
}

function headerOf(request: SipRequest, name: string): string {
  const value = request.header(name);
  if (value === undefined) throw new Error(`the request has no ${name} header`);
  return value;
}
