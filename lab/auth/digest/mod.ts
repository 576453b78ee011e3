/**
 * HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 2617 compatibility, RFC 8760
 * algorithms): challenge and credentials syntax, the digest computation, a client that answers
 * 401/407 challenges, and a verifier with stateless HMAC nonces, nonce-count replay protection
 * and typed verdicts.
 *
 * @example
 * ```ts
 * import { DigestClient, DigestVerifier, statusFor } from "./mod.ts";
 *
 * const verifier = new DigestVerifier({ realm: "biloxi.com", secret, algorithms: ["SHA-256", "MD5"],
 *   lookup: (user) => user === "bob" ? { password: "zanzibar" } : undefined });
 * const client = new DigestClient({ username: "bob", password: "zanzibar" });
 *
 * const first = verifier.verify(register);            // { ok: false, failure: "missing-credentials" }
 * const challenge = new SipResponse(401, "Unauthorized");
 * verifier.addChallenges(challenge);
 * client.handleChallenge(challenge);                 // { kind: "retry", stale: false }
 * client.authorize(registerAgain);
 * verifier.verify(registerAgain);                    // { ok: true, username: "bob", ... }
 * ```
 *
 * @module
 */
export {
  algorithmStrength,
  DIGEST_ALGORITHMS,
  type DigestAlgorithm,
  type DigestHash,
  hashHex,
  hashOf,
  isSessionAlgorithm,
  parseDigestAlgorithm,
} from "./algorithms.ts";
export { DigestSyntaxError, type DigestSyntaxErrorCode } from "./errors.ts";
export {
  type AuthParam,
  type AuthValue,
  formatAuthValue,
  paramValue,
  parseAuthValues,
  quoteAuthValue,
} from "./auth_params.ts";
export {
  challengeFromAuthValue,
  type DigestChallenge,
  type DigestQop,
  formatDigestChallenge,
  isUsableChallenge,
  parseDigestChallenge,
  readDigestChallenges,
  selectDigestChallenges,
} from "./challenge.ts";
export {
  credentialsFromAuthValue,
  type DigestCredentials,
  formatDigestCredentials,
  formatNonceCount,
  parseDigestCredentials,
} from "./credentials.ts";
export {
  computeHa1,
  computeHa2,
  computeRequestDigest,
  computeUserhash,
  type RequestDigestInput,
  sessionHa1,
} from "./response.ts";
export { type NonceCheck, NonceIssuer, type NonceIssuerOptions } from "./nonce.ts";
export {
  NonceCountRegistry,
  type NonceCountRegistryOptions,
  type NonceCountResult,
} from "./nonce_counts.ts";
export { digestUriMatches, type DigestUriPolicy } from "./digest_uri.ts";
export {
  ANSWER_FOR_FAILURE,
  type DigestAccepted,
  type DigestAnswer,
  type DigestFailure,
  type DigestRejected,
  type DigestRole,
  type DigestVerdict,
  statusFor,
} from "./verdict.ts";
export {
  type CredentialLookup,
  DigestVerifier,
  type DigestVerifierOptions,
  type StoredCredential,
  type UserhashResolver,
} from "./verifier.ts";
export {
  type ChallengeOutcome,
  DigestClient,
  type DigestClientOptions,
  type DigestFamily,
} from "./client.ts";
