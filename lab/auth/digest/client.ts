/**
 * The client side of SIP Digest (RFC 3261 §22.1–§22.4, RFC 7616, RFC 8760): reads 401/407
 * challenges, keeps one authentication session per (header family, realm), and signs requests
 * with `Authorization` / `Proxy-Authorization`.
 *
 * - Several challenges: per realm the strongest supported algorithm wins (challenge.ts).
 * - nonce-count: counted per nonce from 1, one step per signed request; a new nonce restarts it.
 * - cnonce: fresh random per signed request when qop is used.
 * - `stale=TRUE`: the new nonce is taken and the request retried without giving up (RFC 7616
 *   §3.3) — no new password is needed.
 * - A new challenge for a realm whose credentials were just sent, without `stale`, means they
 *   were refused: give up (RFC 3261 §22.1, "SHOULD NOT re-attempt requests with the credentials
 *   that have just been rejected").
 * - Sessions persist, so later requests to the same realm are signed pre-emptively with the
 *   next nonce-count (RFC 3261 §22.1 allows reusing credentials for a realm).
 *
 * @example
 * ```ts
 * const client = new DigestClient({ username: "bob", password: "zanzibar" });
 * const outcome = client.handleChallenge(response401);
 * if (outcome.kind === "retry") {
 *   const retry = buildNextRequest(); // CSeq + 1 (RFC 3261 §22.1)
 *   client.authorize(retry);
 * }
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { toHex } from "../crypto/bytes.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import { DIGEST_ALGORITHMS, type DigestAlgorithm } from "./algorithms.ts";
import { paramValue, parseAuthValues } from "./auth_params.ts";
import { type DigestChallenge, type DigestQop, selectDigestChallenges } from "./challenge.ts";
import { type DigestCredentials, formatDigestCredentials } from "./credentials.ts";
import { computeHa1, computeRequestDigest, computeUserhash } from "./response.ts";

/** Settings of a {@link DigestClient}. */
export interface DigestClientOptions {
  username: string;
  password: string;
  /** Algorithms this client answers; default all of RFC 7616 §6.1. */
  algorithms?: readonly DigestAlgorithm[];
  /** Use qop=auth-int (protecting the body) when the server offers it; default false. */
  preferAuthInt?: boolean;
  /** Random source for cnonces; default the Web Crypto one. */
  random?: RandomBytes;
}

/** What to do after a 401/407. */
export type ChallengeOutcome =
  | { kind: "retry"; stale: boolean }
  | {
    kind: "give-up";
    /**
     * `credentials-rejected`: challenged again for a realm just answered, without stale.
     * `no-usable-challenge`: no Digest challenge with a supported algorithm.
     */
    reason: "credentials-rejected" | "no-usable-challenge";
  };

/** Which header family a session belongs to (RFC 3261 §22.2 vs §22.3). */
export type DigestFamily = "www" | "proxy";

interface Session {
  family: DigestFamily;
  challenge: DigestChallenge;
  /** Last nonce-count used with the current nonce. */
  nc: number;
  /** Credentials were sent since the challenge arrived. */
  used: boolean;
}

const CHALLENGE_HEADER: Record<DigestFamily, string> = {
  www: "WWW-Authenticate",
  proxy: "Proxy-Authenticate",
};
const CREDENTIALS_HEADER: Record<DigestFamily, string> = {
  www: "Authorization",
  proxy: "Proxy-Authorization",
};

/**
 * One user's Digest client.
 *
 * @example
 * ```ts
 * const client = new DigestClient({ username: "alice", password: "secret", algorithms: ["MD5"] });
 * ```
 */
export class DigestClient {
  readonly #username: string;
  readonly #password: string;
  readonly #algorithms: readonly DigestAlgorithm[];
  readonly #preferAuthInt: boolean;
  readonly #random: RandomBytes;
  readonly #sessions = new Map<string, Session>();

  constructor(options: DigestClientOptions) {
    this.#username = options.username;
    this.#password = options.password;
    this.#algorithms = options.algorithms ?? DIGEST_ALGORITHMS;
    this.#preferAuthInt = options.preferAuthInt ?? false;
    this.#random = options.random ?? secureRandomBytes;
  }

