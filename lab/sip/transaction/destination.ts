/**
 * Where a message goes to or came from, as the transaction layer sees it (RFC 3261 §18).
 * The transport layer owns the meaning of these fields; the transaction layer only stores a
 * destination with each transaction, hands it back to the transport, and compares nothing
 * but what RFC 3261 §17 asks for.
 *
 * @module
 */

/**
 * A transport address plus, for connection-oriented transports, the connection (flow) a
 * message arrived on or must leave by (RFC 3261 §18.2.2, RFC 5626 flows).
 *
 * @example
 * ```ts
 * const dest: Destination = { protocol: "UDP", host: "192.0.2.4", port: 5060 };
 * ```
 */
export interface Destination {
  /** Transport protocol as written in Via: "UDP", "TCP", "TLS", "SCTP", "WS", "WSS". */
  protocol: string;
  /** IP address or host name; IPv6 references keep their brackets. */
  host: string;
  port: number;
  /** Identifies an existing connection or flow (transport-defined), when there is one. */
  flowId?: string;
}
