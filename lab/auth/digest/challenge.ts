/**
 * Digest challenges: the `WWW-Authenticate` (401) and `Proxy-Authenticate` (407) values of
 * RFC 7616 §3.3 as profiled for SIP by RFC 3261 §22.4 and RFC 8760 — reading, writing, and
 * choosing among several.
 *
 * @example
 * ```ts
 * const ch = parseDigestChallenge('Digest realm="biloxi.com", qop="auth,auth-int", ' +
 *   'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"');
 * ch.algorithm; // "MD5" (the default when absent)
 * formatDigestChallenge(ch); // Digest realm="biloxi.com", nonce="dcd9...", ...
 * ```
 *
 * @module
 */
import {
  algorithmStrength,
  type DigestAlgorithm,
  isSessionAlgorithm,
  parseDigestAlgorithm,
} from "./algorithms.ts";
import {
  type AuthParam,
  type AuthValue,
  formatAuthValue,
  paramValue,
  parseAuthValues,
} from "./auth_params.ts";
import { DigestSyntaxError } from "./errors.ts";

/** The quality-of-protection values (RFC 7616 §3.3 qop-options). */
export type DigestQop = "auth" | "auth-int";

/** A Digest challenge (RFC 7616 §3.3). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** True when the previous request was refused only because its nonce was stale. */
  stale: boolean;
  /** MD5 when the challenge has no `algorithm` parameter (RFC 7616 §3.3). */
  algorithm: DigestAlgorithm;
  /**
   * The qop options offered, known values only, in the server's order. Empty when the
   * challenge has no qop: RFC 2069 compatibility (RFC 2617 §3.2.2.1).
   */
  qop: DigestQop[];
  /** Space-separated URIs of the protection space (RFC 7616 §3.3 `domain`). */
  domain?: string;
  /** RFC 7616 §3.3 `charset`; only "UTF-8" is defined. */
  charset?: "UTF-8";
  /** RFC 7616 §3.3 `userhash`: the server supports hashed user names. */
  userhash: boolean;
}

const DIGEST = "digest";

/** RFC 7616 §3.3: stale and userhash are case-insensitive "true"/"false" flags. */
function flag(value: string | undefined): boolean {
  return value?.toLowerCase() === "true";
}

/** qop-options: a quoted comma-separated list; unknown values are skipped (RFC 7616 §3.3). */
function readQopOptions(value: string | undefined): DigestQop[] {
  if (value === undefined) return [];
  const out: DigestQop[] = [];
  for (const part of value.split(",")) {
    const q = part.trim().toLowerCase();
    if ((q === "auth" || q === "auth-int") && !out.includes(q)) out.push(q);
  }
  return out;
}

/**
 * Reads one Digest challenge from an already split auth value. Throws DigestSyntaxError:
 * "not-digest" for another scheme, "missing-parameter" without realm or nonce,
 * "unsupported-algorithm" for an algorithm not implemented here.
 *
 * @example
 * ```ts
 * challengeFromAuthValue(parseAuthValues('Digest realm="r", nonce="n"')[0]).qop; // []
 * ```
 */
export function challengeFromAuthValue(value: AuthValue): DigestChallenge {
  if (value.scheme.toLowerCase() !== DIGEST) {
    throw new DigestSyntaxError("not-digest", `scheme ${value.scheme} is not Digest`);
  }
  const realm = paramValue(value, "realm");
  const nonce = paramValue(value, "nonce");
  if (realm === undefined || nonce === undefined) {
    throw new DigestSyntaxError("missing-parameter", "a Digest challenge needs realm and nonce");
  }
  const algorithmText = paramValue(value, "algorithm");
  const algorithm = algorithmText === undefined ? "MD5" : parseDigestAlgorithm(algorithmText);
  if (algorithm === undefined) {
    throw new DigestSyntaxError("unsupported-algorithm", `algorithm ${algorithmText}`);
  }
  const challenge: DigestChallenge = {
    realm,
    nonce,
    stale: flag(paramValue(value, "stale")),
    algorithm,
    qop: readQopOptions(paramValue(value, "qop")),
    userhash: flag(paramValue(value, "userhash")),
  };
  const opaque = paramValue(value, "opaque");
  if (opaque !== undefined) challenge.opaque = opaque;
  const domain = paramValue(value, "domain");
  if (domain !== undefined) challenge.domain = domain;
  if (paramValue(value, "charset")?.toLowerCase() === "utf-8") challenge.charset = "UTF-8";
  return challenge;
}

/**
 * Reads a field value holding exactly one Digest challenge.
 *
 * @example
 * ```ts
 * parseDigestChallenge('Digest realm="atlanta.com", nonce="84a4cc6f", stale=TRUE').stale; // true
 * ```
 */
