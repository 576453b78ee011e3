/**
 * What the MS-SIPCOMP switch-over charts act on: the per-connection records (the charts'
 * context), their events, and the named actions and guards. Each action is a plain function
 * of `{ context, event }` and params, so the same implementation runs under an XState actor and
 * under lab/statechart's ChartExecutor.
 *
 * @module
 */
import type { AnySipMessage, SipRequest } from "../../sip/message/message.ts";
import type { TimerHandle } from "../../sip/timer/mod.ts";
import type { Destination } from "../../sip/transport/destination.ts";
import type { StreamFilter } from "../../sip/transport/stream_filter.ts";
import type { ChartInstance } from "../../statechart/mod.ts";
import { buildNegotiateResponse, type NegotiateVerdict } from "./negotiate.ts";

/** The transport operations a session needs; a StreamTransport (TCP, TLS) provides them. */
export interface SipcompTransportPort {
  send(payload: AnySipMessage, dest: Destination): Promise<void>;
  setFlowFilter(flowId: string, filter: StreamFilter): boolean;
  closeFlow(flowId: string): Promise<boolean>;
}

/** A timer scheduler (lab/sip/timer's TimerWheel fits). */
export interface SipcompTimers {
  schedule(delayMs: number, callback: () => void): TimerHandle;
  cancel(handle: TimerHandle): void;
}

/** How the hop runs once negotiation is over. */
export type SipcompMode = "compressed" | "uncompressed";

/** Why a session ended. */
export type SipcompCloseCause =
  /** The NEGOTIATE got no final response in time (RFC 3261 §17.1.2.2 Timer F). */
  | "timeout"
  /** The connection failed or was closed. */
  | "connection-lost"
  /** Corrupt or inconsistent compressed data (MS-SIPCOMP §3.2.5): the connection is torn down. */
  | "decompression-error";

/** What a session tells its owner. */
export interface SipcompListener {
  /** Negotiation is over; the owner may send other SIP messages now (guide §2.3). */
  onSettled?(mode: SipcompMode): void;
  /** The session ended. */
  onClosed?(cause: SipcompCloseCause): void;
}

/** Fields both records share. */
interface SessionRecord extends ChartInstance {
  readonly port: SipcompTransportPort;
  readonly listener: SipcompListener;
  readonly makeFilter: () => StreamFilter;
  /** The connection, once known. */
  flowId: string | undefined;
  /** The filter installed at the switch-over. */
  filter: StreamFilter | undefined;
}

/** The client side of one connection (the charts' context). */
export interface SipcompClientRecord extends SessionRecord {
  readonly server: Destination;
  readonly request: SipRequest;
  readonly timers: SipcompTimers;
  readonly timeoutMs: number;
  /** Feeds an event back into the chart (timer expiry, failed send). */
  readonly deliver: (event: SipcompClientEvent) => void;
  timer: TimerHandle | undefined;
}

/** The server side of one connection. */
export interface SipcompServerRecord extends SessionRecord {
  /** Local policy: accept an LZ77-8K offer (guide §4.2). */
  readonly acceptCompression: boolean;
}

/** Events of the client chart. */
export type SipcompClientEvent =
  /** A new connection is about to carry its first message. */
  | { type: "START" }
  /** A 200 with `Compression: LZ77-8K` answered the NEGOTIATE. */
  | { type: "NEGOTIATE_ACCEPTED"; source: Destination }
  /** Any other final response answered it. */
  | { type: "NEGOTIATE_REFUSED"; source: Destination }
  | { type: "TIMEOUT" }
  | { type: "CONNECTION_LOST" }
  | { type: "DECOMPRESSION_ERROR" };

/** Events of the server chart. */
export type SipcompServerEvent =
  /** A NEGOTIATE offering LZ77-8K. */
  | { type: "NEGOTIATE_OFFER"; request: SipRequest; source: Destination }
  /** A NEGOTIATE this side cannot accept, with the answer it gets. */
  | {
    type: "NEGOTIATE_NO_OFFER";
    request: SipRequest;
    source: Destination;
    answer: NegotiateVerdict;
  }
  /** Any other message on the connection. */
  | { type: "MESSAGE" }
  | { type: "CONNECTION_LOST" }
  | { type: "DECOMPRESSION_ERROR" };

interface Args<C, E> {
  context: C;
  event: E;
}

/** A NEGOTIATE after other traffic or after a first negotiation [verify: guide §5 "400/403"]. */
const LATE_NEGOTIATE: NegotiateVerdict = {
  kind: "reject",
  status: 403,
  reason: "NEGOTIATE Only As First Request",
};

/** Params of `answerNegotiate`: which answer to send. */
export interface AnswerParams {
  answer: "accept" | "refuse" | "late" | "as-classified";
}

