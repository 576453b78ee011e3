/**
 * The protocol client's MS-SIPCOMP negotiation on one new connection: runs
 * {@link sipcompClientChart} on the hot-path executor and translates transport happenings
 * into its events. The owner (the connection manager) routes the transport's `onMessage` and
 * `onFlowClosed` here, synchronously, and holds back every other message until `onSettled`.
 *
 * @module
 */
import type { AnySipMessage, SipRequest } from "../../sip/message/message.ts";
import type { Destination } from "../../sip/transport/destination.ts";
import { sameHost } from "../../sip/transport/address.ts";
import type { StreamFilter } from "../../sip/transport/stream_filter.ts";
import type { FlowCloseReason } from "../../sip/transport/transport.ts";
import { ChartExecutor } from "../../statechart/mod.ts";
import { answersNegotiate, buildNegotiateRequest, readNegotiateAnswer } from "./negotiate.ts";
import { SipcompStreamFilter } from "./sipcomp_filter.ts";
import type {
  SipcompClientEvent,
  SipcompClientRecord,
  SipcompListener,
  SipcompTimers,
  SipcompTransportPort,
} from "./switchover_actions.ts";
import { sipcompClientChart } from "./switchover_charts.ts";

/** RFC 3261 §17.1.2.2: Timer F = 64·T1 = 32 s. */
export const NEGOTIATE_TIMEOUT_MS = 64 * 500;

/** Options of {@link SipcompClientSession}. */
export interface SipcompClientOptions extends SipcompListener {
  transport: SipcompTransportPort;
  /** The first-hop server; the NEGOTIATE opens the connection to it. */
  server: Destination;
  /** This side's address for the Via sent-by. */
  local: { host: string; port: number };
  timers: SipcompTimers;
  /** Wait for the final response. Default {@link NEGOTIATE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** The filter installed at the switch-over. Default: a new {@link SipcompStreamFilter}. */
  filter?: () => StreamFilter;
  /** From/To URI of the NEGOTIATE. Default: the Request-URI. */
  aor?: string;
}

const executor = new ChartExecutor<SipcompClientRecord, SipcompClientEvent>(sipcompClientChart);

/**
 * One client connection's negotiation.
 *
 * @example
 * ```ts
 * const session = new SipcompClientSession({
 *   transport: tls, server, local, timers: wheel,
 *   onSettled: (mode) => sendQueuedRegister(),
 * });
 * // in the transport's events: onMessage: (m, s) => session.onMessage(m, s) || core(m, s)
 * session.start();
 * ```
 */
export class SipcompClientSession {
  readonly #record: SipcompClientRecord;

  constructor(opts: SipcompClientOptions) {
    const request = buildNegotiateRequest({
      server: opts.server,
      local: opts.local,
      transport: opts.server.protocol === "tcp" ? "TCP" : "TLS",
      aor: opts.aor,
    });
    const record: SipcompClientRecord = {
      state: "",
      running: false,
      mailbox: undefined,
      port: opts.transport,
      listener: { onSettled: opts.onSettled, onClosed: opts.onClosed },
      makeFilter: opts.filter ?? (() => new SipcompStreamFilter()),
      flowId: undefined,
      filter: undefined,
      server: opts.server,
      request,
      timers: opts.timers,
      timeoutMs: opts.timeoutMs ?? NEGOTIATE_TIMEOUT_MS,
      deliver: (event) => executor.send(record, event),
      timer: undefined,
    };
    this.#record = record;
    executor.start(record);
  }

  /** The chart state: Uncompressed, Negotiating, Compressed, Plain or Closed. */
  get state(): string {
    return this.#record.state;
  }

  /** The NEGOTIATE this session sends. */
  get request(): SipRequest {
    return this.#record.request;
  }

  /** The connection's flow id once the answer arrived. */
  get flowId(): string | undefined {
    return this.#record.flowId;
  }

  /** The compression filter once installed. */
  get filter(): StreamFilter | undefined {
    return this.#record.filter;
  }

  /** Sends the NEGOTIATE (guide §2.1: first message on the new connection). */
  start(): void {
    executor.send(this.#record, { type: "START" });
  }

  /**
   * A message from the transport; true when it was the answer to this session's NEGOTIATE
   * (consumed here). Must be called from the transport's `onMessage` itself: the filter is
   * installed during that call, so the octets right after the 200 are already decompressed.
   */
  onMessage(msg: AnySipMessage, source: Destination): boolean {
    if (msg.kind !== "response" || !answersNegotiate(this.#record.request, msg)) return false;
    const answer = readNegotiateAnswer(msg);
    if (answer === "accepted") executor.send(this.#record, { type: "NEGOTIATE_ACCEPTED", source });
    else if (answer === "refused") {
      executor.send(this.#record, { type: "NEGOTIATE_REFUSED", source });
    }
    return true;
  }

  /** A connection closed; ignored unless it is this session's. */
  onFlowClosed(source: Destination, reason: FlowCloseReason): void {
    const r = this.#record;
    const mine = r.flowId !== undefined
      ? source.flowId === r.flowId
      // Before any answer the flow id is unknown: the connection to the server is the one.
      : source.port === r.server.port && sameHost(source.host, r.server.host);
    if (!mine) return;
    executor.send(r, { type: reason === "filter" ? "DECOMPRESSION_ERROR" : "CONNECTION_LOST" });
  }
}
