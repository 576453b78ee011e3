/**
 * The MPPC code tables (RFC 2118 §4.1, §4.2.1, §4.2.2) for the 8 KB history that
 * MS-SIPCOMP's "LZ77-8K" uses, and the packet flags (RFC 2118 §3.1 bits A, B, C; MS-SIPCOMP
 * §3.2.5.1.1 PACKET_FLUSHED, PACKET_AT_FRONT, PACKET_COMPRESSED).
 *
 * @module
 */
import type { BitReader, BitWriter } from "./bit_stream.ts";

/** RFC 2118 §4: the history buffer is 8192 octets; MS-SIPCOMP §3.1.1 HistoryBuffer (LZ77-8K). */
export const MPPC_HISTORY_SIZE = 8192;
/** RFC 2118 §4.2: the shortest copy tuple encodes three octets. */
export const MPPC_MIN_MATCH = 3;
/** RFC 2118 §4.2.2: the longest length-of-match code (`111111111110` + 12 bits) ends at 8191. */
export const MPPC_MAX_MATCH = 8191;

/**
 * MS-SIPCOMP §3.2.5.1.1 PACKET_FLUSHED = RFC 2118 §3.1 bit A: the receiver reinitialises its
 * history; the payload is not compressed. Value by position of bit A in the RFC 2118 flag
 * nibble (the MS-SIPCOMP text gives only PACKET_COMPRESSED = 0x2) [verify].
 */
export const PACKET_FLUSHED = 0x8;
/** MS-SIPCOMP §3.2.5.1.1 PACKET_AT_FRONT = RFC 2118 §3.1 bit B: history pointer to the start. */
export const PACKET_AT_FRONT = 0x4;
/** MS-SIPCOMP §3.2.5.1.1 PACKET_COMPRESSED (0x2) = RFC 2118 §3.1 bit C: payload compressed. */
export const PACKET_COMPRESSED = 0x2;
/** Every flag a packet may carry (RFC 2118 §3.1: bit D must be 0). */
export const PACKET_FLAG_MASK = PACKET_FLUSHED | PACKET_AT_FRONT | PACKET_COMPRESSED;

/**
 * RFC 2118 §4.1: a literal below 0x80 is its own 8 bits (`0` + 7 bits); a literal of 0x80 or
 * more is `10` followed by its lower 7 bits.
 *
 * @example
 * ```ts
 * writeLiteral(w, 0xe9); // 9 bits: 10 1101001
 * ```
 */
export function writeLiteral(w: BitWriter, byte: number): void {
  if (byte < 0x80) w.write(byte, 8);
  else w.write(0x100 | (byte & 0x7f), 9);
}

/**
 * RFC 2118 §4.2: a copy tuple, offset then length of match.
 * §4.2.1 offsets: 0–63 `1111` + 6 bits; 64–319 `1110` + 8 bits of (offset − 64);
 * 320–8191 `110` + 13 bits of (offset − 320).
 * §4.2.2 lengths: 3 `0`; 4–7 `10` + 2 bits; 8–15 `110` + 3 bits; … ; 4096–8191
 * `111111111110` + 12 bits — a run of k ones and a zero, then the k + 1 low bits of the length.
 *
 * @example
 * ```ts
 * writeCopy(w, 3, 6); // 1111 000011 10 10
 * ```
 */
export function writeCopy(w: BitWriter, offset: number, length: number): void {
  if (offset < 64) w.write((0b1111 << 6) | offset, 10);
  else if (offset < 320) w.write((0b1110 << 8) | (offset - 64), 12);
  else w.write((0b110 << 13) | (offset - 320), 16);
  if (length === 3) {
    w.write(0, 1);
    return;
  }
  // The length's highest set bit is bit k + 1; the prefix is k ones and a zero.
  const k = 30 - Math.clz32(length);
  const prefix = ((1 << k) - 1) << 1;
  w.write(prefix, k + 1);
  w.write(length & ((1 << (k + 1)) - 1), k + 1);
}

/** A copy tuple as read. */
export interface CopyTuple {
  offset: number;
  length: number;
}

/**
 * Reads one code: a literal octet (a number) or, when the first bits are `11`, a copy tuple
 * (written into `copy`, returns -1). Returns -2 when the length prefix is longer than any
 * code of RFC 2118 §4.2.2. Throws BitsExhaustedError when the data ends inside the code.
 *
 * @example
 * ```ts
 * const copy = { offset: 0, length: 0 };
 * readCode(reader, copy); // 0x61, or -1 with copy = { offset: 3, length: 6 }
 * ```
 */
export function readCode(r: BitReader, copy: CopyTuple): number {
  if (r.bit() === 0) return r.read(7); // §4.1: 0xxxxxxx
  if (r.bit() === 0) return 0x80 | r.read(7); // §4.1: 10xxxxxxx
  // §4.2.1 offsets.
  if (r.bit() === 0) copy.offset = r.read(13) + 320; // 110
  else copy.offset = r.bit() === 0 ? r.read(8) + 64 : r.read(6); // 1110 / 1111
  // §4.2.2 lengths: count the ones before the zero.
  let k = 0;
  while (r.bit() === 1) {
    if (++k > 11) return -2;
  }
  copy.length = k === 0 ? 3 : (1 << (k + 1)) | r.read(k + 1);
  return -1;
}
