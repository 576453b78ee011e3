/**
 * Cryptographic primitives for the authentication layer (MS-NLMP §6): digests (MD4, MD5,
 * HMAC-MD5 from the runtime), RC4, DES and CRC-32 (written here because the runtime lacks them),
 * byte helpers and the injectable random source.
 *
 * @example
 * ```ts
 * import { hmacMd5, md4, rc4k, utf16le } from "./mod.ts";
 * const ntHash = md4(utf16le("Password"));
 * ```
 *
 * @module
 */
export {
  bytesEqual,
  concatBytes,
  fromHex,
  fromUtf16le,
  le32,
  readLe16,
  readLe32,
  toHex,
  utf16le,
  utf8,
  writeLe16,
  writeLe32,
} from "./bytes.ts";
export { hmacMd5, md4, md5 } from "./digests.ts";
export { Rc4, rc4k } from "./rc4.ts";
export { desEncryptBlock, expandDesKey } from "./des.ts";
export { crc32 } from "./crc32.ts";
export { type RandomBytes, secureRandomBytes } from "./random.ts";
