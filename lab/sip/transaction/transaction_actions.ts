/**
 * The named actions and guards of the four transaction charts. Each is a plain function of
 * XState's action arguments (`{ context, event }`, params) with the transaction record as
 * context, so the same implementation runs under an XState actor and under the hot-path
 * ChartExecutor.
 *
 * @module
 */
import type { TimerHandle } from "../timer/mod.ts";
import { buildAckForNonSuccess } from "./ack.ts";
import type { TransactionEvent } from "./events.ts";
import { buildTrying } from "./local_response.ts";
import { callTU } from "./tu_call.ts";
import {
  initialInterval,
  nextInterval,
  type RetransmitStep,
  type TimerName,
} from "./timer_values.ts";
import type {
  ClientTransactionRecord,
  ServerTransactionRecord,
  TransactionRecord,
} from "./transaction.ts";

/** What XState (and the executor) pass to an action or guard. */
interface Args<C> {
  context: C;
  event: TransactionEvent;
}

/** Params of the timer actions. */
export interface TimerParams {
  timer: TimerName;
}

/** Params of `restartTimer`. */
export interface RestartParams {
  timer: TimerName;
  step: RetransmitStep;
}

type TimerSlot = "retransmitTimer" | "timeoutTimer" | "stateTimer";

/** Which record slot holds each timer (no chart state uses two timers of one slot). */
const SLOT: Readonly<Record<TimerName, TimerSlot>> = {
  A: "retransmitTimer",
  E: "retransmitTimer",
  G: "retransmitTimer",
  B: "timeoutTimer",
  F: "timeoutTimer",
  H: "timeoutTimer",
  D: "stateTimer",
  K: "stateTimer",
  I: "stateTimer",
  J: "stateTimer",
  L: "stateTimer",
  M: "stateTimer",
  Trying: "stateTimer",
};

/** The event each timer raises when it fires (shared, immutable). */
const TIMER_EVENT: Readonly<Record<TimerName, TransactionEvent>> = Object.freeze({
  A: { type: "TIMER_A" },
  B: { type: "TIMER_B" },
  D: { type: "TIMER_D" },
  E: { type: "TIMER_E" },
  F: { type: "TIMER_F" },
  K: { type: "TIMER_K" },
  G: { type: "TIMER_G" },
  H: { type: "TIMER_H" },
  I: { type: "TIMER_I" },
  J: { type: "TIMER_J" },
  L: { type: "TIMER_L" },
  M: { type: "TIMER_M" },
  Trying: { type: "TIMER_TRYING" },
});

/**
 * What each timer does when it fires: clear its slot and feed its event to the chart. One
 * function per timer name, shared by every transaction (the wheel passes the record).
 */
const FIRE = Object.fromEntries(
  (Object.keys(SLOT) as TimerName[]).map((timer) => {
    const slot = SLOT[timer];
    const event = TIMER_EVENT[timer];
    const fire = (tx: TransactionRecord): void => {
      tx[slot] = undefined;
      tx.dispatch(event);
    };
    return [timer, fire];
  }),
) as Readonly<Record<TimerName, (tx: TransactionRecord) => void>>;

function arm(tx: TransactionRecord, timer: TimerName, interval: number): void {
  const slot = SLOT[timer];
  const wheel = tx.host.wheel;
  const previous: TimerHandle | undefined = tx[slot];
  if (previous) wheel.cancel(previous);
  tx[slot] = wheel.schedule(interval, FIRE[timer], tx);
}

function responseOf(event: TransactionEvent) {
  if (!("response" in event)) throw new Error(`${event.type} carries no response`);
  return event.response;
}

// ----------------------------------------------------------------------------------------------
// Timers and lifetime (both sides)

/**
 * Starts a timer with its RFC 3261 Appendix A value. Timers A, E, G are not armed over reliable
 * transports (§17.1.1.2, §17.1.2.2, §17.2.1: initialInterval gives undefined).
 */
function startTimer({ context: tx }: Args<TransactionRecord>, { timer }: TimerParams): void {
  const interval = initialInterval(timer, tx.reliable, tx.host.timers);
  if (interval === undefined) return;
  if (SLOT[timer] === "retransmitTimer") tx.retransmitInterval = interval;
  arm(tx, timer, interval);
}

/** Re-arms a retransmission timer that just fired, with its next interval. */
function restartTimer(
  { context: tx }: Args<TransactionRecord>,
  { timer, step }: RestartParams,
): void {
  tx.retransmitInterval = nextInterval(tx.retransmitInterval, step, tx.host.timers);
  arm(tx, timer, tx.retransmitInterval);
}

/** Disarms a timer (nothing happens when it is not armed). */
function cancelTimer({ context: tx }: Args<TransactionRecord>, { timer }: TimerParams): void {
  const slot = SLOT[timer];
  const handle = tx[slot];
  if (handle) {
    tx.host.wheel.cancel(handle);
    tx[slot] = undefined;
  }
}

/** §17.1.1.2, §17.2.1 etc.: a Terminated transaction "MUST be destroyed immediately". */
function destroyTransaction({ context: tx }: Args<TransactionRecord>): void {
  tx.host.remove(tx);
}

/** The guard of every "zero timer on reliable transports" shortcut. */
function reliableTransport({ context: tx }: Args<TransactionRecord>): boolean {
  return tx.reliable;
}

const shared = { startTimer, restartTimer, cancelTimer, destroyTransaction };

