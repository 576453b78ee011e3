/**
 * The SIP transaction layer (RFC 3261 §17, RFC 6026): client and server transactions on
 * XState charts run by lab/statechart's hot-path executor, matching, and the ports it needs
 * (transport, metrics sink). See transaction_layer.ts for the TU contract.
 *
 * @module
 */
export {
  type RequestOutcome,
  TransactionLayer,
  type TransactionLayerOptions,
} from "./transaction_layer.ts";
export type {
  ClientTransaction,
  ClientTransactionHandlers,
  ServerFailure,
  ServerTransaction,
  TransactionState,
} from "./transaction.ts";
export type { Destination } from "./destination.ts";
export type { TransactionTransport } from "./transaction_transport.ts";
export { NO_TRANSACTION_METRICS, type TransactionMetricsSink } from "./metrics_sink.ts";
export { DEFAULT_TIMER_CONFIG, type TimerConfig, type TimerName } from "./timer_values.ts";
export { transactionCharts } from "./charts.ts";
export type {
  InviteClientEvent,
  InviteServerEvent,
  NonInviteClientEvent,
  NonInviteServerEvent,
} from "./events.ts";
export { buildAckForNonSuccess } from "./ack.ts";
export { MAGIC_COOKIE } from "./matching.ts";
