/**
 * The transaction layer's metrics port: a sink interface it reports to (lab/metrics
 * implements it; the layer imports nothing from there).
 *
 * @module
 */

/**
 * Counters and latencies reported by the transaction layer. Every call is fire-and-forget.
 *
 * @example
 * ```ts
 * const layer = new TransactionLayer({ transport, metrics: { ...NO_TRANSACTION_METRICS,
 *   timeout: (method, timer) => console.warn(method, "timed out by Timer", timer) } });
 * ```
 */
export interface TransactionMetricsSink {
  /** A request (or a client transaction's ACK) went to the transport; `retransmit` for resends. */
  requestSent(method: string, retransmit: boolean): void;
  /**
   * A response was passed up to the TU by a client transaction; latency is measured from the
   * first transmission of the request. Absorbed retransmissions are not reported.
   */
  responseReceived(method: string, status: number, latencyMs: number): void;
  /** A server transaction handed a response to the transport (retransmissions included). */
  responseSent(method: string, status: number): void;
  /** A transaction timed out (`timer` is "B", "F" or "H"). */
  timeout(method: string, timer: string): void;
  /** The transport reported a fatal error for a transaction's message. */
  transportError(method: string): void;
}

/** A sink that drops everything: the default. */
export const NO_TRANSACTION_METRICS: TransactionMetricsSink = Object.freeze({
  requestSent() {},
  responseReceived() {},
  responseSent() {},
  timeout() {},
  transportError() {},
});
