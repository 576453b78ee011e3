/**
 * The `gssapi-data` parameter of MS-SIPAE (§2.2): an NTLM message in base64. Decoding is strict
 * (RFC 4648 alphabet, padding required, no whitespace) so a malformed value is rejected as
 * NtlmAuthError("malformed-token") (MS-SIPAE guide §8: malformed base64 → 400 / abort SA).
 *
 * @example
 * ```ts
 * decodeGssapiData(encodeGssapiData(utf8("NTLMSSP\0"))); // the same bytes
 * ```
 *
 * @module
 */
import { NtlmAuthError } from "./errors.ts";

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Base64 text of a token.
 *
 * @example
 * ```ts
 * encodeGssapiData(new Uint8Array([0x4e, 0x54])); // "TlQ="
 * ```
 */
export function encodeGssapiData(token: Uint8Array): string {
  let binary = "";
  for (const b of token) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The token bytes of a gssapi-data value; throws NtlmAuthError("malformed-token") when the
 * value is empty or not canonical base64.
 *
 * @example
 * ```ts
 * decodeGssapiData("TlQ="); // Uint8Array [0x4e, 0x54]
 * ```
 */
export function decodeGssapiData(value: string): Uint8Array {
  if (value.length === 0 || !BASE64.test(value)) {
    throw new NtlmAuthError("malformed-token", "gssapi-data is not base64");
  }
  return Uint8Array.from(atob(value), (ch) => ch.charCodeAt(0));
}