export function parseDigestChallenge(text: string): DigestChallenge {
  const values = parseAuthValues(text);
  if (values.length !== 1) {
    throw new DigestSyntaxError("malformed", `expected one challenge, found ${values.length}`);
  }
  return challengeFromAuthValue(values[0]);
}

/**
 * Writes a challenge: realm, domain, nonce, opaque, stale (only when true), algorithm, qop,
 * charset, userhash (only when true) — the parameter order of the RFC 3261 §20.44 example, the
 * algorithm always explicit (RFC 8760 lets several algorithms be offered, so MD5 is not left
 * implicit).
 *
 * @example
 * ```ts
 * formatDigestChallenge({ realm: "r", nonce: "n", stale: false, algorithm: "SHA-256",
 *   qop: ["auth"], userhash: false }); // 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"'
 * ```
 */
export function formatDigestChallenge(challenge: DigestChallenge): string {
  const params: AuthParam[] = [{ name: "realm", value: challenge.realm, quoted: true }];
  if (challenge.domain !== undefined) {
    params.push({ name: "domain", value: challenge.domain, quoted: true });
  }
  params.push({ name: "nonce", value: challenge.nonce, quoted: true });
  if (challenge.opaque !== undefined) {
    params.push({ name: "opaque", value: challenge.opaque, quoted: true });
  }
  if (challenge.stale) params.push({ name: "stale", value: "TRUE", quoted: false });
  params.push({ name: "algorithm", value: challenge.algorithm, quoted: false });
  if (challenge.qop.length > 0) {
    params.push({ name: "qop", value: challenge.qop.join(","), quoted: true });
  }
  if (challenge.charset !== undefined) {
    params.push({ name: "charset", value: challenge.charset, quoted: false });
  }
  if (challenge.userhash) params.push({ name: "userhash", value: "true", quoted: false });
  return formatAuthValue("Digest", params);
}

/**
 * Whether this code can answer `challenge`: its algorithm is among `accepted`, and a `-sess`
 * algorithm comes with qop (RFC 3261 §22.4 item 8: cnonce, hence the -sess algorithms, needs qop).
 *
 * @example
 * ```ts
 * isUsableChallenge(parseDigestChallenge('Digest realm="r", nonce="n", algorithm=MD5-sess'),
 *   ["MD5", "MD5-sess"]); // false: no qop
 * ```
 */
export function isUsableChallenge(
  challenge: DigestChallenge,
  accepted: readonly DigestAlgorithm[],
): boolean {
  if (!accepted.includes(challenge.algorithm)) return false;
  return !isSessionAlgorithm(challenge.algorithm) || challenge.qop.length > 0;
}

/**
 * All Digest challenges of a response's header values (one field per challenge in SIP, RFC 3261
 * §20.44, but folded lists are read too). Other schemes, and Digest challenges that are
 * malformed or use an unknown algorithm, are skipped (RFC 7616 §3.3 "SHOULD be ignored").
 *
 * @example
 * ```ts
 * readDigestChallenges(['NTLM realm="SIP Communications Service"', 'Digest realm="r", nonce="n"'])
 *   .length; // 1
 * ```
 */
export function readDigestChallenges(fieldValues: readonly string[]): DigestChallenge[] {
  const out: DigestChallenge[] = [];
  for (const field of fieldValues) {
    let values: AuthValue[];
    try {
      values = parseAuthValues(field);
    } catch {
      continue;
    }
    for (const value of values) {
      try {
        out.push(challengeFromAuthValue(value));
      } catch {
        // not Digest, or unusable: ignored
      }
    }
  }
  return out;
}

/**
 * Per realm, the challenge to answer: the strongest usable algorithm, ties going to the one
 * listed first (RFC 8760: servers list challenges in preference order, one per algorithm).
 * Returns them in the order their realms first appear.
 *
 * @example
 * ```ts
 * const picked = selectDigestChallenges([
 *   'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"',
 *   'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"',
 * ], ["MD5", "SHA-256"]);
 * picked[0].algorithm; // "SHA-256"
 * ```
 */
export function selectDigestChallenges(
  fieldValues: readonly string[],
  accepted: readonly DigestAlgorithm[],
): DigestChallenge[] {
  const best = new Map<string, DigestChallenge>();
  for (const challenge of readDigestChallenges(fieldValues)) {
    if (!isUsableChallenge(challenge, accepted)) continue;
    const current = best.get(challenge.realm);
    if (
      current === undefined ||
      algorithmStrength(challenge.algorithm) > algorithmStrength(current.algorithm)
    ) {
      best.set(challenge.realm, challenge);
    }
  }
  return [...best.values()];
}
