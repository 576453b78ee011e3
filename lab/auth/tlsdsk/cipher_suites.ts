/**
 * The cipher suites this TLS-DSK implementation negotiates: RSA key exchange with AES-CBC and
 * HMAC-SHA1 (RFC 3268 §3, usable with TLS 1.0). MS-SIPAE TLS-DSK signs with HMAC-SHA1 when the
 * suite's MAC is SHA-1 (guide §3.3), so both suites give 20-octet signatures.
 *
 * @example
 * ```ts
 * cipherSuite(0x002f)?.name; // "TLS_RSA_WITH_AES_128_CBC_SHA"
 * ```
 *
 * @module
 */

/** A block-cipher suite with RSA key exchange. */
export interface CipherSuite {
  id: number;
  name: string;
  /** node:crypto cipher name. */
  cipher: "aes-128-cbc" | "aes-256-cbc";
  keyLength: number;
  blockLength: number;
  /** node:crypto HMAC hash of the record MAC (and of the TLS-DSK signature). */
  macHash: "sha1";
  macLength: number;
}

/** TLS_RSA_WITH_AES_128_CBC_SHA (RFC 3268 §3). */
export const TLS_RSA_WITH_AES_128_CBC_SHA: CipherSuite = {
  id: 0x002f,
  name: "TLS_RSA_WITH_AES_128_CBC_SHA",
  cipher: "aes-128-cbc",
  keyLength: 16,
  blockLength: 16,
  macHash: "sha1",
  macLength: 20,
};

/** TLS_RSA_WITH_AES_256_CBC_SHA (RFC 3268 §3). */
export const TLS_RSA_WITH_AES_256_CBC_SHA: CipherSuite = {
  id: 0x0035,
  name: "TLS_RSA_WITH_AES_256_CBC_SHA",
  cipher: "aes-256-cbc",
  keyLength: 32,
  blockLength: 16,
  macHash: "sha1",
  macLength: 20,
};

/** Suites in this side's preference order. */
export const SUPPORTED_CIPHER_SUITES: readonly CipherSuite[] = [
  TLS_RSA_WITH_AES_256_CBC_SHA,
  TLS_RSA_WITH_AES_128_CBC_SHA,
];

/**
 * The supported suite with this id, if any.
 *
 * @example
 * ```ts
 * cipherSuite(0x0005); // undefined (RC4 is not offered)
 * ```
 */
export function cipherSuite(id: number): CipherSuite | undefined {
  return SUPPORTED_CIPHER_SUITES.find((s) => s.id === id);
}
