/**
 * MPPC (RFC 2118) with the 8 KB history of MS-SIPCOMP's LZ77-8K: one compressor and one
 * decompressor per direction of a connection, each keeping its own copy of the history
 * (MS-SIPCOMP §3.1.1 HistoryBuffer, HistoryOffset), so that a packet may copy from the octets
 * of earlier packets.
 *
 * The compressor is greedy: at each position it takes the longest match its hash chains find
 * (nearest first among equal lengths), else a literal. It is deterministic: the same packets
 * in the same order always give the same output.
 *
 * @module
 */
import { BitReader, BitsExhaustedError, BitWriter } from "./bit_stream.ts";
import {
  type CopyTuple,
  MPPC_HISTORY_SIZE,
  MPPC_MAX_MATCH,
  MPPC_MIN_MATCH,
  PACKET_AT_FRONT,
  PACKET_COMPRESSED,
  PACKET_FLAG_MASK,
  PACKET_FLUSHED,
  readCode,
  writeCopy,
  writeLiteral,
} from "./mppc_codes.ts";

/** One compressed (or flushed) packet: its flags and payload. */
export interface MppcPacket {
  /** PACKET_COMPRESSED [| PACKET_AT_FRONT], or PACKET_FLUSHED alone. */
  flags: number;
  payload: Uint8Array;
}

const HASH_BITS = 13;
/** Candidates examined per position: bounds the work on highly repetitive input. */
const MAX_CHAIN = 64;

/** Hash of the three octets at `i`. */
function hash3(h: Uint8Array, i: number): number {
  return Math.imul((h[i] << 16) | (h[i + 1] << 8) | h[i + 2], 0x9e3779b1) >>> (32 - HASH_BITS);
}

/**
 * The sending side of one direction.
 *
 * @example
 * ```ts
 * const compressor = new MppcCompressor();
 * const { flags, payload } = compressor.compress(new TextEncoder().encode("abcabcabc"));
 * // flags = PACKET_COMPRESSED | PACKET_AT_FRONT, payload = 61 62 63 f0 e8
 * ```
 */
export class MppcCompressor {
  readonly #history = new Uint8Array(MPPC_HISTORY_SIZE);
  /** Most recent position of each hash, -1 for none. */
  readonly #head = new Int16Array(1 << HASH_BITS).fill(-1);
  /** The previous position with the same hash, per position. */
  readonly #prev = new Int16Array(MPPC_HISTORY_SIZE);
  /** Worst case: one token past the input size (a copy code is at most 40 bits). */
  readonly #writer = new BitWriter(MPPC_HISTORY_SIZE + 8);
  /** MS-SIPCOMP §3.1.1 HistoryOffset: where the next packet's octets go. */
  #offset = 0;
  /** Positions below this are in the hash chains. */
  #indexed = 0;
  /** The next packet starts the history afresh (first packet, or after a flush). */
  #atFront = true;

