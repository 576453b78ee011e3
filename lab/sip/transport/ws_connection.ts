/**
 * One SIP flow over a WebSocket (RFC 7118): each WebSocket message carries exactly one SIP
 * message (§5.1), so no stream framing is needed; messages are sent as text frames when they
 * are valid UTF-8 and as binary frames otherwise, and both kinds are accepted (§5.1).
 *
 * @module
 */
import type { AnySipMessage } from "../message/message.ts";
import { parseMessage, type ParseOptions } from "../message/parser.ts";
import type { Destination, TransportProtocol } from "./destination.ts";
import type { TransportMetricsSink } from "./metrics.ts";
import { TransportError } from "./transport_error.ts";
import type { FlowCloseReason } from "./transport.ts";
import { boundedWait } from "./bounded_wait.ts";

/** What a WebSocket flow reports to its transport. */
export interface WsConnectionHooks {
  message(conn: WsConnection, msg: AnySipMessage, bytes: number): void;
  parseFailure(conn: WsConnection, err: unknown): void;
  closed(conn: WsConnection, reason: FlowCloseReason): void;
}

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A WebSocket carrying SIP; created by {@link WsTransport} for accepted and opened sockets.
 *
 * @example
 * ```ts
 * const flow = new WsConnection(socket, "ws", remote, hooks, metrics, { maxSize: 65535 });
 * await flow.send(serializeMessage(request));
 * ```
 */
export class WsConnection {
  readonly remote: Destination;
  readonly #socket: WebSocket;
  readonly #protocol: TransportProtocol;
  readonly #metrics: TransportMetricsSink;
  readonly #closed = Promise.withResolvers<void>();
  #closeReason: FlowCloseReason = "peer";

  constructor(
    socket: WebSocket,
    protocol: TransportProtocol,
    remote: Destination,
    hooks: WsConnectionHooks,
    metrics: TransportMetricsSink,
    parse: ParseOptions,
  ) {
    this.#socket = socket;
    this.#protocol = protocol;
    this.remote = remote;
    this.#metrics = metrics;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (e) => {
      const bytes = typeof e.data === "string" ? encoder.encode(e.data) : new Uint8Array(e.data);
      metrics.bytesIn(protocol, bytes.length);
      let msg: AnySipMessage;
      try {
        // RFC 7118 §5.1: one SIP message per WebSocket message; datagram-style parsing.
        msg = parseMessage(bytes, parse);
      } catch (err) {
        hooks.parseFailure(this, err);
        return;
      }
      hooks.message(this, msg, bytes.length);
    });
    socket.addEventListener("close", () => {
      metrics.connectionClosed(protocol);
      hooks.closed(this, this.#closeReason);
      this.#closed.resolve();
    });
  }

  /** The flow id. */
  get flowId(): string {
    return this.remote.flowId!;
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#socket.readyState === WebSocket.OPEN;
  }

  /** Sends one message; text frame when the octets are UTF-8, binary frame otherwise. */
  send(bytes: Uint8Array): Promise<void> {
    if (!this.open) {
      return Promise.reject(new TransportError("closed", `connection ${this.flowId} closed`));
    }
    let text: string | undefined;
    try {
      text = strictUtf8.decode(bytes);
    } catch {
      text = undefined;
    }
    try {
      this.#socket.send(text ?? bytes);
    } catch (e) {
      return Promise.reject(
        new TransportError("write-failed", "WebSocket send failed", { cause: e }),
      );
    }
    this.#metrics.bytesOut(this.#protocol, bytes.length);
    return Promise.resolve();
  }

  /**
   * Starts the closing handshake (RFC 6455 §7.1.2, code 1000) and waits for its end, at most
   * `lingerMs` (a silent peer must not hang a shutdown).
   */
  async close(reason: FlowCloseReason = "local", lingerMs = 2000): Promise<void> {
    const state = this.#socket.readyState;
    if (state === WebSocket.OPEN || state === WebSocket.CONNECTING) {
      this.#closeReason = reason;
      this.#socket.close(1000);
    }
    await boundedWait(this.#closed.promise, lingerMs);
  }
}
