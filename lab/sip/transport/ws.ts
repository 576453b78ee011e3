/**
 * SIP over WebSocket (RFC 7118): WS and WSS. The server side is `Deno.serve` plus
 * `Deno.upgradeWebSocket` and insists on the "sip" subprotocol (§4.1); the client side is the
 * built-in `WebSocket` asking for ["sip"] and dropping a connection whose server did not pick it
 * (§4.1). Each WebSocket message is one SIP message (§5.1); Via uses the WS / WSS transport
 * tokens (§5.2), and since a WS client's sent-by is usually a made-up name, every request gets
 * `received` (§18.2.1). Connections are reused through the same {@link ConnectionTable} rules
 * as TCP (RFC 7118 §5: responses and in-dialog requests go back over the WebSocket).
 *
 * @module
 */
import { serializeMessage } from "../message/serializer.ts";
import { bareHost, sipHost } from "./address.ts";
import { ConnectionTable } from "./connection_table.ts";
import type { Destination } from "./destination.ts";
import { InboundDelivery } from "./inbound.ts";
import { TransportError } from "./transport_error.ts";
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type ListenOptions,
  type LocalAddress,
  type SendPayload,
  type SipTransport,
  type TransportContext,
} from "./transport.ts";
import { WsConnection, type WsConnectionHooks } from "./ws_connection.ts";

/** RFC 7118 §4.1: the WebSocket subprotocol of SIP. */
export const SIP_WEBSOCKET_PROTOCOL = "sip";

/** Options of {@link WsTransport}. */
export interface WsTransportConfig extends TransportContext {
  /** WSS (TLS) instead of WS. */
  secure?: boolean;
  /** WSS server certificate chain and key, PEM (needed to `listen` with `secure`). */
  cert?: string;
  key?: string;
  /** Extra trust anchors for outbound WSS connections, PEM (e.g. the lab CA). */
  caCerts?: string[];
  /** Request path of outbound connections (default "/"); the server accepts any path. */
  path?: string;
  /**
   * Server side: seconds without a pong after a ping before the socket is closed (Deno's
   * built-in keep-alive; 0 disables). Default 30.
   */
  idleTimeoutSeconds?: number;
}

let flowCounter = 0;

/**
 * A WS or WSS transport.
 *
 * @example
 * ```ts
 * const server = new WsTransport({ events });
 * const { port } = await server.listen({ hostname: "127.0.0.1", port: 0 });
 * const client = new WsTransport({ events });
 * await client.send(request, { protocol: "WS", host: "127.0.0.1", port });
 * ```
 */
