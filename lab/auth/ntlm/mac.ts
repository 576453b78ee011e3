/**
 * The message signature MAC() (MS-NLMP §3.4.4) producing an NTLMSSP_MESSAGE_SIGNATURE
 * (§2.2.2.9): Version(4)=1 then, without extended session security, RandomPad(4) Checksum(4)
 * SeqNum(4) (§3.4.4.1), or with it Checksum(8) SeqNum(4) (§3.4.4.2).
 *
 * The RC4 `handle` is the caller's: a connection-oriented session keeps one per direction across
 * messages, a datagram session re-keys it for every message (§3.4).
 *
 * @example
 * ```ts
 * const sig = macWithExtendedSessionSecurity(signKey, 100, buffer, new Rc4(md5(sealKey, le32(100))));
 * ```
 *
 * @module
 */
import { concatBytes, le32 } from "../crypto/bytes.ts";
import { crc32 } from "../crypto/crc32.ts";
import { hmacMd5 } from "../crypto/digests.ts";
import type { Rc4 } from "../crypto/rc4.ts";

/** Length of an NTLMSSP_MESSAGE_SIGNATURE. */
export const SIGNATURE_LENGTH = 16;

const VERSION_ONE = le32(1);

/**
 * MAC() with extended session security (MS-NLMP §3.4.4.2): Checksum =
 * HMAC_MD5(SigningKey, SeqNum || Message)[0..7], encrypted with RC4(handle) when a key exchange
 * key was negotiated (pass `handle`), left clear otherwise (pass undefined).
 *
 * @example
 * ```ts
 * toHex(macWithExtendedSessionSecurity(signKey, 0, message)); // "01000000" + checksum + "00000000"
 * ```
 */
export function macWithExtendedSessionSecurity(
  signingKey: Uint8Array,
  seqNum: number,
  message: Uint8Array,
  handle: Rc4 | undefined,
): Uint8Array {
  const seq = le32(seqNum);
  const checksum = hmacMd5(signingKey, seq, message).subarray(0, 8);
  return concatBytes(VERSION_ONE, handle ? handle.transform(checksum) : checksum, seq);
}

/** How the RandomPad slot of a signature without ESS is written. */
export interface MacWithoutEssOptions {
  /** RandomPad input, "typically 0" (MS-NLMP §3.4.4.1). */
  randomPad?: number;
  /**
   * The §3.4.4.1 pseudocode ends with "Set RandomPad to 0" (and real OCS signatures carry zeros
   * there), while the §4.2.2.4 example shows RC4(Handle, RandomPad) in that slot. Default false
   * (zeros); true reproduces §4.2.2.4.
   */
  keepEncryptedRandomPad?: boolean;
}

/**
 * MAC() without extended session security (MS-NLMP §3.4.4.1): RandomPad = RC4(h, RandomPad),
 * Checksum = RC4(h, CRC32(Message)), SeqNum = RC4(h, 0) XOR SeqNum — in that keystream order.
 *
 * @example
 * ```ts
 * macWithoutExtendedSessionSecurity(new Rc4(sealKey), 0, message);
 * ```
 */
export function macWithoutExtendedSessionSecurity(
  handle: Rc4,
  seqNum: number,
  message: Uint8Array,
  options: MacWithoutEssOptions = {},
): Uint8Array {
  const pad = handle.transform(le32(options.randomPad ?? 0));
  const checksum = handle.transform(le32(crc32(message)));
  const seq = handle.transform(new Uint8Array(4));
  const wanted = le32(seqNum);
  for (let i = 0; i < 4; i++) seq[i] ^= wanted[i];
  const padSlot = options.keepEncryptedRandomPad ? pad : new Uint8Array(4);
  return concatBytes(VERSION_ONE, padSlot, checksum, seq);
}

/**
 * The signature when only NTLMSSP_NEGOTIATE_ALWAYS_SIGN is set (MS-NLMP §3.4.4.3): Version 1 and
 * all other bytes zero.
 *
 * @example
 * ```ts
 * toHex(alwaysSignDummySignature()); // "01000000000000000000000000000000"
 * ```
 */
export function alwaysSignDummySignature(): Uint8Array {
  return concatBytes(VERSION_ONE, new Uint8Array(12));
}
