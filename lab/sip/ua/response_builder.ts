/**
 * The part of every response a UAS copies from the request (RFC 3261 §8.2.6.2). Works on
 * partial requests too (what the parser could read of a malformed one): whatever of Via, From,
 * To, Call-ID and CSeq is there is copied verbatim, so a 400 still finds its way back
 * (§18.2.2 routes by Via) and can still be matched by the client (§17.1.3: branch and CSeq).
 *
 * @module
 */
import { SipResponse } from "../message/message.ts";
import type { SipRequest } from "../message/message.ts";

/**
 * The request's To tag; undefined when there is none or the To header cannot be read (a
 * partial request), in which case no tag is added either.
 */
function readableToTag(request: SipRequest): { tag: string | undefined } | undefined {
  if (!request.hasHeader("to")) return undefined;
  try {
    return { tag: request.to.tag };
  } catch {
    return undefined;
  }
}

/**
 * A response to `request` per §8.2.6.2: every Via value in order, From, To, Call-ID and CSeq
 * copied as written; `toTag` is added to To when given and the request's To has no tag
 * ("the UAS MUST add a tag to the To header field in the response", except for 100 (Trying),
 * where a tag MAY be present — so callers pass none for 100).
 *
 * @example
 * ```ts
 * const busy = buildResponse(invite, 486, "Busy Here", "a6c85cf");
 * busy.to.tag; // "a6c85cf"
 * ```
 */
export function buildResponse(
  request: SipRequest,
  status: number,
  reason: string,
  toTag?: string,
): SipResponse {
  const res = new SipResponse(status, reason);
  // §8.2.6.2: the Via values MUST equal the request's, in the same order.
  res.copyVias(request);
  const from = request.header("from");
  if (from !== undefined) res.addHeader("From", from);
  const to = request.header("to");
  if (to !== undefined) {
    const existing = readableToTag(request);
    const addTag = toTag !== undefined && existing !== undefined && existing.tag === undefined;
    res.addHeader("To", addTag ? `${to};tag=${toTag}` : to);
  }
  const callId = request.header("call-id");
  if (callId !== undefined) res.addHeader("Call-ID", callId);
  const cseq = request.header("cseq");
  if (cseq !== undefined) res.addHeader("CSeq", cseq);
  return res;
}
