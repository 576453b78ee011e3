/**
 * Digest algorithms (RFC 7616 §3.2 and §6.1; RFC 8760 for SIP): the names as written in the
 * `algorithm` parameter, their hash functions, the `-sess` variants, and hex digests.
 *
 * SHA-512-256 is SHA-512/256 of FIPS 180-4 (not a truncated SHA-512); the runtime's `node:crypto`
 * provides it as "sha512-256" (checked by the FIPS "abc" vector in algorithms_test.ts).
 *
 * @example
 * ```ts
 * parseDigestAlgorithm("md5-SESS"); // "MD5-sess"
 * hashHex("SHA-256", "abc").length; // 64
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";

/** The algorithm values of the RFC 7616 §6.1 registry. */
export type DigestAlgorithm =
  | "MD5"
  | "MD5-sess"
  | "SHA-256"
  | "SHA-256-sess"
  | "SHA-512-256"
  | "SHA-512-256-sess";

/** The hash function behind an algorithm (H of RFC 7616 §3.4). */
export type DigestHash = "MD5" | "SHA-256" | "SHA-512-256";

/** Every algorithm, strongest hash first (RFC 8760: SHA-512-256, SHA-256, then MD5). */
export const DIGEST_ALGORITHMS: readonly DigestAlgorithm[] = [
  "SHA-512-256",
  "SHA-512-256-sess",
  "SHA-256",
  "SHA-256-sess",
  "MD5",
  "MD5-sess",
];

const NODE_HASH_NAMES: Record<DigestHash, string> = {
  "MD5": "md5",
  "SHA-256": "sha256",
  "SHA-512-256": "sha512-256",
};

const HASH_STRENGTH: Record<DigestHash, number> = { "MD5": 1, "SHA-256": 2, "SHA-512-256": 3 };

/**
 * Reads an `algorithm` value; names compare case-insensitively (RFC 7616 §3.3 lists them as
 * tokens; implementations write "md5" as well as "MD5"). Undefined for an unknown algorithm,
 * whose challenge RFC 7616 §3.3 says to ignore.
 *
 * @example
 * ```ts
 * parseDigestAlgorithm("sha-256"); // "SHA-256"
 * parseDigestAlgorithm("AKAv1-MD5"); // undefined
 * ```
 */
export function parseDigestAlgorithm(token: string): DigestAlgorithm | undefined {
  const lower = token.toLowerCase();
  return DIGEST_ALGORITHMS.find((a) => a.toLowerCase() === lower);
}

/**
 * The hash function of `algorithm`.
 *
 * @example
 * ```ts
 * hashOf("SHA-256-sess"); // "SHA-256"
 * ```
 */
export function hashOf(algorithm: DigestAlgorithm): DigestHash {
  return algorithm.endsWith("-sess")
    ? algorithm.slice(0, -5) as DigestHash
    : algorithm as DigestHash;
}

/**
 * True for the `-sess` variants, whose A1 folds in the nonce and cnonce (RFC 7616 §3.4.2).
 *
 * @example
 * ```ts
 * isSessionAlgorithm("MD5-sess"); // true
 * ```
 */
export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith("-sess");
}

/**
 * Relative strength of an algorithm's hash: 3 for SHA-512-256, 2 for SHA-256, 1 for MD5.
 *
 * @example
 * ```ts
 * algorithmStrength("SHA-256") > algorithmStrength("MD5"); // true
 * ```
 */
export function algorithmStrength(algorithm: DigestAlgorithm): number {
  return HASH_STRENGTH[hashOf(algorithm)];
}

/**
 * Lowercase hex digest of `data` (text is UTF-8 encoded) with `hash` — RFC 7616 §3.4 H(),
 * whose output is written in lowercase hexadecimal.
 *
 * @example
 * ```ts
 * hashHex("MD5", ""); // "d41d8cd98f00b204e9800998ecf8427e"
 * ```
 */
export function hashHex(hash: DigestHash, data: string | Uint8Array): string {
  const h = createHash(NODE_HASH_NAMES[hash]);
  h.update(data);
  return h.digest("hex");
}

/**
 * Length in hex digits of a digest made with `hash` (32 for MD5, 64 for the SHA-2 ones).
 *
 * @example
 * ```ts
 * hexLength("SHA-512-256"); // 64
 * ```
 */
export function hexLength(hash: DigestHash): number {
  return hash === "MD5" ? 32 : 64;
}
