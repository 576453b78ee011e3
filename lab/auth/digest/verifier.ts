/**
 * The server side of SIP Digest (RFC 3261 §22.2 registrar/UAS, §22.3 proxy; RFC 7616; RFC
 * 8760): builds challenges with self-validating nonces and verifies the credentials of requests
 * against a credential store holding passwords or precomputed H(A1) values.
 *
 * Order of the checks (each failure is a typed verdict, see verdict.ts): find Digest credentials
 * for this realm → algorithm offered → qop offered → opaque echoed → digest-uri → user known →
 * nonce minted here → response correct → nonce fresh → nonce-count increasing. The nonce
 * verdicts depend on the response check because `stale=TRUE` may only be sent to a client that
 * proved it knows the password (RFC 7616 §3.3).
 *
 * @example
 * ```ts
 * const verifier = new DigestVerifier({ realm: "biloxi.com", secret, algorithms: ["MD5"],
 *   lookup: (user) => passwords.has(user) ? { password: passwords.get(user)! } : undefined });
 * const verdict = verifier.verify(register);
 * if (!verdict.ok && verdict.answer.startsWith("challenge")) {
 *   verifier.addChallenges(response, verdict.answer === "challenge-stale");
 * }
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { bytesEqual, utf8 } from "../crypto/bytes.ts";
import type { RandomBytes } from "../crypto/random.ts";
import { type DigestAlgorithm, type DigestHash, hashOf } from "./algorithms.ts";
import { type AuthValue, paramValue, parseAuthValues } from "./auth_params.ts";
import { type DigestQop, formatDigestChallenge } from "./challenge.ts";
import { credentialsFromAuthValue, type DigestCredentials } from "./credentials.ts";
import { digestUriMatches, type DigestUriPolicy } from "./digest_uri.ts";
import { DigestSyntaxError } from "./errors.ts";
import { NonceCountRegistry } from "./nonce_counts.ts";
import { NonceIssuer } from "./nonce.ts";
import { computeHa1, computeRequestDigest } from "./response.ts";
import {
  ANSWER_FOR_FAILURE,
  type DigestAnswer,
  type DigestFailure,
  type DigestRejected,
  type DigestRole,
  type DigestVerdict,
} from "./verdict.ts";

/** What the credential store keeps for a user: the password, or H(A1) per hash function. */
export type StoredCredential =
  | { password: string }
  | { ha1: Partial<Record<DigestHash, string>> };

/** Looks a user up in the credential store. */
export type CredentialLookup = (username: string, realm: string) => StoredCredential | undefined;

/** Maps an RFC 7616 §3.4.4 userhash (H(username:realm) with `hash`) back to the user name. */
export type UserhashResolver = (userhash: string, hash: DigestHash) => string | undefined;

/** Settings of a {@link DigestVerifier}. */
export interface DigestVerifierOptions {
  realm: string;
  /** Key of the nonce MAC (at least 16 bytes). */
  secret: Uint8Array;
  lookup: CredentialLookup;
  /**
   * Algorithms offered, most preferred first; one challenge each (RFC 8760). Note: SIPp 3.6
   * answers MD5 only.
   */
  algorithms: readonly DigestAlgorithm[];
  /** qop options offered; default ["auth"]. Empty: RFC 2069-compatible challenges. */
  qop?: readonly DigestQop[];
  /** "uas" (401 / WWW-Authenticate / Authorization, default) or "proxy" (407 / Proxy-*). */
  role?: DigestRole;
  /** Nonce lifetime; default 300 000 ms. */
  nonceLifetimeMs?: number;
  /** digest-uri check; default "equivalent" (RFC 3261 §22.4 item 6). */
  uriPolicy?: DigestUriPolicy;
  /** A fixed opaque to send and require back. */
  opaque?: string;
  /** Enables `userhash=true` challenges and resolves hashed user names. */
  resolveUserhash?: UserhashResolver;
  /** Most nonces whose nonce-count is tracked at once; default 100 000. */
  maxTrackedNonces?: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
  /** Random source for nonces; default the Web Crypto one. */
  random?: RandomBytes;
}

