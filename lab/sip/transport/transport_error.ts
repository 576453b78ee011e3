/**
 * The error a transport's `send` rejects with (RFC 3261 §18.4: the transport reports failures
 * to the transaction layer, which turns them into a transport-error event, §17.1.4, §17.2.4).
 *
 * @module
 */

/** What went wrong. */
export type TransportErrorCode =
  /** The transport (or the connection) is closed or closing. */
  | "closed"
  /** No transport of the destination's protocol is available. */
  | "no-transport"
  /** `send` was called before `listen` on a transport that needs a bound socket (UDP). */
  | "not-listening"
  /** §18.1.1: a request too large for UDP; the caller should retry over TCP. */
  | "datagram-too-large"
  /** The connection's write queue is over its limit (the peer does not read). */
  | "queue-full"
  /** Opening the connection failed (refused, unreachable, TLS or WebSocket handshake). */
  | "connect-failed"
  /** The socket reported an error while writing. */
  | "write-failed";

/**
 * A failed send. `cause` holds the underlying error when there is one.
 *
 * @example
 * ```ts
 * try {
 *   await transport.send(req, dest);
 * } catch (e) {
 *   if (e instanceof TransportError && e.code === "datagram-too-large") await tcp.send(req, dest);
 * }
 * ```
 */
export class TransportError extends Error {
  override name = "TransportError";
  constructor(
    readonly code: TransportErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
