/**
 * A byte filter between a stream connection's socket and its SIP framing: what a layer above
 * installs on one flow to transform everything after a message boundary (a compression layer
 * negotiated in-band, for instance). The transport knows nothing of what the filter does; it
 * only routes octets through it.
 *
 * @module
 */

/**
 * Transforms one flow's octets in both directions. Installed with
 * `StreamTransport.setFlowFilter`; a flow takes at most one filter, for the rest of its life.
 *
 * @example
 * ```ts
 * const xor: StreamFilter = {
 *   encode: (bytes) => bytes.map((b) => b ^ 0x5a),
 *   decode: (bytes) => [bytes.map((b) => b ^ 0x5a)],
 *   pendingBytes: 0,
 * };
 * transport.setFlowFilter(flowId, xor);
 * ```
 */
export interface StreamFilter {
  /**
   * The wire octets for one outbound unit (a whole message, or a keep-alive). Called in send
   * order, once per unit; must not throw for any input.
   */
  encode(bytes: Uint8Array): Uint8Array;
  /**
   * Feeds wire octets as read (any chunking); returns the plain octets they yield, in order
   * (possibly none while a unit is incomplete). Throwing means the stream is corrupt: the
   * transport closes the connection (reason "filter") and reports the error.
   */
  decode(bytes: Uint8Array): Uint8Array[];
  /** Wire octets held for a unit not complete yet (counted by the stalled-message timeout). */
  readonly pendingBytes: number;
}
