/**
 * The SIP server's MS-SIPCOMP side: one {@link sipcompServerChart} per accepted connection,
 * created on the connection's first message, fed with the transport's events by the owner
 * (synchronously, from `onMessage` / `onFlowClosed`).
 *
 * @module
 */
import type { AnySipMessage } from "../../sip/message/message.ts";
import type { Destination } from "../../sip/transport/destination.ts";
import type { StreamFilter } from "../../sip/transport/stream_filter.ts";
import type { FlowCloseReason } from "../../sip/transport/transport.ts";
import { ChartExecutor } from "../../statechart/mod.ts";
import { NEGOTIATE_METHOD, readNegotiateOffer } from "./negotiate.ts";
import { SipcompStreamFilter } from "./sipcomp_filter.ts";
import type {
  SipcompCloseCause,
  SipcompMode,
  SipcompServerEvent,
  SipcompServerRecord,
  SipcompTransportPort,
} from "./switchover_actions.ts";
import { sipcompServerChart } from "./switchover_charts.ts";

const executor = new ChartExecutor<SipcompServerRecord, SipcompServerEvent>(sipcompServerChart);

/** Options of {@link SipcompServer}. */
export interface SipcompServerOptions {
  transport: SipcompTransportPort;
  /** Accept LZ77-8K offers: always, never, or per connection. Default true. */
  acceptCompression?: boolean | ((source: Destination) => boolean);
  /** The filter installed at the switch-over. Default: a new {@link SipcompStreamFilter}. */
  filter?: () => StreamFilter;
  /** A connection's negotiation is over. */
  onSettled?(flowId: string, mode: SipcompMode): void;
  /** A connection's session ended. */
  onClosed?(flowId: string, cause: SipcompCloseCause): void;
}

/**
 * Every inbound connection's negotiation, by flow id.
 *
 * @example
 * ```ts
 * const sipcomp = new SipcompServer({ transport: tls });
 * // in the transport's events:
 * //   onMessage: (m, s) => sipcomp.onMessage(m, s) || core(m, s)
 * //   onFlowClosed: (s, reason) => sipcomp.onFlowClosed(s, reason)
 * ```
 */
export class SipcompServer {
  readonly #opts: SipcompServerOptions;
  readonly #sessions = new Map<string, SipcompServerRecord>();

  constructor(opts: SipcompServerOptions) {
    this.#opts = opts;
  }

  /** Connections with a live session. */
  get size(): number {
    return this.#sessions.size;
  }

  /** A connection's chart state (Uncompressed, Compressed, Plain), or undefined. */
  state(flowId: string): string | undefined {
    return this.#sessions.get(flowId)?.state;
  }

  /** A connection's compression filter, once installed. */
  filter(flowId: string): StreamFilter | undefined {
    return this.#sessions.get(flowId)?.filter;
  }

  /**
   * A message from the transport; true when it was a NEGOTIATE (answered here, not for the
   * core). Must be called from the transport's `onMessage` itself, so that the filter is in
   * place before the octets after the NEGOTIATE are framed.
   */
  onMessage(msg: AnySipMessage, source: Destination): boolean {
    const flowId = source.flowId;
    if (flowId === undefined) return false;
    const record = this.#sessions.get(flowId) ?? this.#open(flowId, source);
    if (msg.kind !== "request" || msg.method !== NEGOTIATE_METHOD) {
      executor.send(record, { type: "MESSAGE" });
      return false;
    }
    const offer = readNegotiateOffer(msg);
    if (offer.kind === "lz77-8k") {
      executor.send(record, { type: "NEGOTIATE_OFFER", request: msg, source });
    } else {
      executor.send(record, {
        type: "NEGOTIATE_NO_OFFER",
        request: msg,
        source,
        answer: offer.kind === "malformed"
          ? { kind: "reject", status: offer.status, reason: offer.reason }
          : { kind: "refuse" },
      });
    }
    return true;
  }

  /** A connection closed: its session ends (reason "filter" = decompression error). */
  onFlowClosed(source: Destination, reason: FlowCloseReason): void {
    const flowId = source.flowId;
    const record = flowId === undefined ? undefined : this.#sessions.get(flowId);
    if (record === undefined) return;
    this.#sessions.delete(flowId!);
    executor.send(record, {
      type: reason === "filter" ? "DECOMPRESSION_ERROR" : "CONNECTION_LOST",
    });
  }

  #open(flowId: string, source: Destination): SipcompServerRecord {
    const o = this.#opts;
    const accept = o.acceptCompression ?? true;
    const record: SipcompServerRecord = {
      state: "",
      running: false,
      mailbox: undefined,
      port: o.transport,
      listener: {
        onSettled: (mode) => o.onSettled?.(flowId, mode),
        onClosed: (cause) => o.onClosed?.(flowId, cause),
      },
      makeFilter: o.filter ?? (() => new SipcompStreamFilter()),
      flowId,
      filter: undefined,
      acceptCompression: typeof accept === "function" ? accept(source) : accept,
    };
    executor.start(record);
    this.#sessions.set(flowId, record);
    return record;
  }
}