  /** Realms with a session, as "www:realm" / "proxy:realm" (for logs and tests). */
  get sessionKeys(): string[] {
    return [...this.#sessions.keys()];
  }

  /**
   * Takes the challenges of a 401/407 (both header families are read: a forking proxy may
   * aggregate them, RFC 3261 §16.7 step 6) and says whether to resend the request.
   */
  handleChallenge(response: SipResponse): ChallengeOutcome {
    let usable = 0;
    let stale = false;
    for (const family of ["www", "proxy"] as const) {
      const values = response.headerValues(CHALLENGE_HEADER[family]);
      for (const challenge of selectDigestChallenges(values, this.#algorithms)) {
        usable++;
        const key = `${family}:${challenge.realm}`;
        const previous = this.#sessions.get(key);
        if (previous?.used && !challenge.stale) {
          this.#sessions.delete(key);
          return { kind: "give-up", reason: "credentials-rejected" };
        }
        stale ||= challenge.stale && previous !== undefined;
        this.#sessions.set(key, { family, challenge, nc: 0, used: false });
      }
    }
    if (usable === 0) return { kind: "give-up", reason: "no-usable-challenge" };
    return { kind: "retry", stale };
  }

  /**
   * Adds this client's credentials for every session to `request` (replacing any it added
   * before): digest-uri = Request-URI (RFC 3261 §22.4 item 3), body hashed for auth-int.
   */
  authorize(request: SipRequest): void {
    for (const family of ["www", "proxy"] as const) this.#removeOwnCredentials(request, family);
    for (const session of this.#sessions.values()) {
      session.nc++;
      session.used = true;
      request.addHeader(
        CREDENTIALS_HEADER[session.family],
        formatDigestCredentials(this.credentialsFor(session.challenge, request, session.nc)),
      );
    }
  }

  /**
   * The credentials answering `challenge` for `request` with nonce-count `nc` (a fresh cnonce
   * is drawn when qop is used).
   */
  credentialsFor(challenge: DigestChallenge, request: SipRequest, nc: number): DigestCredentials {
    const qop = this.#chooseQop(challenge.qop);
    const cnonce = qop === undefined ? undefined : toHex(this.#random(16));
    const { realm, nonce, algorithm } = challenge;
    const credentials: DigestCredentials = {
      username: challenge.userhash
        ? computeUserhash(algorithm, this.#username, realm)
        : this.#username,
      realm,
      nonce,
      uri: request.uri,
      response: computeRequestDigest({
        algorithm,
        ha1: computeHa1(algorithm, this.#username, realm, this.#password),
        nonce,
        method: request.method,
        uri: request.uri,
        qop,
        cnonce,
        nc: qop === undefined ? undefined : nc,
        body: request.body,
      }),
      algorithm,
      userhash: challenge.userhash,
    };
    if (qop !== undefined && cnonce !== undefined) {
      credentials.qop = qop;
      credentials.nc = nc;
      credentials.cnonce = cnonce;
    }
    if (challenge.opaque !== undefined) credentials.opaque = challenge.opaque;
    return credentials;
  }

  /** RFC 7616 §3.4: answer with one of the offered qop values; none offered: RFC 2069 form. */
  #chooseQop(offered: readonly DigestQop[]): DigestQop | undefined {
    if (offered.length === 0) return undefined;
    if (this.#preferAuthInt && offered.includes("auth-int")) return "auth-int";
    return offered.includes("auth") ? "auth" : "auth-int";
  }

  /** Drops Digest values this client would replace (same family and a realm it has). */
  #removeOwnCredentials(request: SipRequest, family: DigestFamily): void {
    const name = CREDENTIALS_HEADER[family];
    const fields = request.headerValues(name);
    if (fields.length === 0) return;
    const keep = fields.filter((field) => {
      try {
        return !parseAuthValues(field).some((v) =>
          v.scheme.toLowerCase() === "digest" &&
          this.#sessions.has(`${family}:${paramValue(v, "realm")}`)
        );
      } catch {
        return true;
      }
    });
    if (keep.length === fields.length) return;
    request.removeHeader(name);
    for (const field of keep) request.addHeader(name, field);
  }
}
