/**
 * Byte-array helpers shared by the authentication code: hex text, concatenation, little-endian
 * integers, UTF-16LE text (MS-NLMP §2.2: "All multiple-byte values are encoded in little-endian
 * byte order"; UNICODE strings are UTF-16LE without a BOM) and a constant-time comparison.
 *
 * @example
 * ```ts
 * toHex(concatBytes(fromHex("0102"), le32(3))); // "010203000000"
 * ```
 *
 * @module
 */

const HEX_DIGITS = "0123456789abcdef";

/**
 * Lowercase hexadecimal text of `bytes`.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0xab, 0x01])); // "ab01"
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX_DIGITS[b >> 4] + HEX_DIGITS[b & 15];
  return out;
}

/**
 * Parses hexadecimal text (either case; spaces and newlines between digit pairs are ignored so
 * hexdumps can be pasted). Throws RangeError on an odd digit count or a non-hex character.
 *
 * @example
 * ```ts
 * fromHex("AB 01"); // Uint8Array [0xab, 0x01]
 * ```
 */
export function fromHex(text: string): Uint8Array {
  const digits = text.replace(/\s+/g, "");
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) {
    throw new RangeError("invalid hex text");
  }
  const out = new Uint8Array(digits.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Concatenates byte arrays into a new array.
 *
 * @example
 * ```ts
 * concatBytes(new Uint8Array([1]), new Uint8Array([2, 3])).length; // 3
 * ```
 */
export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * The 4-byte little-endian encoding of an unsigned 32-bit integer.
 *
 * @example
 * ```ts
 * le32(100); // Uint8Array [0x64, 0, 0, 0]
 * ```
 */
export function le32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value >>> 0, true);
  return out;
}

/**
 * Reads an unsigned little-endian 16-bit integer at `offset`.
 *
 * @example
 * ```ts
 * readLe16(new Uint8Array([0x34, 0x12]), 0); // 0x1234
 * ```
 */
export function readLe16(bytes: Uint8Array, offset: number): number {
  return bytes[offset] | (bytes[offset + 1] << 8);
}

/**
 * Reads an unsigned little-endian 32-bit integer at `offset`.
 *
 * @example
 * ```ts
 * readLe32(new Uint8Array([0x64, 0, 0, 0]), 0); // 100
 * ```
 */
export function readLe32(bytes: Uint8Array, offset: number): number {
  return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) |
    (bytes[offset + 3] << 24)) >>> 0;
}

/**
 * Writes an unsigned little-endian 16-bit integer at `offset`.
 *
 * @example
 * ```ts
 * const b = new Uint8Array(2); writeLe16(b, 0, 0x1234); // b = [0x34, 0x12]
 * ```
 */
export function writeLe16(bytes: Uint8Array, offset: number, value: number): void {
  bytes[offset] = value & 0xff;
  bytes[offset + 1] = (value >>> 8) & 0xff;
}

/**
 * Writes an unsigned little-endian 32-bit integer at `offset`.
 *
 * @example
 * ```ts
 * const b = new Uint8Array(4); writeLe32(b, 0, 1); // b = [1, 0, 0, 0]
 * ```
 */
export function writeLe32(bytes: Uint8Array, offset: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(
    offset,
    value >>> 0,
    true,
  );
}

/**
 * UTF-16LE encoding without BOM (MS-NLMP §6 `UNICODE(string)`).
 *
 * @example
 * ```ts
 * toHex(utf16le("Us")); // "55007300"
 * ```
 */
export function utf16le(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) writeLe16(out, 2 * i, text.charCodeAt(i));
  return out;
}

/**
 * Decodes UTF-16LE bytes; throws RangeError when the length is odd.
 *
 * @example
 * ```ts
 * fromUtf16le(utf16le("User")); // "User"
 * ```
 */
export function fromUtf16le(bytes: Uint8Array): string {
  if (bytes.length % 2 !== 0) throw new RangeError("odd UTF-16LE length");
  let out = "";
  for (let i = 0; i < bytes.length; i += 2) out += String.fromCharCode(readLe16(bytes, i));
  return out;
}

/**
 * UTF-8 encoding of `text`.
 *
 * @example
 * ```ts
 * utf8("<NTLM>").length; // 6
 * ```
 */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/**
 * Compares two byte arrays in time independent of where they differ (for MACs and responses).
 *
 * @example
 * ```ts
 * bytesEqual(fromHex("0102"), fromHex("0102")); // true
 * ```
 */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
