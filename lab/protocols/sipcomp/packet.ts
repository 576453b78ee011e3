/**
 * How MS-SIPCOMP compression packets sit on the byte stream. MS-SIPCOMP §3.2.5.1.1 says the
 * flags travel "in the flags field of the compression packet header", but the header's layout
 * (MS-SIPCOMP §2.2) could not be retrieved [verify]. Every layout detail therefore lives behind
 * {@link SipcompFraming}, and the rest of the package never looks at header octets.
 *
 * The layout used until the spec is checked, {@link FLAGS_LENGTH_FRAMING} (3 octets):
 *
 * ```
 *  0                   1                   2
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3
 * +-------+-------+-------------------------------+
 * |0 0 0 0| flags |  payload length (big-endian)  |  then `length` payload octets
 * +-------+-------+-------------------------------+
 * ```
 *
 * `flags` holds the MS-SIPCOMP values (FLUSHED 0x8, AT_FRONT 0x4, COMPRESSED 0x2; RFC 2118 §3.1
 * bits A, B, C in the same nibble order, bit D = 0x1 always zero); the high nibble is reserved
 * (zero). RFC 2118 §3.1's 12-bit coherency count is left out: it detects lost PPP packets, and
 * TCP loses none. A payload holds 1 to 8192 octets: a flushed packet carries at most one
 * history's worth of data and a compressed one is never larger than its data (§3.2.5.1.1).
 *
 * @module
 */
import { MPPC_HISTORY_SIZE } from "./mppc_codes.ts";
import type { MppcPacket } from "./mppc.ts";

/** Splits a stream back into packets. */
export interface SipcompPacketDecoder {
  /**
   * Feeds stream octets (any chunking); returns the packets they complete, in order. Throws
   * {@link SipcompFramingError} when the stream cannot be a packet stream; the decoder then
   * stays failed.
   */
  push(bytes: Uint8Array): MppcPacket[];
  /** Octets held for a packet not complete yet. */
  readonly pendingBytes: number;
}

/**
 * The compression packet header codec: the only place that knows the header layout.
 *
 * @example
 * ```ts
 * const wire = FLAGS_LENGTH_FRAMING.encode(payload, PACKET_COMPRESSED | PACKET_AT_FRONT);
 * const packets = FLAGS_LENGTH_FRAMING.decoder().push(wire); // [{ flags: 0x6, payload }]
 * ```
 */
export interface SipcompFraming {
  /** A name for logs and reports. */
  readonly name: string;
  /** Header plus payload, as written to the stream. */
  encode(payload: Uint8Array, flags: number): Uint8Array;
  /** A fresh decoder for one direction of one connection. */
  decoder(): SipcompPacketDecoder;
}

/**
 * The stream does not follow the packet framing (reserved bits set, impossible length).
 *
 * @example
 * ```ts
 * try { decoder.push(bytes); } catch (e) { if (e instanceof SipcompFramingError) conn.close(); }
 * ```
 */
export class SipcompFramingError extends Error {
  override name = "SipcompFramingError";
}

const HEADER_SIZE = 3;
const MAX_PAYLOAD = MPPC_HISTORY_SIZE;

class FlagsLengthDecoder implements SipcompPacketDecoder {
  #buf = new Uint8Array(0);
  #len = 0;
  #failed = false;

  get pendingBytes(): number {
    return this.#len;
  }

  push(bytes: Uint8Array): MppcPacket[] {
    if (this.#failed) throw new SipcompFramingError("packet stream already failed");
    this.#append(bytes);
    const packets: MppcPacket[] = [];
    let at = 0;
    while (this.#len - at >= HEADER_SIZE) {
      const b = this.#buf;
      const flags = b[at];
      const length = (b[at + 1] << 8) | b[at + 2];
      if ((flags & 0xf0) !== 0 || length === 0 || length > MAX_PAYLOAD) {
        this.#failed = true;
        this.#len = 0;
        throw new SipcompFramingError(
          `bad compression packet header ${hex(b.subarray(at, at + HEADER_SIZE))}`,
        );
      }
      if (this.#len - at < HEADER_SIZE + length) break;
      packets.push({ flags, payload: b.slice(at + HEADER_SIZE, at + HEADER_SIZE + length) });
      at += HEADER_SIZE + length;
    }
    this.#buf.copyWithin(0, at, this.#len);
    this.#len -= at;
    return packets;
  }

  #append(bytes: Uint8Array) {
    const need = this.#len + bytes.length;
    if (need > this.#buf.length) {
      const next = new Uint8Array(Math.max(need, 2 * this.#buf.length, 1024));
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(bytes, this.#len);
    this.#len = need;
  }
}

/**
 * The provisional header: reserved nibble, flags nibble, 16-bit payload length (see the module
 * documentation). Stateless; `decoder()` gives each direction its own buffer.
 *
 * @example
 * ```ts
 * FLAGS_LENGTH_FRAMING.encode(new Uint8Array([0x61]), 0x8); // 08 00 01 61
 * ```
 */
export const FLAGS_LENGTH_FRAMING: SipcompFraming = Object.freeze({
  name: "flags+length (provisional)",
  encode(payload: Uint8Array, flags: number): Uint8Array {
    if ((flags & ~0x0f) !== 0) throw new RangeError(`flags 0x${flags.toString(16)} over 4 bits`);
    if (payload.length === 0 || payload.length > MAX_PAYLOAD) {
      throw new RangeError(`payload of ${payload.length} octets (1..${MAX_PAYLOAD})`);
    }
    const out = new Uint8Array(HEADER_SIZE + payload.length);
    out[0] = flags;
    out[1] = payload.length >>> 8;
    out[2] = payload.length & 0xff;
    out.set(payload, HEADER_SIZE);
    return out;
  },
  decoder(): SipcompPacketDecoder {
    return new FlagsLengthDecoder();
  },
});

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}
