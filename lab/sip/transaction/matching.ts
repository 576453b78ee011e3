/**
 * Transaction matching keys and comparisons: client side RFC 3261 §17.1.3, server side
 * §17.2.3 (magic-cookie branches and the RFC 2543 fallback), CANCEL targets §9.2.
 *
 * @module
 */
import type { Via } from "../message/header_values.ts";
import type { SipRequest, SipResponse } from "../message/message.ts";

/** §8.1.1.7: branches of RFC 3261 elements start with this. */
export const MAGIC_COOKIE = "z9hG4bK";

/**
 * §17.1.3: a response matches a client transaction by the top Via branch and the CSeq method
 * ("a CANCEL request constitutes a different transaction, but shares the same value of the
 * branch parameter").
 *
 * @example
 * ```ts
 * clientKey("z9hG4bK74bf9", "INVITE"); // "INVITE z9hG4bK74bf9"
 * ```
 */
export function clientKey(branch: string, method: string): string {
  return `${method} ${branch}`;
}

/**
 * The §17.1.3 key of a received response, or undefined when its top Via has no branch.
 *
 * @example
 * ```ts
 * clientKeyOfResponse(ringing); // "INVITE z9hG4bK74bf9"
 * ```
 */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.vias[0]?.branch;
  return branch === undefined ? undefined : clientKey(branch, response.cseq.method);
}

/**
 * True when a branch follows RFC 3261 (§17.2.3 then matches on it).
 *
 * @example
 * ```ts
 * hasMagicCookie("z9hG4bK776asdhds"); // true
 * ```
 */
export function hasMagicCookie(branch: string | undefined): branch is string {
  return branch !== undefined && branch.startsWith(MAGIC_COOKIE);
}

/** §18.2.2: the port a sent-by without one stands for. */
function defaultPort(transport: string): number {
  return transport === "TLS" || transport === "WSS" ? 5061 : 5060;
}

/**
 * A Via's sent-by, normalised for comparison (host names are case-insensitive, §19.1.4).
 *
 * @example
 * ```ts
 * sentBy(parseViaList("SIP/2.0/TLS PC33.Example.com")[0]); // "pc33.example.com:5061"
 * ```
 */
export function sentBy(via: Via): string {
  return `${via.host.toLowerCase()}:${via.port ?? defaultPort(via.transport.toUpperCase())}`;
}

/**
 * §17.2.3 with a magic-cookie branch: the part of a server transaction's identity shared by
 * the request, its retransmissions, its ACK and its CANCEL — branch plus sent-by. The method
 * (ACK standing for INVITE) completes the match.
 *
 * @example
 * ```ts
 * serverBranchKey("z9hG4bK776asdhds", invite.topVia); // "z9hG4bK776asdhds pc33.example.com:5060"
 * ```
 */
export function serverBranchKey(branch: string, via: Via): string {
  return `${branch} ${sentBy(via)}`;
}

/**
 * The method of the transaction a request belongs to: an ACK belongs to its INVITE (§17.2.3).
 *
 * @example
 * ```ts
 * transactionMethod(ack); // "INVITE"
 * ```
 */
export function transactionMethod(request: SipRequest): string {
  return request.method === "ACK" ? "INVITE" : request.method;
}

/**
 * RFC 2543 fallback transactions are bucketed by Call-ID and CSeq number.
 *
 * @example
 * ```ts
 * legacyBucketKey(invite); // "a84b4c76e66710@pc33.atlanta.example.com 314159"
 * ```
 */
export function legacyBucketKey(request: SipRequest): string {
  return `${request.callId} ${request.cseq.seq}`;
}

/**
 * §20.42 / §17.2.3: two Via values are the same (case-insensitive where the grammar is).
 *
 * @example
 * ```ts
 * sameVia(original.topVia, retransmission.topVia); // true
 * ```
 */
export function sameVia(a: Via, b: Via): boolean {
  if (
    a.protocolName.toUpperCase() !== b.protocolName.toUpperCase() ||
    a.protocolVersion !== b.protocolVersion ||
    a.transport.toUpperCase() !== b.transport.toUpperCase() ||
    sentBy(a) !== sentBy(b) ||
    a.params.size !== b.params.size
  ) return false;
  const bParams = new Map<string, string | null>();
  for (const [name, value] of b.params) bParams.set(name.toLowerCase(), value);
  for (const [name, value] of a.params) {
    const key = name.toLowerCase();
    if (!bParams.has(key) || bParams.get(key) !== value) return false;
  }
  return true;
}

/** Fields every RFC 2543 comparison shares: Request-URI, From tag, Call-ID, CSeq number, top Via. */
function sameLegacyCore(original: SipRequest, request: SipRequest): boolean {
  return (
    original.uri === request.uri &&
    original.from.tag === request.from.tag &&
    original.callId === request.callId &&
    original.cseq.seq === request.cseq.seq &&
    sameVia(original.topVia, request.topVia)
  );
}

/**
 * §17.2.3, RFC 2543 fallback (no magic cookie): does `request` belong to the server
 * transaction created by `original`, whose last response carried `responseToTag`?
 * - ACK: Request-URI, From tag, Call-ID, CSeq number, top Via of the INVITE, and the ACK's To
 *   tag equal to the To tag of the response the transaction sent.
 * - any other method: Request-URI, To tag, From tag, Call-ID, CSeq (number and method), top Via.
 * The Request-URI is compared as written (a retransmission repeats it byte for byte).
 *
 * @example
 * ```ts
 * legacyRequestMatches(tx.request, retransmission, tx.lastResponse?.to.tag);
 * ```
 */
export function legacyRequestMatches(
  original: SipRequest,
  request: SipRequest,
  responseToTag: string | undefined,
): boolean {
  if (!sameLegacyCore(original, request)) return false;
  if (request.method === "ACK") {
    return original.method === "INVITE" && request.to.tag === responseToTag;
  }
  return original.method === request.method && original.to.tag === request.to.tag;
}

/**
 * §9.2: the transaction a CANCEL cancels is found by §17.2.3 "assuming that the request method
 * is anything but CANCEL or ACK". RFC 2543 form: Request-URI, To tag, From tag, Call-ID, CSeq
 * number and top Via of the original request.
 *
 * @example
 * ```ts
 * legacyCancelMatches(inviteTx.request, cancel); // true for the INVITE's own CANCEL
 * ```
 */
export function legacyCancelMatches(original: SipRequest, cancel: SipRequest): boolean {
  return (
    original.method !== "CANCEL" && original.method !== "ACK" &&
    sameLegacyCore(original, cancel) && original.to.tag === cancel.to.tag
  );
}