export class WsTransport implements SipTransport {
  readonly protocol: "ws" | "wss";
  readonly reliable = true;
  readonly #config: WsTransportConfig;
  readonly #inbound: InboundDelivery;
  readonly #connections = new ConnectionTable<WsConnection>();
  readonly #hooks: WsConnectionHooks;
  #httpClient: Deno.HttpClient | undefined;
  #server: Deno.HttpServer<Deno.NetAddr> | undefined;
  #local: LocalAddress | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  constructor(config: WsTransportConfig) {
    this.protocol = config.secure ? "wss" : "ws";
    this.#config = config;
    this.#inbound = new InboundDelivery(this.protocol, config.events, config.metrics);
    const inbound = this.#inbound;
    this.#hooks = {
      message: (conn, msg, bytes) => inbound.message(msg, conn.remote, bytes),
      parseFailure: (conn, err) => inbound.parseFailure(err, conn.remote),
      closed: (conn, reason) => {
        this.#connections.remove(conn);
        try {
          inbound.events.onFlowClosed?.(conn.remote, reason);
        } catch (e) {
          inbound.error(e, conn.remote);
        }
      },
    };
  }

  get local(): LocalAddress | undefined {
    return this.#local;
  }

  /** Open WebSocket flows, inbound and outbound. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  // deno-lint-ignore require-await -- async so that a bind failure rejects instead of throwing
  async listen(opts: ListenOptions): Promise<LocalAddress> {
    if (this.#closed) throw new TransportError("closed", "transport closed");
    if (this.#server) throw new Error(`${this.protocol}: already listening`);
    const { cert, key } = this.#config;
    if (this.#config.secure && (cert === undefined || key === undefined)) {
      throw new Error("WsTransport: a secure listener needs cert and key");
    }
    const base = { hostname: bareHost(opts.hostname), port: opts.port, onListen: () => {} };
    const handler = (req: Request, info: Deno.ServeHandlerInfo<Deno.NetAddr>) =>
      this.#upgrade(req, info.remoteAddr);
    this.#server = this.#config.secure
      ? Deno.serve({ ...base, cert: cert!, key: key! }, handler)
      : Deno.serve(base, handler);
    const addr = this.#server.addr;
    this.#local = { host: sipHost(addr.hostname), port: addr.port };
    return this.#local;
  }

  async send(payload: SendPayload, dest: Destination): Promise<void> {
    if (this.#closed) throw new TransportError("closed", "transport closed");
    const bytes = payload instanceof Uint8Array ? payload : serializeMessage(payload);
    const conn = this.#connections.find(dest) ??
      await this.#connections.connect(dest, (d) => this.#dial(d));
    await conn.send(bytes);
    this.#inbound.metrics.messageOut(this.protocol);
  }

  /** Closes one flow by id; false when there is no such flow. */
  async closeFlow(flowId: string): Promise<boolean> {
    const conn = this.#connections.get(flowId);
    if (conn === undefined) return false;
    await conn.close();
    return true;
  }

  close(): Promise<void> {
    this.#closing ??= this.#closeAll();
    return this.#closing;
  }

  async #closeAll(): Promise<void> {
    this.#closed = true;
    await this.#connections.settleDials();
    await Promise.all([...this.#connections.values()].map((c) => c.close()));
    if (this.#server) {
      await this.#server.shutdown();
      await this.#server.finished;
    }
    this.#httpClient?.close();
  }

  #upgrade(req: Request, remoteAddr: Deno.NetAddr): Response {
    if (this.#closed) return new Response(null, { status: 503 });
    if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      return new Response("SIP over WebSocket only", {
        status: 426,
        headers: { upgrade: "websocket" },
      });
    }
    const offered = (req.headers.get("sec-websocket-protocol") ?? "").split(",").map((p) =>
      p.trim().toLowerCase()
    );
    // RFC 7118 §4.1: the "sip" subprotocol must be negotiated; anything else is refused.
    if (!offered.includes(SIP_WEBSOCKET_PROTOCOL)) {
      return new Response('the "sip" WebSocket subprotocol is required', { status: 400 });
    }
    const { socket, response } = Deno.upgradeWebSocket(req, {
      protocol: SIP_WEBSOCKET_PROTOCOL,
      idleTimeout: this.#config.idleTimeoutSeconds ?? 30,
    });
    this.#adopt(socket, {
      protocol: this.protocol,
      host: sipHost(remoteAddr.hostname),
      port: remoteAddr.port,
    });
    return response;
  }

  async #dial(dest: Destination): Promise<WsConnection> {
    const scheme = this.#config.secure ? "wss" : "ws";
    const url = `${scheme}://${sipHost(dest.host)}:${dest.port}${this.#config.path ?? "/"}`;
    const caCerts = this.#config.caCerts;
    if (this.#config.secure && caCerts !== undefined) {
      this.#httpClient ??= Deno.createHttpClient({ caCerts });
    }
    const socket = new WebSocket(url, {
      protocols: [SIP_WEBSOCKET_PROTOCOL],
      ...(this.#httpClient ? { client: this.#httpClient } : {}),
    });
    const opened = await new Promise<boolean>((resolve) => {
      socket.addEventListener("open", () => resolve(true), { once: true });
      socket.addEventListener("close", () => resolve(false), { once: true });
    });
    const failed = (why: string) =>
      new TransportError("connect-failed", `${scheme} connection to ${url} failed: ${why}`);
    if (!opened) throw failed("handshake refused or unreachable");
    if (socket.protocol !== SIP_WEBSOCKET_PROTOCOL) {
      // RFC 7118 §4.1: a server that did not select "sip" must not be used.
      const closed = new Promise((resolve) => socket.addEventListener("close", resolve));
      socket.close(1000);
      await closed;
      throw failed(`server selected subprotocol "${socket.protocol}"`);
    }
    return this.#adopt(socket, {
      protocol: this.protocol,
      host: sipHost(dest.host),
      port: dest.port,
    });
  }

  #adopt(socket: WebSocket, remote: Destination): WsConnection {
    remote.flowId = `${this.protocol}-${++flowCounter}`;
    const conn = new WsConnection(
      socket,
      this.protocol,
      remote,
      this.#hooks,
      this.#inbound.metrics,
      {
        ...this.#config.parse,
        maxSize: this.#config.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      },
    );
    this.#connections.add(conn);
    this.#inbound.metrics.connectionOpened(this.protocol);
    return conn;
  }
}
