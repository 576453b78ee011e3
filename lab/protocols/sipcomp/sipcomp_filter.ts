/**
 * The compression phase of MS-SIPCOMP as a transport byte filter: everything a connection
 * writes after the switch-over is MPPC-compressed into packets, everything it reads is
 * unframed and decompressed, and the SIP framing above (Content-Length, CRLF keep-alives)
 * sees the plain stream (MS-SIPCOMP §3, guide §6 item 7).
 *
 * One filter per connection: it holds the compressor of the outbound direction and the
 * decompressor of the inbound one (MS-SIPCOMP §3.1.1: one history per direction; never
 * carried over to another connection).
 *
 * @module
 */
import type { StreamFilter } from "../../sip/transport/stream_filter.ts";
import { MppcCompressor, MppcDecompressor } from "./mppc.ts";
import { MPPC_HISTORY_SIZE, PACKET_FLUSHED } from "./mppc_codes.ts";
import { FLAGS_LENGTH_FRAMING, type SipcompFraming, type SipcompPacketDecoder } from "./packet.ts";

/** Options of {@link SipcompStreamFilter}. */
export interface SipcompFilterOptions {
  /** The compression packet header codec. Default {@link FLAGS_LENGTH_FRAMING}. */
  framing?: SipcompFraming;
  /**
   * Largest chunk compressed into one packet (1..8192). A message longer than this is cut into
   * several packets. Default 8192, a whole history.
   */
  maxChunk?: number;
}

/** Octet counts of one filter, both directions. */
export interface SipcompCounters {
  /** Plain octets handed to `encode`. */
  plainOut: number;
  /** Octets `encode` produced (headers included). */
  wireOut: number;
  /** Octets fed to `decode`. */
  wireIn: number;
  /** Plain octets `decode` produced. */
  plainIn: number;
  /** Packets sent uncompressed with PACKET_FLUSHED (compression would have expanded them). */
  flushedOut: number;
}

/**
 * A connection's MS-SIPCOMP compression filter. `decode` throws (MppcError,
 * SipcompFramingError) on corrupt input; the transport then tears the connection down.
 *
 * @example
 * ```ts
 * transport.setFlowFilter(flowId, new SipcompStreamFilter());
 * ```
 */
export class SipcompStreamFilter implements StreamFilter {
  readonly counters: SipcompCounters = {
    plainOut: 0,
    wireOut: 0,
    wireIn: 0,
    plainIn: 0,
    flushedOut: 0,
  };
  readonly #framing: SipcompFraming;
  readonly #maxChunk: number;
  readonly #compressor = new MppcCompressor();
  readonly #decompressor = new MppcDecompressor();
  readonly #packets: SipcompPacketDecoder;

  constructor(opts: SipcompFilterOptions = {}) {
    this.#framing = opts.framing ?? FLAGS_LENGTH_FRAMING;
    this.#maxChunk = opts.maxChunk ?? MPPC_HISTORY_SIZE;
    if (!(this.#maxChunk >= 1 && this.#maxChunk <= MPPC_HISTORY_SIZE)) {
      throw new RangeError(`maxChunk ${this.#maxChunk} outside 1..${MPPC_HISTORY_SIZE}`);
    }
    this.#packets = this.#framing.decoder();
  }

  get pendingBytes(): number {
    return this.#packets.pendingBytes;
  }

  /** Compresses one unit into one packet per `maxChunk` octets, header included. */
  encode(bytes: Uint8Array): Uint8Array {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let at = 0; at < bytes.length; at += this.#maxChunk) {
      const packet = this.#compressor.compress(bytes.subarray(at, at + this.#maxChunk));
      if (packet.flags === PACKET_FLUSHED) this.counters.flushedOut++;
      const wire = this.#framing.encode(packet.payload, packet.flags);
      parts.push(wire);
      total += wire.length;
    }
    this.counters.plainOut += bytes.length;
    this.counters.wireOut += total;
    return parts.length === 1 ? parts[0] : concat(parts, total);
  }

  /** Unframes and decompresses; one plain chunk per completed packet. */
  decode(bytes: Uint8Array): Uint8Array[] {
    this.counters.wireIn += bytes.length;
    const plain = this.#packets.push(bytes).map((p) => this.#decompressor.decompress(p));
    for (const p of plain) this.counters.plainIn += p.length;
    return plain;
  }
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
