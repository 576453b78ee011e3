/**
 * Loop detection (RFC 3261 §16.3 item 4) and the branch parameters it relies on (§16.6 step 8).
 * A branch this proxy writes is `z9hG4bK` + a hash of the fields that decide routing + `.` +
 * a part unique to the branch. The hash covers what §16.6 step 8 lists — the Request-URI as
 * received, To tag, From tag, Call-ID, CSeq number, Proxy-Require and Proxy-Authorization,
 * and the topmost Via as received. When a request comes back carrying a Via of this proxy,
 * the Via just below it is the one that was topmost when the proxy first saw the request: the
 * hash is computed again with that Via; equal means a loop, different a spiral (the
 * Request-URI or another routing field changed in between).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { formatVia, type SipRequest, type Via } from "../../../lab/sip/message/mod.ts";
import { MAGIC_COOKIE } from "../../../lab/sip/transaction/mod.ts";

/** Hex digits of the routing hash in a branch. */
export const LOOP_HASH_LENGTH = 16;

/**
 * The §16.6 step 8 hash of `request` as received with `receivedTopVia` topmost.
 *
 * @example
 * ```ts
 * const hash = loopHash(invite, invite.topVia); // 16 hex digits
 * ```
 */
export function loopHash(request: SipRequest, receivedTopVia: Via): string {
  const h = createHash("sha1");
  h.update(request.uri);
  h.update("\0" + (request.to.tag ?? ""));
  h.update("\0" + (request.from.tag ?? ""));
  h.update("\0" + request.callId);
  h.update("\0" + request.cseq.seq);
  for (const name of ["proxy-require", "proxy-authorization"]) {
    for (const value of request.headerValues(name)) h.update("\0" + value);
  }
  h.update("\0" + formatVia(receivedTopVia));
  return h.digest("hex").slice(0, LOOP_HASH_LENGTH);
}

/**
 * The branch of a request this proxy forwards: magic cookie (§8.1.1.7), the loop hash, and
 * `unique` (distinct per branch of every context).
 *
 * @example
 * ```ts
 * proxyBranch(invite, "k3.0"); // "z9hG4bK" + 16 hex digits + ".k3.0"
 * ```
 */
export function proxyBranch(request: SipRequest, unique: string): string {
  return `${MAGIC_COOKIE}${loopHash(request, request.topVia)}.${unique}`;
}

/**
 * §16.3 item 4: true when `request` carries a Via of this proxy (`isLocal(via)`) whose branch
 * holds the hash this request would get now — it has been here with the same routing fields
 * (a loop). A Via of this proxy with a different hash is a spiral, which is allowed.
 *
 * @example
 * ```ts
 * if (hasLooped(request, (via) => via.host === "127.0.0.1" && via.port === 5060)) answer482();
 * ```
 */
export function hasLooped(request: SipRequest, isLocal: (via: Via) => boolean): boolean {
  const vias = request.vias;
  for (let i = 0; i + 1 < vias.length; i++) {
    const via = vias[i];
    const branch = via.branch;
    if (branch === undefined || !branch.startsWith(MAGIC_COOKIE) || !isLocal(via)) continue;
    const hash = branch.slice(MAGIC_COOKIE.length, MAGIC_COOKIE.length + LOOP_HASH_LENGTH);
    if (hash === loopHash(request, vias[i + 1])) return true;
  }
  return false;
}
