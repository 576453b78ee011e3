/**
 * The ACK a client transaction sends for a non-2xx final response to an INVITE
 * (RFC 3261 §17.1.1.3). The ACK for a 2xx is the UAC core's (§13.2.2.4), never built here.
 *
 * @module
 */
import { SipRequest, type SipResponse } from "../message/message.ts";
import { requiredHeader, topViaText } from "./copied_headers.ts";

/**
 * Builds the ACK for `response` (300-699) to `invite`, as §17.1.1.3 prescribes: Request-URI,
 * Call-ID and From of the INVITE; To of the response (with its tag); the INVITE's CSeq number
 * with method ACK; a single Via equal to the INVITE's top Via; the INVITE's Route fields.
 * Max-Forwards is copied (70 when the INVITE had none, §8.1.1.6). No body.
 *
 * @example
 * ```ts
 * const ack = buildAckForNonSuccess(invite, busyHere);
 * ack.cseq; // { seq: invite.cseq.seq, method: "ACK" }
 * ```
 */
export function buildAckForNonSuccess(invite: SipRequest, response: SipResponse): SipRequest {
  const ack = new SipRequest("ACK", invite.uri);
  // §17.1.1.3: "the ACK MUST contain a single Via header field, and this MUST be equal to the
  // top Via header field of the original request".
  ack.addHeader("Via", topViaText(invite));
  // §17.1.1.3: Route header fields of the INVITE MUST appear in the ACK.
  for (const route of invite.headerValues("route")) ack.addHeader("Route", route);
  ack.addHeader("Max-Forwards", invite.header("max-forwards") ?? "70");
  // §17.1.1.3: From, Call-ID equal to the original request; To equal to the response's.
  ack.addHeader("From", requiredHeader(invite, "from"));
  ack.addHeader("To", requiredHeader(response, "to"));
  ack.addHeader("Call-ID", invite.callId);
  // §17.1.1.3: CSeq number of the original request, method ACK.
  ack.addHeader("CSeq", `${invite.cseq.seq} ACK`);
  return ack;
}