  /**
   * Compresses one packet of 1 to 8192 octets (MS-SIPCOMP §3.2.5.1.1):
   * - the first packet, and any packet that does not fit after HistoryOffset, goes to the
   *   front of the history: PACKET_AT_FRONT | PACKET_COMPRESSED;
   * - when compressing would expand the data, the packet is sent as is with PACKET_FLUSHED
   *   alone, and the history is reinitialised (the receiver does the same).
   */
  compress(data: Uint8Array): MppcPacket {
    const size = data.length;
    if (size === 0 || size > MPPC_HISTORY_SIZE) {
      throw new RangeError(`MPPC packet of ${size} octets (1..${MPPC_HISTORY_SIZE})`);
    }
    let flags = PACKET_COMPRESSED;
    if (this.#atFront || this.#offset + size > MPPC_HISTORY_SIZE) {
      // RFC 2118 §3.1 bit B: no room at the end → start over at the front; earlier octets may no
      // longer be referenced, so the hash chains are emptied too.
      flags |= PACKET_AT_FRONT;
      this.#offset = 0;
      this.#indexed = 0;
      this.#head.fill(-1);
      this.#atFront = false;
    }
    const h = this.#history;
    const start = this.#offset;
    const end = start + size;
    h.set(data, start);
    // The last two octets of the previous packet lacked the three octets a hash needs.
    this.#index(start, end);

    const w = this.#writer;
    w.reset();
    let cur = start;
    while (cur < end && w.byteLength <= size) {
      let bestLength = 0;
      let bestFrom = 0;
      if (end - cur >= MPPC_MIN_MATCH) {
        const maxLength = Math.min(MPPC_MAX_MATCH, end - cur);
        let candidate = this.#head[hash3(h, cur)];
        for (let steps = MAX_CHAIN; candidate >= 0 && steps > 0; steps--) {
          // Cheap rejection first: the octet that would make this match the longest.
          if (h[candidate + bestLength] === h[cur + bestLength]) {
            let n = 0;
            while (n < maxLength && h[candidate + n] === h[cur + n]) n++;
            if (n > bestLength) {
              bestLength = n;
              bestFrom = candidate;
              if (n === maxLength) break;
            }
          }
          candidate = this.#prev[candidate];
        }
      }
      if (bestLength >= MPPC_MIN_MATCH) {
        writeCopy(w, cur - bestFrom, bestLength);
        cur += bestLength;
      } else {
        writeLiteral(w, h[cur]);
        cur++;
      }
      // Every position before the next search point becomes a candidate.
      this.#index(cur, end);
    }

    if (w.byteLength > size) {
      // MS-SIPCOMP §3.2.5.1.1: expansion → the data goes uncompressed, flagged FLUSHED alone,
      // and both histories are reinitialised.
      this.#reset();
      return { flags: PACKET_FLUSHED, payload: data.slice() };
    }
    this.#offset = end;
    return { flags, payload: w.finish() };
  }

  /**
   * Adds the positions from the last indexed one up to `limit` (excluded) to the hash chains,
   * those followed by three octets of data ending at `dataEnd`.
   */
  #index(limit: number, dataEnd: number): void {
    const stop = Math.min(limit, dataEnd - (MPPC_MIN_MATCH - 1));
    for (let i = this.#indexed; i < stop; i++) {
      const key = hash3(this.#history, i);
      this.#prev[i] = this.#head[key];
      this.#head[key] = i;
    }
    if (stop > this.#indexed) this.#indexed = stop;
  }

  #reset(): void {
    this.#history.fill(0);
    this.#head.fill(-1);
    this.#offset = 0;
    this.#indexed = 0;
    this.#atFront = true;
  }
}

/** Why a packet could not be decompressed; the connection must be torn down (MS-SIPCOMP §3.2.5). */
export type MppcErrorCode =
  /** Flags outside the defined ones, FLUSHED with any other, AT_FRONT without COMPRESSED, none. */
  | "inconsistent-flags"
  /** The data ends inside a code. */
  | "truncated"
  /** A length-of-match prefix longer than RFC 2118 §4.2.2 defines. */
  | "bad-length"
  /** A copy offset of 0 or reaching before the start of the history written so far. */
  | "bad-offset"
  /** The output would run past the end of the 8 KB history. */
  | "history-overflow"
  /** An earlier packet failed: the history is no longer trustworthy. */
  | "failed";

/**
 * A packet the decompressor rejects.
 *
 * @example
 * ```ts
 * try { d.decompress(packet); } catch (e) { if (e instanceof MppcError) conn.close(); }
 * ```
 */
export class MppcError extends Error {
  override name = "MppcError";
  constructor(readonly code: MppcErrorCode, message: string) {
    super(message);
  }
}

/**
 * The receiving side of one direction. Any error leaves it failed: every later packet is
 * rejected too, since the history no longer mirrors the sender's.
 *
 * @example
 * ```ts
 * const d = new MppcDecompressor();
 * const text = d.decompress({ flags: PACKET_COMPRESSED | PACKET_AT_FRONT, payload });
 * ```
 */