// ----------------------------------------------------------------------------------------------
// Client side (§17.1)

/** Named actions of the client charts. */
export const clientActions = {
  ...shared,
  /** §17.1.1.2, §17.1.2.2: the request is passed to the transport layer. */
  sendRequest({ context: tx }: Args<ClientTransactionRecord>): void {
    tx.host.metrics.requestSent(tx.method, false);
    tx.host.transmit(tx, tx.request, tx.destination);
  },
  /** §17.1.1.2 Timer A, §17.1.2.2 Timer E: the request previously sent, once more. */
  retransmitRequest({ context: tx }: Args<ClientTransactionRecord>): void {
    tx.host.metrics.requestSent(tx.method, true);
    tx.host.transmit(tx, tx.request, tx.destination);
  },
  /**
   * §17.1.1.2: a 300-699 makes the client transaction generate the ACK (§17.1.1.3) and send it
   * "to the same address, port, and transport to which the original request was sent".
   */
  sendAck({ context: tx, event }: Args<ClientTransactionRecord>): void {
    tx.ack = buildAckForNonSuccess(tx.request, responseOf(event));
    tx.host.metrics.requestSent("ACK", false);
    tx.host.transmit(tx, tx.ack, tx.destination);
  },
  /** §17.1.1.2: a retransmitted final response in Completed makes the ACK go out again. */
  resendAck({ context: tx }: Args<ClientTransactionRecord>): void {
    if (!tx.ack) return;
    tx.host.metrics.requestSent("ACK", true);
    tx.host.transmit(tx, tx.ack, tx.destination);
  },
  /** The response goes up to the TU (provisional or final). */
  passResponseToTU({ context: tx, event }: Args<ClientTransactionRecord>): void {
    const response = responseOf(event);
    tx.host.metrics.responseReceived(
      tx.method,
      response.status,
      tx.host.wheel.now() - tx.startedAt,
    );
    if (response.status < 200) callTU(() => tx.handlers.onProvisional?.(response, tx));
    else callTU(() => tx.handlers.onFinal(response, tx));
  },
  /** §17.1.1.2 Timer B, §17.1.2.2 Timer F: "inform the TU that a timeout has occurred". */
  reportTimeout({ context: tx }: Args<ClientTransactionRecord>, { timer }: TimerParams): void {
    tx.failureReported = true;
    tx.host.metrics.timeout(tx.method, timer);
    callTU(() => tx.handlers.onTimeout(timer as "B" | "F", tx));
  },
  /** §17.1.1.2, §17.1.2.2, §8.1.3.1: a fatal transport error is reported to the TU. */
  reportTransportError({ context: tx, event }: Args<ClientTransactionRecord>): void {
    tx.failureReported = true;
    tx.host.metrics.transportError(tx.method);
    const error = "error" in event ? event.error : undefined;
    callTU(() => tx.handlers.onTransportError(error, tx));
  },
};

// ----------------------------------------------------------------------------------------------
// Server side (§17.2)

/** Named actions of the server charts. */
export const serverActions = {
  ...shared,
  /** §17.2.1, §17.2.2: a response from the TU goes to the transport and is remembered. */
  sendResponse({ context: tx, event }: Args<ServerTransactionRecord>): void {
    const response = responseOf(event);
    tx.lastResponse = response;
    tx.host.metrics.responseSent(tx.method, response.status);
    tx.host.transmit(tx, response, tx.source);
  },
  /** Request retransmissions and Timer G: the last response goes out again (§17.2.1, §17.2.2). */
  resendLastResponse({ context: tx }: Args<ServerTransactionRecord>): void {
    const response = tx.lastResponse;
    if (!response) return; // §17.2.1: nothing to resend before the TU (or Trying) answered
    tx.host.metrics.responseSent(tx.method, response.status);
    tx.host.transmit(tx, response, tx.source);
  },
  /** §17.2.1: the TU stayed silent for 200 ms, so the transaction sends 100 (Trying) itself. */
  sendTrying({ context: tx }: Args<ServerTransactionRecord>): void {
    const trying = buildTrying(tx.request);
    tx.lastResponse = trying;
    tx.host.metrics.responseSent(tx.method, trying.status);
    tx.host.transmit(tx, trying, tx.source);
  },
  /** RFC 6026 §8.7: an ACK received in Accepted is passed up to the TU. */
  passAckToTU({ context: tx, event }: Args<ServerTransactionRecord>): void {
    if (!("request" in event)) throw new Error(`${event.type} carries no request`);
    tx.host.passAckToTU(tx, event.request);
  },
  /** §17.2.1 Timer H: "indicate to the TU that a transaction failure has occurred". */
  reportTimeout({ context: tx }: Args<ServerTransactionRecord>, { timer }: TimerParams): void {
    tx.failureReported = true;
    tx.host.metrics.timeout(tx.method, timer);
    tx.host.serverFailure(tx, { kind: "timeout", timer: "H" });
  },
  /** §17.2.4: the transport could not deliver a response; the TU is informed. */
  reportTransportError({ context: tx, event }: Args<ServerTransactionRecord>): void {
    tx.failureReported = true;
    tx.host.metrics.transportError(tx.method);
    tx.host.serverFailure(tx, {
      kind: "transport-error",
      error: "error" in event ? event.error : undefined,
    });
  },
};

/** Named guards of all four charts. */
export const transactionGuards = { reliableTransport };
