/**
 * The user agent core's metrics port: a sink interface it reports to (lab/metrics implements
 * it; nothing here imports from there). Every call is fire-and-forget and must not throw.
 *
 * @module
 */

/**
 * What the core counts beyond the transaction layer's own metrics.
 *
 * @example
 * ```ts
 * const byReason = new Map<string, number>();
 * const sink: UaMetricsSink = {
 *   ...NO_UA_METRICS,
 *   localAnswer: (_m, status, reason) => byReason.set(`${status} ${reason}`, 1),
 * };
 * ```
 */
export interface UaMetricsSink {
  /**
   * The core answered a request itself instead of passing it to the agent: a parse failure
   * (400/416/505/513), a §8.2 check (405/501/416/482/420), §12.2.2 (481/500), the 200 and
   * 487 of a CANCEL (§9.2), or the 200 to a BYE (§15.1.2).
   */
  localAnswer(method: string, status: number, reason: string): void;
  /** A response matched no client transaction and no dialog, and was dropped (RFC 6026 §7.2). */
  strayResponse(method: string, status: number): void;
  /** An ACK matched no dialog and was dropped (§17.2.3: an ACK is never answered). */
  strayAck(): void;
  /** No ACK came for a 2xx within 64*T1; the session was ended with a BYE (§13.3.1.4). */
  ackTimeout(): void;
  /**
   * A message sent outside any transaction (an ACK for a 2xx, a stateless answer to an
   * unparseable request, a late 2xx retransmission) could not be handed to the network.
   */
  directSendFailed(): void;
}

/** A sink that drops everything: the default. */
export const NO_UA_METRICS: UaMetricsSink = Object.freeze({
  localAnswer() {},
  strayResponse() {},
  strayAck() {},
  ackTimeout() {},
  directSendFailed() {},
});
