/**
 * Responses the transaction layer writes itself: the INVITE server transaction's
 * 100 (Trying) (RFC 3261 §17.2.1) and the 481 for a CANCEL that matches nothing (§9.2).
 *
 * @module
 */
import { type SipRequest, SipResponse } from "../message/message.ts";
import { requiredHeader } from "./copied_headers.ts";

/**
 * A response to `request` built per §8.2.6.2: the Via fields in order, From, Call-ID, CSeq,
 * and To — with `toTag` added when the request's To has no tag and a tag is given.
 *
 * @example
 * ```ts
 * buildLocalResponse(cancel, 481, "Call/Transaction Does Not Exist", "a6c85cf");
 * ```
 */
export function buildLocalResponse(
  request: SipRequest,
  status: number,
  reason: string,
  toTag?: string,
): SipResponse {
  const res = new SipResponse(status, reason);
  // §8.2.6.2: Via header field values MUST equal the request's, in the same order.
  res.copyVias(request);
  res.addHeader("From", requiredHeader(request, "from"));
  const to = requiredHeader(request, "to");
  // §8.2.6.2: the UAS MUST add a To tag when the request had none (except for 100 Trying).
  res.addHeader(
    "To",
    toTag !== undefined && request.to.tag === undefined ? `${to};tag=${toTag}` : to,
  );
  res.addHeader("Call-ID", request.callId);
  res.addHeader("CSeq", requiredHeader(request, "cseq"));
  return res;
}

/**
 * The 100 (Trying) an INVITE server transaction sends when its TU stays silent for 200 ms
 * (§17.2.1): §8.2.6 procedures, no To tag added ("downgraded from MAY to SHOULD NOT"), and
 * the request's Timestamp copied (§8.2.6.1).
 *
 * @example
 * ```ts
 * buildTrying(invite).status; // 100
 * ```
 */
export function buildTrying(request: SipRequest): SipResponse {
  const res = buildLocalResponse(request, 100, "Trying");
  const timestamp = request.header("timestamp");
  if (timestamp !== undefined) res.addHeader("Timestamp", timestamp);
  return res;
}
