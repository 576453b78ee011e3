/**
 * Choosing the response a proxy sends upstream once every branch has ended without a 2xx
 * (RFC 3261 §16.7 steps 6 and 7).
 *
 * @module
 */
import { SipResponse } from "../../../lab/sip/message/mod.ts";

/** The final response of one branch, and whether the proxy made it up itself. */
export interface BranchOutcome {
  readonly response: SipResponse;
  /** A 408 for Timer C or a transaction timeout, a 503 for a transport failure (§16.7, §16.8). */
  readonly local: boolean;
}

/** §20.27, §20.44: the challenges a 401 / 407 carries. */
const CHALLENGE_HEADERS = ["WWW-Authenticate", "Proxy-Authenticate"];

/** Order among candidates: 6xx first, then the lowest class; received before made-up. */
function rank(outcome: BranchOutcome): number {
  const status = outcome.response.status;
  const klass = Math.floor(status / 100);
  // §16.7 step 6: "the proxy MUST choose from the 6xx class responses if any exist".
  const classRank = klass === 6 ? 0 : klass;
  return classRank * 2 + (outcome.local ? 1 : 0);
}

/**
 * The response to send upstream (§16.7 step 6): a 6xx when any branch gave one, else one from
 * the lowest response class (a response that arrived ahead of one the proxy made up); a 503
 * becomes 500 ("SHOULD generate a 500 response"); with no response at all, 408. A chosen 401
 * or 407 carries the challenges of every 401 and 407 received (§16.7 step 7). The result is a
 * copy: `outcomes` stay as they were.
 *
 * @example
 * ```ts
 * const best = chooseBestResponse([{ response: busy, local: false }, { response: timeout, local: true }]);
 * best.status; // 486
 * ```
 */
export function chooseBestResponse(outcomes: readonly BranchOutcome[]): SipResponse {
  let best: BranchOutcome | undefined;
  for (const outcome of outcomes) {
    if (outcome.response.status < 300) continue;
    if (best === undefined || rank(outcome) < rank(best)) best = outcome;
  }
  if (best === undefined) throw new Error("no final non-2xx response to choose from");
  const chosen = best.response;
  const status = chosen.status === 503 ? 500 : chosen.status;
  const reason = chosen.status === 503 ? "Server Internal Error" : chosen.reason;
  const out = new SipResponse(status, reason);
  for (const field of chosen.headers) {
    if (!CHALLENGE_HEADERS.some((name) => name.toLowerCase() === field.key)) {
      out.addHeader(field.name, field.value);
    }
  }
  out.body = chosen.body;
  if (status === 401 || status === 407) {
    // §16.7 step 7: "the proxy MUST collect all of these header field values from all 401
    // and 407 responses received so far".
    for (const outcome of outcomes) {
      const s = outcome.response.status;
      if (s !== 401 && s !== 407) continue;
      for (const name of CHALLENGE_HEADERS) {
        for (const value of outcome.response.headerValues(name)) out.addHeader(name, value);
      }
    }
  }
  return out;
}
