/**
 * The transport contract (RFC 3261 §18): every transport — UDP, TCP, TLS, WS, WSS — listens,
 * sends a message (or pre-serialized octets) to a {@link Destination}, and delivers what it
 * receives through one set of {@link TransportEvents}.
 *
 * Inbound requests reach `onMessage` with their top Via already stamped with `received` and
 * `rport` (§18.2.1, RFC 3581 §4). The transport never answers SIP itself: a malformed request
 * that can still be answered goes to `onParseError` for the layer above to send 400 / 505 /
 * 513 (§8.2.2, §21.4.11).
 *
 * @module
 */
import type { AnySipMessage } from "../message/message.ts";
import type { SipParseError } from "../message/parse_error.ts";
import type { ParseOptions } from "../message/parser.ts";
import type { Destination, TransportProtocol } from "./destination.ts";
import type { TransportMetricsSink } from "./metrics.ts";

/** What `send` accepts: a message (serialized by the transport) or one message's octets. */
export type SendPayload = AnySipMessage | Uint8Array;

/** Where a transport listens. */
export interface ListenOptions {
  /** Local address to bind, e.g. "127.0.0.1" or "::1". */
  hostname: string;
  /** Local port; 0 picks a free one. */
  port: number;
}

/** A bound local address: host as in SIP text (IPv6 in brackets), port. */
export interface LocalAddress {
  host: string;
  port: number;
}

/** Why a connection (flow) ended. */
export type FlowCloseReason =
  /** The peer closed or reset it. */
  | "peer"
  /** This side closed it (`close()` or shutdown). */
  | "local"
  /** The stream lost its framing (missing Content-Length, message over the size limit). */
  | "framing"
  /** A message stayed incomplete longer than allowed (RFC 4475 §3.1.2.2-style stalls). */
  | "incomplete-message"
  /** No traffic for longer than the idle timeout. */
  | "idle"
  /** RFC 5626 §4.4.1: no pong came back for a ping in time; the flow has failed. */
  | "keep-alive"
  /** A socket or TLS error. */
  | "error"
  /** The flow's stream filter rejected the octets read (e.g. corrupt compressed data). */
  | "filter";

/** Callbacks through which a transport hands inbound traffic up. Handlers must not block. */
export interface TransportEvents {
  /**
   * A well-formed message. `source` is the peer's address, with the `flowId` of the connection
   * for stream and WebSocket transports (reply on it, §18.2.2); `bytes` its size on the wire.
   */
  onMessage(msg: AnySipMessage, source: Destination, bytes: number): void;
  /**
   * A message that failed to parse. `err.partial` is set for a request whose start line and
   * some headers could be read, so the layer above may answer with `err.status`.
   */
  onParseError?(err: SipParseError, source: Destination): void;
  /** A connection ended; `source` carries its `flowId` (RFC 5626 §4.4.1: a failed flow). */
  onFlowClosed?(source: Destination, reason: FlowCloseReason): void;
  /** An unexpected error not tied to one `send` (an accept failure, a throwing handler). */
  onError?(err: unknown, source?: Destination): void;
}

/** What every transport is built with. */
export interface TransportContext {
  events: TransportEvents;
  metrics?: TransportMetricsSink;
  /** Largest accepted inbound message in octets; larger is a 513 (§21.4.11). Default 65535. */
  maxMessageSize?: number;
  /** Parser options (Max-Forwards leniency, accepted Request-URI schemes). */
  parse?: Omit<ParseOptions, "maxSize">;
}

/** One transport protocol's sockets. */
export interface SipTransport {
  readonly protocol: TransportProtocol;
  /** §18: true for connection-oriented transports (fewer retransmissions above). */
  readonly reliable: boolean;
  /** The listening address once `listen` resolved; undefined before. */
  readonly local: LocalAddress | undefined;
  /** Binds and starts receiving. Once per transport. */
  listen(opts: ListenOptions): Promise<LocalAddress>;
  /**
   * Sends one message. Resolves once the octets are handed to the socket; rejects with a
   * {@link TransportError} on failure (§18.4).
   */
  send(payload: SendPayload, dest: Destination): Promise<void>;
  /** Stops listening, closes every connection (flushing queued writes first). Idempotent. */
  close(): Promise<void>;
}

/** The default inbound size limit (the largest UDP payload; §18.1.1). */
export const DEFAULT_MAX_MESSAGE_SIZE = 65535;
