/**
 * The events the four transaction charts react to (RFC 3261 §17; RFC 6026 §7). Messages are
 * classified before they reach a chart (1xx / 2xx / 300-699), so the charts need no guards on
 * message contents. Timer expiries are plain events named after the timer.
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";

/** A response received from the network by a client transaction, by class. */
export interface ResponseEvent<T extends "PROVISIONAL" | "FINAL" | "FINAL_2XX" | "FINAL_NON2XX"> {
  type: T;
  response: SipResponse;
}

/** A response handed to a server transaction by its TU, by class. */
export interface TuResponseEvent<T extends "TU_PROVISIONAL" | "TU_FINAL" | "TU_2XX" | "TU_NON2XX"> {
  type: T;
  response: SipResponse;
}

/** A request matching an existing server transaction: a retransmission, or the ACK. */
export interface RequestEvent<T extends "REQUEST" | "ACK"> {
  type: T;
  request: SipRequest;
}

/** The transport failed to send one of the transaction's messages (§17.1.1.2, §17.2.4). */
export interface TransportErrorEvent {
  type: "TRANSPORT_ERROR";
  error: unknown;
}

/** A timer fired. */
export interface TimerEvent<T extends string> {
  type: T;
}

/** INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §7.2). */
export type InviteClientEvent =
  | ResponseEvent<"PROVISIONAL" | "FINAL_2XX" | "FINAL_NON2XX">
  | TimerEvent<"TIMER_A" | "TIMER_B" | "TIMER_D" | "TIMER_M">
  | TransportErrorEvent;

/** Non-INVITE client transaction (RFC 3261 §17.1.2). */
export type NonInviteClientEvent =
  | ResponseEvent<"PROVISIONAL" | "FINAL">
  | TimerEvent<"TIMER_E" | "TIMER_F" | "TIMER_K">
  | TransportErrorEvent;

/** INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §7.1). */
export type InviteServerEvent =
  | RequestEvent<"REQUEST" | "ACK">
  | TuResponseEvent<"TU_PROVISIONAL" | "TU_2XX" | "TU_NON2XX">
  | TimerEvent<"TIMER_TRYING" | "TIMER_G" | "TIMER_H" | "TIMER_I" | "TIMER_L">
  | TransportErrorEvent;

/** Non-INVITE server transaction (RFC 3261 §17.2.2). */
export type NonInviteServerEvent =
  | RequestEvent<"REQUEST">
  | TuResponseEvent<"TU_PROVISIONAL" | "TU_FINAL">
  | TimerEvent<"TIMER_J">
  | TransportErrorEvent;

/** Any client transaction event. */
export type ClientTransactionEvent = InviteClientEvent | NonInviteClientEvent;
/** Any server transaction event. */
export type ServerTransactionEvent = InviteServerEvent | NonInviteServerEvent;
/** Any transaction event. */
export type TransactionEvent = ClientTransactionEvent | ServerTransactionEvent;
