/**
 * The transport layer's metrics port: a sink interface it reports to (lab/metrics implements
 * it; nothing here imports from there). Every call is fire-and-forget and must not throw.
 *
 * @module
 */
import type { TransportProtocol } from "./destination.ts";

/** Why inbound bytes were discarded without reaching the layer above. */
export type DropReason =
  /** Not a SIP message, or a malformed one (also reported through `parseError`). */
  | "parse-error"
  /** A CRLF keep-alive on UDP, where RFC 5626 §4.4.2 uses STUN instead: ignored. */
  | "keep-alive"
  /** A STUN packet (RFC 5389 §6 demultiplexing) on a SIP UDP socket: not answered. */
  | "stun";

/**
 * Counters reported by every transport, labelled by protocol.
 *
 * @example
 * ```ts
 * const seen: string[] = [];
 * const metrics: TransportMetricsSink = { ...NO_TRANSPORT_METRICS, dropped: (p, r) => seen.push(r) };
 * ```
 */
export interface TransportMetricsSink {
  /** Octets read from the network (datagram, stream read or WebSocket message). */
  bytesIn(protocol: TransportProtocol, bytes: number): void;
  /** Octets handed to the network, keep-alives included. */
  bytesOut(protocol: TransportProtocol, bytes: number): void;
  /** A well-formed message delivered to the layer above. */
  messageIn(protocol: TransportProtocol): void;
  /** A message sent. */
  messageOut(protocol: TransportProtocol): void;
  /** Inbound data discarded. */
  dropped(protocol: TransportProtocol, reason: DropReason): void;
  /** A connection (TCP, TLS or WebSocket) was accepted or established. */
  connectionOpened(protocol: TransportProtocol): void;
  /** A connection ended, for whatever reason. */
  connectionClosed(protocol: TransportProtocol): void;
  /** A message failed to parse; `status` is the answer it deserves (400, 505, 513, ...). */
  parseError(protocol: TransportProtocol, status: number): void;
}

/** A sink that drops everything: the default. */
export const NO_TRANSPORT_METRICS: TransportMetricsSink = Object.freeze({
  bytesIn() {},
  bytesOut() {},
  messageIn() {},
  messageOut() {},
  dropped() {},
  connectionOpened() {},
  connectionClosed() {},
  parseError() {},
});