export class MppcDecompressor {
  readonly #history = new Uint8Array(MPPC_HISTORY_SIZE);
  readonly #copy: CopyTuple = { offset: 0, length: 0 };
  /** MS-SIPCOMP §3.1.1 HistoryOffset. */
  #offset = 0;
  #failed: MppcError | undefined;

  /**
   * Decompresses one packet (MS-SIPCOMP §3.2.5, the order of processing): PACKET_FLUSHED resets
   * the history and returns the payload as is; PACKET_AT_FRONT moves HistoryOffset to 0;
   * PACKET_COMPRESSED decodes the RFC 2118 §4 codes into the history. Returns a new array.
   * Throws {@link MppcError}.
   */
  decompress(packet: MppcPacket): Uint8Array {
    if (this.#failed) {
      throw new MppcError("failed", `earlier packet failed: ${this.#failed.message}`);
    }
    try {
      return this.#decompress(packet);
    } catch (e) {
      this.#failed = e instanceof MppcError
        ? e
        : e instanceof BitsExhaustedError
        ? new MppcError("truncated", `compressed data ends inside a code (${e.message})`)
        : undefined;
      if (this.#failed === undefined) throw e;
      throw this.#failed;
    }
  }

  #decompress({ flags, payload }: MppcPacket): Uint8Array {
    if ((flags & ~PACKET_FLAG_MASK) !== 0) {
      throw new MppcError("inconsistent-flags", `undefined flag bits 0x${flags.toString(16)}`);
    }
    if ((flags & PACKET_FLUSHED) !== 0) {
      // MS-SIPCOMP §3.2.5.1.1: FLUSHED MUST be set alone; with COMPRESSED the state is
      // undefined and the receiver tears the connection down (§3.2.5).
      if (flags !== PACKET_FLUSHED) {
        throw new MppcError("inconsistent-flags", `PACKET_FLUSHED with 0x${flags.toString(16)}`);
      }
      // RFC 2118 §3.1 bit A: reinitialise the history (all zeroes); the data is uncompressed.
      this.#history.fill(0);
      this.#offset = 0;
      return payload.slice();
    }
    if ((flags & PACKET_COMPRESSED) === 0) {
      // §3.2.5.1.1: AT_FRONT only with COMPRESSED; a packet without flags is never sent.
      throw new MppcError("inconsistent-flags", `flags 0x${flags.toString(16)} without COMPRESSED`);
    }
    // RFC 2118 §3.1 bit B: the packet's data goes to the front of the history.
    if ((flags & PACKET_AT_FRONT) !== 0) this.#offset = 0;

    const h = this.#history;
    const start = this.#offset;
    let at = start;
    const reader = new BitReader(payload);
    const copy = this.#copy;
    // RFC 2118 §4: the last octet is padded with fewer than 8 bits; every code is 8 bits or more.
    while (reader.remaining >= 8) {
      const code = readCode(reader, copy);
      if (code >= 0) {
        if (at >= MPPC_HISTORY_SIZE) throw overflow();
        h[at++] = code;
        continue;
      }
      if (code === -2) throw new MppcError("bad-length", "length-of-match code over 12 bits");
      const { offset, length } = copy;
      // RFC 2118 §3.1 note 2: history not yet used for this data must not be referred to.
      if (offset === 0 || offset > at) {
        throw new MppcError("bad-offset", `copy offset ${offset} at history position ${at}`);
      }
      if (at + length > MPPC_HISTORY_SIZE) throw overflow();
      // Octet by octet: a copy may overlap the octets it produces (offset < length).
      for (let from = at - offset, n = 0; n < length; n++) h[at++] = h[from + n];
    }
    this.#offset = at;
    return h.slice(start, at);
  }
}

function overflow(): MppcError {
  return new MppcError("history-overflow", `output past the ${MPPC_HISTORY_SIZE}-octet history`);
}
