/**
 * The error every parsing function of the message layer throws: it carries the status code and
 * reason phrase a server answers with (RFC 3261 §8.2.2, §21.4.1 400 Bad Request, §21.5.6 505,
 * §21.4.11 513, §21.4.14 416), and, when the start line and some headers were readable, the
 * partial request so that the error response can still be built (§8.2.6 copies Via, From,
 * To, Call-ID and CSeq).
 *
 * @module
 */
import type { SipRequest } from "./message.ts";

/**
 * A malformed or unacceptable SIP message.
 *
 * @example
 * ```ts
 * try {
 *   parseMessage(bytes);
 * } catch (e) {
 *   if (e instanceof SipParseError) console.log(e.status, e.reason); // 400 "Missing Call-ID"
 * }
 * ```
 */
export class SipParseError extends Error {
  override name = "SipParseError";
  constructor(
    /** Status code to answer with (400, 416, 505, 513). */
    public status: number,
    /** Reason phrase naming the fault, e.g. "Bad Request - Malformed CSeq". */
    public reason: string,
    /** Whatever of the request could be read (never set for responses). */
    public partial?: SipRequest,
  ) {
    super(`${status} ${reason}`);
  }
}

/**
 * Shorthand for the commonest case: a 400 whose reason names the malformed part.
 *
 * @example
 * ```ts
 * throw badRequest("Malformed CSeq"); // 400 "Bad Request - Malformed CSeq"
 * ```
 */
export function badRequest(what: string): SipParseError {
  return new SipParseError(400, `Bad Request - ${what}`);
}
