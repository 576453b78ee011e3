/**
 * What a Digest verification decides, as data the SIP layer turns into a response and a metric
 * label: accepted, or rejected with a {@link DigestFailure} and the answer it calls for.
 *
 * Answers (status numbers for a registrar/UAS; a proxy uses 407 where 401 is written):
 * - `challenge` — 401/407 with a fresh challenge (RFC 3261 §22.2/§22.3): no usable credentials
 *   for this realm, an algorithm or nonce this server cannot use.
 * - `challenge-stale` — 401/407 with `stale=TRUE` (RFC 7616 §3.3): the client proved it knows
 *   the password but its nonce is too old (or its nonce-count went backwards, see below), so it
 *   retries with the new nonce without asking the user.
 * - `bad-request` — 400 (RFC 2617 §3.2.2: improper or missing directives; §3.2.2.5: digest-uri
 *   not matching the Request-URI).
 * - `forbidden` — 403 (RFC 3261 §21.4.4): the credentials are wrong — unknown user or wrong
 *   password. This lab answers these with a final 403 rather than a fresh challenge so that the
 *   refusal is unambiguous on the wire and counted once; the ms-diagnostics text says which.
 *
 * `invalid-nonce` is answered `challenge-stale` when the response is right for the presented
 * nonce (the client knows the password; the nonce predates a change of the server's secret) and
 * `challenge` otherwise; the table below gives the latter.
 *
 * A repeated or decreasing nonce-count with an otherwise valid response is answered
 * `challenge-stale`: the sender knows the password (a replaying attacker gains nothing from a
 * new nonce it cannot answer), and a legitimate client whose requests crossed gets a new nonce.
 *
 * @example
 * ```ts
 * const v = verifier.verify(request);
 * if (!v.ok) reply(statusFor(v.answer, "uas"), v.failure);
 * ```
 *
 * @module
 */
import type { DigestAlgorithm } from "./algorithms.ts";
import type { DigestQop } from "./challenge.ts";

/** Why credentials were refused. */
export type DigestFailure =
  /** No Digest credentials at all. */
  | "missing-credentials"
  /** Digest credentials, but none for this server's realm (RFC 3261 §22.3: other hops'). */
  | "realm-mismatch"
  /** The credentials value cannot be read (missing directive, bad nc, non-hex response...). */
  | "malformed-credentials"
  /** An algorithm this server does not offer, or no stored HA1 for its hash. */
  | "unsupported-algorithm"
  /** qop missing although offered, or a qop value not offered (RFC 7616 §3.4). */
  | "qop-not-offered"
  /** The nonce was not minted here (forged, corrupted, another realm's). */
  | "invalid-nonce"
  /** The opaque does not echo the challenge's (RFC 7616 §3.3). */
  | "opaque-mismatch"
  /** digest-uri does not match the Request-URI under the server's policy. */
  | "uri-mismatch"
  /** The user name (or userhash) is not in the credential store. */
  | "unknown-user"
  /** The response does not match: wrong password. */
  | "wrong-password"
  /** A valid response with a nonce past its lifetime. */
  | "stale-nonce"
  /** A valid response whose nonce-count is not above the last one seen for the nonce. */
  | "replayed-nonce-count";

/** The response a rejection calls for. */
export type DigestAnswer = "challenge" | "challenge-stale" | "bad-request" | "forbidden";

/** Credentials accepted. */
export interface DigestAccepted {
  ok: true;
  /** The authenticated user (resolved from the userhash when one was sent). */
  username: string;
  realm: string;
  algorithm: DigestAlgorithm;
  qop?: DigestQop;
  nc?: number;
}

/** Credentials refused. */
export interface DigestRejected {
  ok: false;
  failure: DigestFailure;
  answer: DigestAnswer;
  /** The user name the credentials claimed, when they could be read. */
  username?: string;
  /** Human-readable detail for logs. */
  detail: string;
}

/** The outcome of verifying one request. */
export type DigestVerdict = DigestAccepted | DigestRejected;

/** The answer each failure calls for (see the module description for `invalid-nonce`). */
export const ANSWER_FOR_FAILURE: Readonly<Record<DigestFailure, DigestAnswer>> = {
  "missing-credentials": "challenge",
  "realm-mismatch": "challenge",
  "malformed-credentials": "bad-request",
  "unsupported-algorithm": "challenge",
  "qop-not-offered": "bad-request",
  "invalid-nonce": "challenge",
  "opaque-mismatch": "challenge",
  "uri-mismatch": "bad-request",
  "unknown-user": "forbidden",
  "wrong-password": "forbidden",
  "stale-nonce": "challenge-stale",
  "replayed-nonce-count": "challenge-stale",
};

/** Which side verifies: a registrar/UAS (401, WWW-Authenticate) or a proxy (407). */
export type DigestRole = "uas" | "proxy";

/**
 * The SIP status for an answer: 401 (UAS) or 407 (proxy) for challenges (RFC 3261 §22.2,
 * §22.3), 400, 403.
 *
 * @example
 * ```ts
 * statusFor("challenge-stale", "proxy"); // 407
 * ```
 */
export function statusFor(answer: DigestAnswer, role: DigestRole): 400 | 401 | 403 | 407 {
  switch (answer) {
    case "challenge":
    case "challenge-stale":
      return role === "proxy" ? 407 : 401;
    case "bad-request":
      return 400;
    case "forbidden":
      return 403;
  }
}
