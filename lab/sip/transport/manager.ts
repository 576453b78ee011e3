/**
 * Several transports behind one surface: the manager creates each transport with the same
 * events and metrics, picks the transport for a destination by its protocol, and routes
 * responses by RFC 3261 §18.2.2 / RFC 3581 (see {@link responseDestination}). Connection reuse
 * happens inside each connection-oriented transport. It is also the transaction layer's
 * transport (`TransactionTransport`).
 *
 * @module
 */
import type { SipResponse } from "../message/message.ts";
import type { TransactionTransport } from "../transaction/transaction_transport.ts";
import {
  type Destination,
  isReliableProtocol,
  protocolOf,
  type TransportProtocol,
} from "./destination.ts";
import type { TransportMetricsSink } from "./metrics.ts";
import { responseDestination } from "./response_destination.ts";
import type { StreamTransportConfig } from "./stream_transport.ts";
import { TcpTransport } from "./tcp.ts";
import { TlsTransport, type TlsTransportConfig } from "./tls.ts";
import { TransportError } from "./transport_error.ts";
import type { SendPayload, TransportContext, TransportEvents } from "./transport.ts";
import { UdpTransport, type UdpTransportConfig } from "./udp.ts";
import { WsTransport, type WsTransportConfig } from "./ws.ts";

/** Per-protocol settings accepted by {@link TransportManager.add} (events and metrics come from the manager). */
export interface TransportSettings {
  udp: Omit<UdpTransportConfig, "events" | "metrics">;
  tcp: Omit<StreamTransportConfig, "events" | "metrics">;
  tls: Omit<TlsTransportConfig, "events" | "metrics">;
  ws: Omit<WsTransportConfig, "events" | "metrics" | "secure">;
  wss: Omit<WsTransportConfig, "events" | "metrics" | "secure">;
}

/** The transport class behind each protocol. */
export interface TransportsByProtocol {
  udp: UdpTransport;
  tcp: TcpTransport;
  tls: TlsTransport;
  ws: WsTransport;
  wss: WsTransport;
}

/** Options of {@link TransportManager}. */
export interface TransportManagerOptions {
  /** Where every transport delivers inbound traffic. */
  events: TransportEvents;
  metrics?: TransportMetricsSink;
  /** Defaults for every transport (a transport's own settings win). */
  maxMessageSize?: number;
  parse?: TransportContext["parse"];
}

/**
 * One process's (or one agent's) set of transports.
 *
 * @example
 * ```ts
 * const manager = new TransportManager({ events: { onMessage: (msg, src) => core.receive(msg, src) } });
 * await manager.add("udp").listen({ hostname: "127.0.0.1", port: 5060 });
 * await manager.add("tcp").listen({ hostname: "127.0.0.1", port: 5060 });
 * await manager.send(request, { protocol: "TCP", host: "127.0.0.1", port: 5070 });
 * await manager.send(response, requestSource); // §18.2.2 routing
 * await manager.close();
 * ```
 */
export class TransportManager implements TransactionTransport {
  readonly #opts: TransportManagerOptions;
  readonly #transports = new Map<TransportProtocol, TransportsByProtocol[TransportProtocol]>();
  #closed = false;

  constructor(opts: TransportManagerOptions) {
    this.#opts = opts;
  }

  /** Creates the transport of `protocol` (one per protocol); call its `listen` to receive. */
  add<P extends TransportProtocol>(
    protocol: P,
    settings: TransportSettings[P] = {},
  ): TransportsByProtocol[P] {
    if (this.#closed) throw new TransportError("closed", "transport manager closed");
    if (this.#transports.has(protocol)) throw new Error(`a ${protocol} transport exists already`);
    const o = this.#opts;
    const context: TransportContext = {
      events: o.events,
      metrics: o.metrics,
      maxMessageSize: o.maxMessageSize,
      parse: o.parse,
    };
    const config = { ...context, ...withoutUndefined(settings) };
    let transport: TransportsByProtocol[TransportProtocol];
    switch (protocol) {
      case "udp":
        transport = new UdpTransport(config);
        break;
      case "tcp":
        transport = new TcpTransport(config);
        break;
      case "tls":
        transport = new TlsTransport(config);
        break;
      default:
        transport = new WsTransport({ ...config, secure: protocol === "wss" });
    }
    this.#transports.set(protocol, transport);
    return transport as TransportsByProtocol[P];
  }

  /** The transport of `protocol`, if added. */
  get<P extends TransportProtocol>(protocol: P): TransportsByProtocol[P] | undefined {
    return this.#transports.get(protocol) as TransportsByProtocol[P] | undefined;
  }

  /** §18: every transport but UDP is reliable (TransactionTransport). */
  reliable(dest: Destination): boolean {
    return isReliableProtocol(dest.protocol);
  }

  /**
   * Sends through the transport of `dest.protocol` (any letter case). A response is sent where
   * §18.2.2 / RFC 3581 say, with `dest` taken as the source of its request. Rejects with
   * TransportError "no-transport" when no such transport was added.
   */
  send(payload: SendPayload, dest: Destination): Promise<void> {
    const protocol = protocolOf(dest);
    const transport = protocol && this.#transports.get(protocol);
    if (!transport) {
      return Promise.reject(
        new TransportError("no-transport", `no ${dest.protocol} transport`),
      );
    }
    if (isResponse(payload)) {
      let target: Destination;
      try {
        target = responseDestination(payload, dest);
      } catch (e) {
        return Promise.reject(e);
      }
      return transport.send(payload, target);
    }
    return transport.send(payload, dest);
  }

  /** Closes every transport (each flushes its connections first). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#transports.values()].map((t) => t.close()));
  }
}

function isResponse(payload: SendPayload): payload is SipResponse {
  return !(payload instanceof Uint8Array) && payload.kind === "response";
}

/** Drops keys whose value is undefined so that they do not mask the manager's defaults. */
function withoutUndefined<T extends object>(settings: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(settings).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}
