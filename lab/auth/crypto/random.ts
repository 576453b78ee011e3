/**
 * The source of random bytes used for nonces and keys (MS-NLMP §6 `NONCE(N)`). Injectable so
 * known-answer tests can fix ClientChallenge, ExportedSessionKey, crand and srand.
 *
 * @example
 * ```ts
 * const nonce: RandomBytes = secureRandomBytes;
 * nonce(8).length; // 8
 * ```
 *
 * @module
 */

/** Returns `length` random bytes. */
export type RandomBytes = (length: number) => Uint8Array;

/**
 * Cryptographically strong random bytes from the Web Crypto API.
 *
 * @example
 * ```ts
 * const serverChallenge = secureRandomBytes(8);
 * ```
 */
export const secureRandomBytes: RandomBytes = (length) =>
  crypto.getRandomValues(new Uint8Array(length));