const DEFAULT_LIFETIME_MS = 300_000;

function reject(
  failure: DigestFailure,
  detail: string,
  username?: string,
  override?: { answer: DigestAnswer },
): DigestRejected {
  const answer = override?.answer ?? ANSWER_FOR_FAILURE[failure];
  const verdict: DigestRejected = { ok: false, failure, answer, detail };
  if (username !== undefined) verdict.username = username;
  return verdict;
}

/**
 * Issues Digest challenges and verifies credentials for one realm.
 *
 * @example
 * ```ts
 * const v = new DigestVerifier({ realm: "r", secret, algorithms: ["SHA-256", "MD5"], lookup });
 * v.challenges(); // ['Digest realm="r", nonce="…", algorithm=SHA-256, qop="auth"', '… MD5 …']
 * ```
 */
export class DigestVerifier {
  readonly realm: string;
  readonly role: DigestRole;
  readonly #options: DigestVerifierOptions;
  readonly #qop: readonly DigestQop[];
  readonly #nonces: NonceIssuer;
  readonly #counts: NonceCountRegistry;
  readonly #now: () => number;

  constructor(options: DigestVerifierOptions) {
    if (options.algorithms.length === 0) throw new RangeError("offer at least one algorithm");
    this.realm = options.realm;
    this.role = options.role ?? "uas";
    this.#options = options;
    this.#qop = options.qop ?? ["auth"];
    this.#now = options.now ?? Date.now;
    const lifetimeMs = options.nonceLifetimeMs ?? DEFAULT_LIFETIME_MS;
    this.#nonces = new NonceIssuer({
      secret: options.secret,
      realm: options.realm,
      lifetimeMs,
      now: this.#now,
      random: options.random,
    });
    this.#counts = new NonceCountRegistry({
      lifetimeMs,
      maxNonces: options.maxTrackedNonces ?? 100_000,
    });
  }

  /** The challenge header: WWW-Authenticate (UAS) or Proxy-Authenticate (proxy). */
  get challengeHeader(): "WWW-Authenticate" | "Proxy-Authenticate" {
    return this.role === "proxy" ? "Proxy-Authenticate" : "WWW-Authenticate";
  }

  /** The credentials header: Authorization (UAS) or Proxy-Authorization (proxy). */
  get credentialsHeader(): "Authorization" | "Proxy-Authorization" {
    return this.role === "proxy" ? "Proxy-Authorization" : "Authorization";
  }

  /**
   * Fresh challenge values, one per offered algorithm in preference order, sharing one new
   * nonce (RFC 8760); `stale` marks them as the answer to a stale nonce (RFC 7616 §3.3).
   */
  challenges(stale = false): string[] {
    const nonce = this.#nonces.issue();
    return this.#options.algorithms.map((algorithm) =>
      formatDigestChallenge({
        realm: this.realm,
        nonce,
        opaque: this.#options.opaque,
        stale,
        algorithm,
        qop: [...this.#qop],
        userhash: this.#options.resolveUserhash !== undefined,
      })
    );
  }

  /** Adds {@link challenges} to a 401/407 response being built. */
  addChallenges(response: SipResponse, stale = false): void {
    for (const value of this.challenges(stale)) response.addHeader(this.challengeHeader, value);
  }

  /** Verifies the credentials `request` carries for this realm. */
  verify(request: SipRequest): DigestVerdict {
    const found = this.#findCredentials(request);
    if ("ok" in found) return found;
    const c = found;
    const algorithm = c.algorithm ?? "MD5";
    if (!this.#options.algorithms.includes(algorithm)) {
      return reject("unsupported-algorithm", `algorithm ${algorithm} not offered`, c.username);
    }
    if (
      this.#qop.length > 0 ? c.qop === undefined || !this.#qop.includes(c.qop) : c.qop !== undefined
    ) {
      return reject("qop-not-offered", `qop ${c.qop ?? "(none)"} not offered`, c.username);
    }
    if (this.#options.opaque !== undefined && c.opaque !== this.#options.opaque) {
      return reject("opaque-mismatch", "opaque does not echo the challenge", c.username);
    }
    if (!digestUriMatches(c.uri, request.uri, this.#options.uriPolicy ?? "equivalent")) {
      return reject("uri-mismatch", `uri ${c.uri} vs Request-URI ${request.uri}`, c.username);
    }
    const username = this.#resolveUsername(c, algorithm);
    const stored = username === undefined ? undefined : this.#options.lookup(username, this.realm);
    if (username === undefined || stored === undefined) {
      return reject("unknown-user", `no user ${c.username}`, c.username);
    }
    const ha1 = "password" in stored
      ? computeHa1(algorithm, username, this.realm, stored.password)
      : stored.ha1[hashOf(algorithm)];
    if (ha1 === undefined) {
      return reject("unsupported-algorithm", `no stored H(A1) for ${hashOf(algorithm)}`, username);
    }
    const expected = computeRequestDigest({
      algorithm,
      ha1: ha1.toLowerCase(),
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop: c.qop,
      cnonce: c.cnonce,
      nc: c.nc,
      body: request.body,
    });
    const responseValid = bytesEqual(utf8(expected), utf8(c.response.toLowerCase()));
    const nonce = this.#nonces.check(c.nonce);
    if (nonce.state === "invalid") {
      // RFC 7616 §3.3: stale=TRUE when "the nonce is invalid and the response is valid for that
      // nonce" — e.g. a nonce minted before this server's secret changed.
      return reject("invalid-nonce", "nonce not minted here", username, {
        answer: responseValid ? "challenge-stale" : "challenge",
      });
    }
    if (!responseValid) return reject("wrong-password", "response does not match", username);
    if (nonce.state === "stale") return reject("stale-nonce", "nonce past its lifetime", username);
    if (c.nc !== undefined) {
      const count = this.#counts.accept(c.nonce, c.nc, nonce.issuedAt, this.#now());
      if (count === "replayed") {
        return reject("replayed-nonce-count", `nc ${c.nc} not above the last one`, username);
      }
      if (count === "forgotten") return reject("stale-nonce", "nonce state evicted", username);
    }
    const accepted: DigestVerdict = { ok: true, username, realm: this.realm, algorithm };
    if (c.qop !== undefined) accepted.qop = c.qop;
    if (c.nc !== undefined) accepted.nc = c.nc;
    return accepted;
  }

  /**
   * The credentials for this realm among the request's Authorization/Proxy-Authorization values
   * (RFC 3261 §22.3: several hops' credentials may be present; the realm tells ours).
   */
  #findCredentials(request: SipRequest): DigestCredentials | DigestRejected {
    let sawDigest = false;
    let syntaxError: DigestSyntaxError | undefined;
    for (const field of request.headerValues(this.credentialsHeader)) {
      let values: AuthValue[];
      try {
        values = parseAuthValues(field);
      } catch (e) {
        if (!(e instanceof DigestSyntaxError)) throw e;
        if (/^\s*digest\s/i.test(field)) syntaxError ??= e;
        continue;
      }
      for (const value of values) {
        if (value.scheme.toLowerCase() !== "digest") continue;
        sawDigest = true;
        if (paramValue(value, "realm") !== this.realm) continue;
        try {
          return credentialsFromAuthValue(value);
        } catch (e) {
          if (!(e instanceof DigestSyntaxError)) throw e;
          if (e.code === "unsupported-algorithm") return reject("unsupported-algorithm", e.message);
          syntaxError ??= e;
        }
      }
    }
    if (syntaxError !== undefined) return reject("malformed-credentials", syntaxError.message);
    if (sawDigest) return reject("realm-mismatch", `no credentials for realm ${this.realm}`);
    return reject("missing-credentials", `no ${this.credentialsHeader}: Digest`);
  }

  #resolveUsername(c: DigestCredentials, algorithm: DigestAlgorithm): string | undefined {
    if (!c.userhash) return c.username;
    return this.#options.resolveUserhash?.(c.username.toLowerCase(), hashOf(algorithm));
  }
}
