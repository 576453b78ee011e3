/**
 * Transactions as the TU sees them (public interfaces) and as the layer stores them (compact
 * records: a state string, three timer slots, the messages; no actor per transaction).
 * A record is also the context object its chart's actions work on.
 *
 * @module
 */
import type { EventObject } from "xstate";
import type { SipRequest, SipResponse } from "../message/message.ts";
import type { TimerHandle, TimerWheel } from "../timer/mod.ts";
import type { ChartExecutor, ChartInstance } from "../../statechart/mod.ts";
import type { Destination } from "./destination.ts";
import type { ClientTransactionEvent, ServerTransactionEvent, TransactionEvent } from "./events.ts";
import type { TransactionMetricsSink } from "./metrics_sink.ts";
import type { TimerConfig } from "./timer_values.ts";

/** Every state name the four charts use (RFC 3261 §17, RFC 6026 §7). */
export type TransactionState =
  | "Calling"
  | "Trying"
  | "Proceeding"
  | "Completed"
  | "Confirmed"
  | "Accepted"
  | "Terminated";

/**
 * What a client transaction tells its TU. Every callback receives the transaction too.
 *
 * @example
 * ```ts
 * const handlers: ClientTransactionHandlers = {
 *   onFinal: (res) => console.log(res.status),
 *   onTimeout: () => console.log("408 per §8.1.3.1"),
 *   onTransportError: () => console.log("503 per §8.1.3.1"),
 * };
 * ```
 */
export interface ClientTransactionHandlers {
  /** A 1xx (§17.1.1.2, §17.1.2.2). */
  onProvisional?(response: SipResponse, tx: ClientTransaction): void;
  /**
   * The final response. For INVITE also every further 2xx received in the Accepted state
   * (retransmissions, or answers from other forks): RFC 6026 §7.2 passes each up, and the
   * UAC core must ACK each (§13.2.2.4) — the transaction never ACKs a 2xx.
   */
  onFinal(response: SipResponse, tx: ClientTransaction): void;
  /** Timer B or F fired with no final response; the TU treats it as 408 (§8.1.3.1). */
  onTimeout(timer: "B" | "F", tx: ClientTransaction): void;
  /** The transport failed to send (§17.1.1.2, §17.1.2.2); the TU treats it as 503 (§8.1.3.1). */
  onTransportError(error: unknown, tx: ClientTransaction): void;
}

/** A client transaction (RFC 3261 §17.1), returned by `TransactionLayer.sendRequest`. */
export interface ClientTransaction {
  readonly side: "client";
  /** The request as sent (with the branch the layer generated when it had none). */
  readonly request: SipRequest;
  readonly method: string;
  /** The branch of the request's top Via (§8.1.1.7). */
  readonly branch: string;
  readonly destination: Destination;
  readonly state: TransactionState;
}

/** Why a server transaction failed after the TU handed it a response. */
export type ServerFailure =
  /** §17.2.1: Timer H fired, the ACK for a non-2xx final response never came. */
  | { kind: "timeout"; timer: "H" }
  /** §17.2.4: the transport could not send a response. */
  | { kind: "transport-error"; error: unknown };

/**
 * A server transaction (RFC 3261 §17.2), returned by `TransactionLayer.receiveRequest` for a
 * request that starts one. The TU answers through `respond`.
 */
export interface ServerTransaction {
  readonly side: "server";
  /** The request that created the transaction. */
  readonly request: SipRequest;
  readonly method: string;
  /** Where the request came from; responses go back there (§18.2.2 is the transport's). */
  readonly source: Destination;
  readonly state: TransactionState;
  /** The last response handed to the transport, if any. */
  readonly lastResponse: SipResponse | undefined;
  /**
   * For a CANCEL: the transaction it cancels (§9.2). The TU answers the CANCEL with 200 and,
   * when `cancels` is an INVITE transaction still in Proceeding, the INVITE with 487.
   */
  readonly cancels: ServerTransaction | undefined;
  /**
   * Hands a response to the transaction (§17.2.1, §17.2.2). Returns false when the current
   * state discards it (a second final response, anything after termination).
   */
  respond(response: SipResponse): boolean;
}