function installFilter(record: SessionRecord): void {
  const filter = record.makeFilter();
  // MS-SIPCOMP guide §2.4: compression starts with the first octet after the 200 OK. Run from
  // the transport's delivery of the 200 (client) or right after the 200 was queued (server).
  if (record.port.setFlowFilter(record.flowId!, filter)) record.filter = filter;
}

function closeFlow(record: SessionRecord): void {
  if (record.flowId !== undefined) record.port.closeFlow(record.flowId).catch(() => {});
}

/**
 * The client chart's named actions.
 *
 * @example
 * ```ts
 * setup({ actions: clientActions }).createMachine({ ... });
 * ```
 */
export const clientActions = {
  /** Guide §2.1: the NEGOTIATE is the first message on the new connection. */
  sendNegotiate: ({ context }: Args<SipcompClientRecord, SipcompClientEvent>) => {
    context.port.send(context.request, context.server).catch(() =>
      context.deliver({ type: "CONNECTION_LOST" })
    );
  },
  /** RFC 3261 §17.1.2.2: Timer F (64·T1) bounds the wait for a final response. */
  startNegotiationTimer: ({ context }: Args<SipcompClientRecord, SipcompClientEvent>) => {
    context.timer = context.timers.schedule(
      context.timeoutMs,
      () => context.deliver({ type: "TIMEOUT" }),
    );
  },
  cancelNegotiationTimer: ({ context }: Args<SipcompClientRecord, SipcompClientEvent>) => {
    if (context.timer !== undefined) context.timers.cancel(context.timer);
    context.timer = undefined;
  },
  /** The final response came on the NEGOTIATE's connection: that is the flow. */
  rememberFlow: ({ context, event }: Args<SipcompClientRecord, SipcompClientEvent>) => {
    if ("source" in event) context.flowId = event.source.flowId;
  },
  installFilter: ({ context }: Args<SipcompClientRecord, SipcompClientEvent>) =>
    installFilter(context),
  closeFlow: ({ context }: Args<SipcompClientRecord, SipcompClientEvent>) => closeFlow(context),
  reportSettled: (
    { context }: Args<SipcompClientRecord, SipcompClientEvent>,
    params: { mode: SipcompMode },
  ) => context.listener.onSettled?.(params.mode),
  reportClosed: (
    { context }: Args<SipcompClientRecord, SipcompClientEvent>,
    params: { cause: SipcompCloseCause },
  ) => context.listener.onClosed?.(params.cause),
};

/**
 * The server chart's named actions.
 *
 * @example
 * ```ts
 * setup({ actions: serverActions, guards: serverGuards }).createMachine({ ... });
 * ```
 */
export const serverActions = {
  /** Guide §2.2–2.3: the answer goes out uncompressed, on the NEGOTIATE's connection. */
  answerNegotiate: (
    { context, event }: Args<SipcompServerRecord, SipcompServerEvent>,
    params: AnswerParams,
  ) => {
    if (event.type !== "NEGOTIATE_OFFER" && event.type !== "NEGOTIATE_NO_OFFER") return;
    let verdict: NegotiateVerdict;
    switch (params.answer) {
      case "accept":
        verdict = { kind: "accept" };
        break;
      case "refuse":
        verdict = { kind: "refuse" };
        break;
      case "late":
        verdict = LATE_NEGOTIATE;
        break;
      case "as-classified":
        verdict = event.type === "NEGOTIATE_NO_OFFER" ? event.answer : { kind: "refuse" };
    }
    // A failed send surfaces as the connection closing.
    context.port.send(buildNegotiateResponse(event.request, verdict), event.source).catch(() => {});
  },
  installFilter: ({ context }: Args<SipcompServerRecord, SipcompServerEvent>) =>
    installFilter(context),
  closeFlow: ({ context }: Args<SipcompServerRecord, SipcompServerEvent>) => closeFlow(context),
  reportSettled: (
    { context }: Args<SipcompServerRecord, SipcompServerEvent>,
    params: { mode: SipcompMode },
  ) => context.listener.onSettled?.(params.mode),
  reportClosed: (
    { context }: Args<SipcompServerRecord, SipcompServerEvent>,
    params: { cause: SipcompCloseCause },
  ) => context.listener.onClosed?.(params.cause),
};

/**
 * The server chart's guards.
 *
 * @example
 * ```ts
 * serverGuards.compressionAllowed({ context: record, event }); // record.acceptCompression
 * ```
 */
export const serverGuards = {
  /** Local policy (guide §4.2 "policy allows"). */
  compressionAllowed: ({ context }: Args<SipcompServerRecord, SipcompServerEvent>) =>
    context.acceptCompression,
};
