/**
 * The Digest computation (RFC 7616 §3.4.1–§3.4.4, RFC 2617 §3.2.2 for the RFC 2069-compatible
 * form, RFC 3261 §22.4 for SIP): H(A1), the `-sess` H(A1), H(A2) with and without the body,
 * request-digest, and the hashed user name. Pure functions over strings; text is UTF-8 encoded.
 *
 * @example
 * ```ts
 * // RFC 2617 §3.5
 * const ha1 = computeHa1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life");
 * computeRequestDigest({ algorithm: "MD5", ha1, nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
 *   cnonce: "0a4f113b", nc: 1, qop: "auth", method: "GET", uri: "/dir/index.html" });
 * // "6629fae49393a05397450978507c4ef1"
 * ```
 *
 * @module
 */
import { type DigestAlgorithm, hashHex, hashOf, isSessionAlgorithm } from "./algorithms.ts";
import type { DigestQop } from "./challenge.ts";
import { formatNonceCount } from "./credentials.ts";

/**
 * H(A1) for the non-session algorithms: H(username ":" realm ":" password) (RFC 7616 §3.4.2).
 * This is what a credential store keeps instead of the password ("HA1").
 *
 * @example
 * ```ts
 * computeHa1("MD5", "bob", "biloxi.com", "zanzibar"); // "12af60467a33e8518da5c68bbff12b11"
 * ```
 */
export function computeHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return hashHex(hashOf(algorithm), `${username}:${realm}:${password}`);
}

/**
 * H(A1) for a `-sess` algorithm from the stored H(username:realm:password):
 * H(H(username:realm:password) ":" nonce ":" cnonce) (RFC 7616 §3.4.2).
 *
 * @example
 * ```ts
 * sessionHa1("MD5-sess", computeHa1("MD5-sess", "u", "r", "p"), "nonce", "cnonce");
 * ```
 */
export function sessionHa1(
  algorithm: DigestAlgorithm,
  baseHa1: string,
  nonce: string,
  cnonce: string,
): string {
  return hashHex(hashOf(algorithm), `${baseHa1}:${nonce}:${cnonce}`);
}

/**
 * H(A2): H(method ":" digest-uri) for qop=auth or no qop, H(method ":" digest-uri ":" H(body))
 * for qop=auth-int (RFC 7616 §3.4.3). A SIP message without a body hashes the empty string
 * (RFC 3261 §22.4 item 7).
 *
 * @example
 * ```ts
 * computeHa2("MD5", "INVITE", "sip:bob@biloxi.com");
 * ```
 */
export function computeHa2(
  algorithm: DigestAlgorithm,
  method: string,
  uri: string,
  qop?: DigestQop,
  body: Uint8Array = new Uint8Array(0),
): string {
  const hash = hashOf(algorithm);
  if (qop === "auth-int") return hashHex(hash, `${method}:${uri}:${hashHex(hash, body)}`);
  return hashHex(hash, `${method}:${uri}`);
}

/** Everything request-digest depends on. */
export interface RequestDigestInput {
  algorithm: DigestAlgorithm;
  /** H(username:realm:password), the non-session H(A1); the -sess step is applied here. */
  ha1: string;
  nonce: string;
  method: string;
  /** digest-uri (the Request-URI in SIP). */
  uri: string;
  /** Absent: the RFC 2069 form (only for challenges without qop). */
  qop?: DigestQop;
  /** Required with qop and for -sess algorithms. */
  cnonce?: string;
  /** nonce-count, required with qop. */
  nc?: number;
  /** The message body, for qop=auth-int. */
  body?: Uint8Array;
}

/**
 * request-digest (RFC 7616 §3.4.1): with qop,
 * KD(H(A1), nonce ":" nc ":" cnonce ":" qop ":" H(A2)); without qop (RFC 2617 §3.2.2.1),
 * KD(H(A1), nonce ":" H(A2)); KD(secret, data) = H(secret ":" data). Throws RangeError when qop
 * comes without cnonce/nc, or a -sess algorithm without cnonce.
 *
 * @example
 * ```ts
 * computeRequestDigest({ algorithm: "MD5", ha1, nonce, method: "REGISTER",
 *   uri: "sip:biloxi.com", qop: "auth", cnonce: "0a4f113b", nc: 1 });
 * ```
 */
export function computeRequestDigest(input: RequestDigestInput): string {
  const { algorithm, nonce, qop, cnonce, nc } = input;
  const hash = hashOf(algorithm);
  let ha1 = input.ha1;
  if (isSessionAlgorithm(algorithm)) {
    if (cnonce === undefined) throw new RangeError(`${algorithm} needs a cnonce`);
    ha1 = sessionHa1(algorithm, ha1, nonce, cnonce);
  }
  const ha2 = computeHa2(algorithm, input.method, input.uri, qop, input.body);
  if (qop === undefined) return hashHex(hash, `${ha1}:${nonce}:${ha2}`);
  if (cnonce === undefined || nc === undefined) {
    throw new RangeError("qop needs cnonce and nc");
  }
  return hashHex(hash, `${ha1}:${nonce}:${formatNonceCount(nc)}:${cnonce}:${qop}:${ha2}`);
}

/**
 * The hashed user name of RFC 7616 §3.4.4: H(username ":" realm).
 *
 * @example
 * ```ts
 * computeUserhash("SHA-256", "bob", "biloxi.com").length; // 64
 * ```
 */
export function computeUserhash(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
): string {
  return hashHex(hashOf(algorithm), `${username}:${realm}`);
}