/** The services a transaction's actions use; implemented once per TransactionLayer. */
export interface TransactionHost {
  readonly wheel: TimerWheel;
  readonly timers: TimerConfig;
  readonly metrics: TransactionMetricsSink;
  /** Hands a message to the transport; a failure comes back as a TRANSPORT_ERROR event. */
  transmit(tx: TransactionRecord, msg: SipRequest | SipResponse, dest: Destination): void;
  /** Forgets a terminated transaction (it "MUST be destroyed immediately", §17.1.1.2). */
  remove(tx: TransactionRecord): void;
  /** RFC 6026 §8.7: an ACK matched an Accepted INVITE server transaction; it goes to the TU. */
  passAckToTU(tx: ServerTransactionRecord, ack: SipRequest): void;
  /** Reports a server transaction failure to the TU. */
  serverFailure(tx: ServerTransactionRecord, failure: ServerFailure): void;
}

/**
 * Fields common to both sides' records.
 *
 * @example
 * ```ts
 * if (tx.retransmitTimer) tx.host.wheel.cancel(tx.retransmitTimer);
 * ```
 */
export abstract class TransactionRecord implements ChartInstance {
  state = "";
  running = false;
  mailbox: EventObject[] | undefined = undefined;
  /** Current interval of the retransmission timer (A, E or G). */
  retransmitInterval = 0;
  /** Slot of Timer A, E or G. */
  retransmitTimer: TimerHandle | undefined = undefined;
  /** Slot of Timer B, F or H. */
  timeoutTimer: TimerHandle | undefined = undefined;
  /** Slot of the single-shot state timers D, K, I, J, L, M and the 100 (Trying) wait. */
  stateTimer: TimerHandle | undefined = undefined;
  /** The key the layer files the transaction under. */
  key = "";
  /** Set once a timeout or transport failure has been reported to the TU. */
  failureReported = false;

  constructor(
    readonly host: TransactionHost,
    readonly request: SipRequest,
    readonly reliable: boolean,
  ) {}

  get method(): string {
    return this.request.method;
  }

  abstract get side(): "client" | "server";

  /** Feeds an event to the transaction's chart; false when its state ignores the event. */
  abstract dispatch(event: TransactionEvent): boolean;
}

/**
 * A client transaction's record (made by `TransactionLayer.sendRequest`).
 *
 * @example
 * ```ts
 * const tx = new ClientTransactionRecord(host, invite, false, executor, branch, dest, handlers);
 * executor.start(tx);
 * ```
 */
export class ClientTransactionRecord extends TransactionRecord implements ClientTransaction {
  declare state: TransactionState;
  /** The ACK built for a non-2xx final response, resent for its retransmissions (§17.1.1.3). */
  ack: SipRequest | undefined = undefined;
  readonly startedAt: number;

  constructor(
    host: TransactionHost,
    request: SipRequest,
    reliable: boolean,
    readonly executor: ChartExecutor<ClientTransactionRecord, ClientTransactionEvent>,
    readonly branch: string,
    readonly destination: Destination,
    readonly handlers: ClientTransactionHandlers,
  ) {
    super(host, request, reliable);
    this.startedAt = host.wheel.now();
  }

  get side(): "client" {
    return "client";
  }

  dispatch(event: TransactionEvent): boolean {
    return this.executor.send(this, event as ClientTransactionEvent);
  }
}

/**
 * A server transaction's record (made by `TransactionLayer.receiveRequest`).
 *
 * @example
 * ```ts
 * const tx = new ServerTransactionRecord(host, invite, false, executor, source);
 * executor.start(tx);
 * ```
 */
export class ServerTransactionRecord extends TransactionRecord implements ServerTransaction {
  declare state: TransactionState;
  lastResponse: SipResponse | undefined = undefined;
  cancels: ServerTransactionRecord | undefined = undefined;

  constructor(
    host: TransactionHost,
    request: SipRequest,
    reliable: boolean,
    readonly executor: ChartExecutor<ServerTransactionRecord, ServerTransactionEvent>,
    readonly source: Destination,
  ) {
    super(host, request, reliable);
  }

  get side(): "server" {
    return "server";
  }

  dispatch(event: TransactionEvent): boolean {
    return this.executor.send(this, event as ServerTransactionEvent);
  }

  respond(response: SipResponse): boolean {
    const status = response.status;
    const invite = this.request.method === "INVITE";
    let event: ServerTransactionEvent;
    if (status < 200) event = { type: "TU_PROVISIONAL", response };
    else if (!invite) event = { type: "TU_FINAL", response };
    else if (status < 300) event = { type: "TU_2XX", response };
    else event = { type: "TU_NON2XX", response };
    return this.dispatch(event);
  }
}
