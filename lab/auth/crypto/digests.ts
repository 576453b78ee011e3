/**
 * The message digests NTLM needs, taken from the runtime's `node:crypto` (Deno 2.9.6 provides
 * MD4 through OpenSSL-compatible code; checked by the RFC 1320 vectors in digests_test.ts):
 * MD4 (RFC 1320), MD5 (RFC 1321) and HMAC-MD5 (RFC 2104), as used by MS-NLMP §6.
 *
 * @example
 * ```ts
 * toHex(md4(utf8("abc"))); // "a448017aaf21d8525fc10ae87aa6729d"
 * ```
 *
 * @module
 */
import { createHash, createHmac } from "node:crypto";

function digest(algorithm: string, parts: Uint8Array[]): Uint8Array {
  const h = createHash(algorithm);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

/**
 * MD4 of the concatenation of `parts` (RFC 1320), 16 bytes.
 *
 * @example
 * ```ts
 * md4(utf16le("Password")); // NTOWFv1("Password"), MS-NLMP §3.3.1
 * ```
 */
export function md4(...parts: Uint8Array[]): Uint8Array {
  return digest("md4", parts);
}

/**
 * MD5 of the concatenation of `parts` (RFC 1321), 16 bytes.
 *
 * @example
 * ```ts
 * md5(sealKey, le32(100)); // datagram per-message sealing key, MS-NLMP §3.4
 * ```
 */
export function md5(...parts: Uint8Array[]): Uint8Array {
  return digest("md5", parts);
}

/**
 * HMAC-MD5 (RFC 2104) of the concatenation of `parts` under `key`, 16 bytes.
 *
 * @example
 * ```ts
 * hmacMd5(responseKeyNT, serverChallenge, temp); // NTProofStr, MS-NLMP §3.3.2
 * ```
 */
export function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac("md5", key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
