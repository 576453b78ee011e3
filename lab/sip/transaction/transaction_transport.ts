/**
 * What the transaction layer needs from a transport (RFC 3261 §18): a way to send, and
 * whether a destination is reliable (§17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2 arm fewer or
 * shorter timers over reliable transports). No transport module is imported here.
 *
 * @module
 */
import type { AnySipMessage } from "../message/message.ts";
import type { Destination } from "./destination.ts";

/**
 * The transport as the transaction layer uses it.
 *
 * `send` resolves once the message is handed to the network and rejects on a fatal transport
 * error (§18.4: ICMP unreachable, refused or reset connection, TLS failure, ...). A rejection
 * becomes the transaction's "transport error" event (§17.1.1.2, §17.1.2.2, §17.2.4). For
 * responses the destination is the one the request came from; the transport applies §18.2.2
 * (and RFC 3581 rport) using the response's top Via.
 *
 * @example
 * ```ts
 * const transport: TransactionTransport = {
 *   reliable: (dest) => dest.protocol !== "UDP",
 *   send: async (msg, dest) => { await socket.send(serializeMessage(msg), dest); },
 * };
 * ```
 */
export interface TransactionTransport {
  /** True for TCP, TLS, SCTP, WS, WSS (§18: "reliable transport"). */
  reliable(dest: Destination): boolean;
  send(msg: AnySipMessage, dest: Destination): Promise<void>;
}
