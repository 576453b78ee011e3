/**
 * The VERSION structure (MS-NLMP §2.2.2.10): debugging information about the sender's OS, sent
 * when NTLMSSP_NEGOTIATE_VERSION is negotiated; it does not affect processing.
 *
 * @example
 * ```ts
 * toHex(encodeVersion({ major: 6, minor: 0, build: 6000, revision: NTLMSSP_REVISION_W2K3 }));
 * // "060070170000000f"
 * ```
 *
 * @module
 */
import { readLe16, writeLe16 } from "../crypto/bytes.ts";

/** NTLMSSP_REVISION_W2K3: version 15 of the NTLMSSP (MS-NLMP §2.2.2.10). */
export const NTLMSSP_REVISION_W2K3 = 0x0f;

/** ProductMajorVersion, ProductMinorVersion, ProductBuild, NTLMRevisionCurrent. */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

/** Size of the VERSION structure on the wire. */
export const VERSION_LENGTH = 8;

/**
 * The 8 bytes of a VERSION structure (the 3 reserved bytes are zero).
 *
 * @example
 * ```ts
 * encodeVersion({ major: 5, minor: 1, build: 2600, revision: 15 }); // 05 01 28 0a 00 00 00 0f
 * ```
 */
export function encodeVersion(version: NtlmVersion): Uint8Array {
  const out = new Uint8Array(VERSION_LENGTH);
  out[0] = version.major;
  out[1] = version.minor;
  writeLe16(out, 2, version.build);
  out[7] = version.revision;
  return out;
}

/**
 * Reads a VERSION structure at `offset`.
 *
 * @example
 * ```ts
 * decodeVersion(fromHex("0601b11d0000000f"), 0); // { major: 6, minor: 1, build: 7601, revision: 15 }
 * ```
 */
export function decodeVersion(bytes: Uint8Array, offset: number): NtlmVersion {
  return {
    major: bytes[offset],
    minor: bytes[offset + 1],
    build: readLe16(bytes, offset + 2),
    revision: bytes[offset + 7],
  };
}
