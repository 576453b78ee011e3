/**
 * What TCP and TLS share (RFC 3261 §18.1.1, §18.2.2, §18.3): a listener accepting connections,
 * outbound connections opened on demand, and a {@link ConnectionTable} through which responses
 * and new requests to the same peer reuse open connections, and one sweep timer per transport
 * that checks every connection's timeouts and keep-alives.
 *
 * @module
 */
import type { SipParseError } from "../message/parse_error.ts";
import { serializeMessage } from "../message/serializer.ts";
import { bareHost, sipHost } from "./address.ts";
import { ConnectionTable } from "./connection_table.ts";
import type { Destination } from "./destination.ts";
import { InboundDelivery } from "./inbound.ts";
import {
  type KeepAliveOptions,
  StreamConnection,
  type StreamConnectionHooks,
  type StreamConnectionOptions,
} from "./stream_connection.ts";
import type { StreamFilter } from "./stream_filter.ts";
import { TransportError } from "./transport_error.ts";
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type FlowCloseReason,
  type ListenOptions,
  type LocalAddress,
  type SendPayload,
  type SipTransport,
  type TransportContext,
} from "./transport.ts";

/** Options shared by the TCP and TLS transports. */
export interface StreamTransportConfig extends TransportContext {
  /** Close a connection whose message stays incomplete this long. Default 10000; 0 = never. */
  incompleteMessageTimeoutMs?: number;
  /** Close a connection with no traffic for this long. Default 0 = never. */
  idleTimeoutMs?: number;
  /** RFC 5626 §4.4.1 pings on connections this transport opens. Default: none. */
  keepAlive?: KeepAliveOptions;
  /** Queued-but-unwritten octets per connection before sends fail. Default 4 MiB. */
  maxQueuedBytes?: number;
  /** Bound on each wait of a graceful close. Default 2000 ms. */
  lingerMs?: number;
  /** Read buffer per connection. Default 16 KiB. */
  readBufferSize?: number;
}

let flowCounter = 0;

/**
 * Base class of {@link TcpTransport} and {@link TlsTransport}; subclasses supply the sockets.
 *
 * @example
 * ```ts
 * class PlainTcp extends StreamTransport {
 *   readonly protocol = "tcp" as const;
 *   constructor(config: StreamTransportConfig) { super("tcp", config); }
 *   protected openListener(o: ListenOptions) { return Deno.listen(o); }
 *   protected dial(hostname: string, port: number) { return Deno.connect({ hostname, port }); }
 * }
 * ```
 */
export abstract class StreamTransport implements SipTransport {
  abstract readonly protocol: "tcp" | "tls";
  readonly reliable = true;
  readonly #inbound: InboundDelivery;
  readonly #connOptions: StreamConnectionOptions;
  readonly #keepAlive: KeepAliveOptions | undefined;
  readonly #sweepMs: number;
  readonly #connections = new ConnectionTable<StreamConnection>();
  readonly #hooks: StreamConnectionHooks;
  #listener: Deno.Listener | undefined;
  #acceptLoop: Promise<void> | undefined;
  #local: LocalAddress | undefined;
  #sweeper: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;

  protected constructor(protocol: "tcp" | "tls", config: StreamTransportConfig) {
    this.#inbound = new InboundDelivery(protocol, config.events, config.metrics);
    this.#keepAlive = config.keepAlive;
    this.#connOptions = {
      maxMessageSize: config.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE,
      parse: config.parse,
      readBufferSize: config.readBufferSize ?? 16 * 1024,
      maxQueuedBytes: config.maxQueuedBytes ?? 4 * 1024 * 1024,
      lingerMs: config.lingerMs ?? 2000,
      incompleteMessageTimeoutMs: config.incompleteMessageTimeoutMs ?? 10_000,
      idleTimeoutMs: config.idleTimeoutMs ?? 0,
    };
    const o = this.#connOptions;
    const periods = [
      o.incompleteMessageTimeoutMs,
      o.idleTimeoutMs,
      config.keepAlive?.intervalMs ?? 0,
      config.keepAlive?.pongTimeoutMs ?? 0,
    ].filter((ms) => ms > 0);
    // One sweep per transport checks every connection's timers: a quarter of the shortest
    // period keeps the lateness under 25%, capped at 1 s, floored at 5 ms.
    this.#sweepMs = periods.length === 0
      ? 0
      : Math.min(1000, Math.max(5, Math.floor(Math.min(...periods) / 4)));
    const inbound = this.#inbound;
    this.#hooks = {
      message: (conn, msg, bytes) => inbound.message(msg, conn.remote, bytes),
      parseFailure: (conn, err: SipParseError) => inbound.parseFailure(err, conn.remote),
      error: (conn, err) => inbound.error(err, conn.remote),
      closed: (conn, reason) => this.#forget(conn, reason),
    };
  }

  /** Opens the listening socket (plain TCP or TLS). */
  protected abstract openListener(opts: ListenOptions): Deno.Listener;
  /** Opens an outbound connection (for TLS, with the handshake done). */
  protected abstract dial(hostname: string, port: number): Promise<Deno.Conn>;

  get local(): LocalAddress | undefined {
    return this.#local;
  }

  /** Open connections, inbound and outbound. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  // deno-lint-ignore require-await -- async so that a bind failure rejects instead of throwing
  async listen(opts: ListenOptions): Promise<LocalAddress> {
    if (this.#closed) throw new TransportError("closed", "transport closed");
    if (this.#listener) throw new Error(`${this.protocol}: already listening`);
    const listener = this.openListener({ hostname: bareHost(opts.hostname), port: opts.port });
    const addr = listener.addr as Deno.NetAddr;
    this.#listener = listener;
    this.#local = { host: sipHost(addr.hostname), port: addr.port };
    this.#acceptLoop = this.#accept(listener);
    return this.#local;
  }

  async send(payload: SendPayload, dest: Destination): Promise<void> {
    if (this.#closed) throw new TransportError("closed", "transport closed");
    const bytes = payload instanceof Uint8Array ? payload : serializeMessage(payload);
    // Nothing is awaited before conn.send on an open connection: the octets are queued before
    // send() returns, which the ordering promised by setFlowFilter relies on.
    const conn = this.#connections.find(dest) ??
      await this.#connections.connect(dest, (d) => this.#dialAndAdopt(d));
    await conn.send(bytes);
    this.#inbound.metrics.messageOut(this.protocol);
  }

  /**
   * Installs a byte filter on one open connection, at the current message boundary (see
   * {@link StreamConnection.setFilter}): sends started before this call go out as they were,
   * later ones through `filter.encode`; called from `onMessage` for a message of this flow,
   * every octet read after that message goes through `filter.decode`. False when there is no
   * such open connection; throws when the flow already has a filter.
   *
   * @example
   * ```ts
   * // In onMessage, on the message after which the peer switches to the filtered encoding:
   * transport.setFlowFilter(source.flowId!, filter);
   * ```
   */
  setFlowFilter(flowId: string, filter: StreamFilter): boolean {
    const conn = this.#connections.get(flowId);
    if (conn === undefined || !conn.open) return false;
    conn.setFilter(filter);
    return true;
  }

  /** Gracefully closes one connection by flow id; false when there is no such connection. */
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
    this.#listener?.close();
    await this.#acceptLoop;
    // Sends waiting on a connection attempt queue their message as soon as it opens.
    await this.#connections.settleDials();
    await Promise.all([...this.#connections.values()].map((c) => c.close()));
    this.#stopSweeper();
  }

  async #dialAndAdopt(dest: Destination): Promise<StreamConnection> {
    let conn: Deno.Conn;
    try {
      conn = await this.dial(bareHost(dest.host), dest.port);
    } catch (e) {
      throw new TransportError(
        "connect-failed",
        `${this.protocol} connection to ${dest.host}:${dest.port} failed`,
        { cause: e },
      );
    }
    // Adopted even when close() began meanwhile: close() waits for dials, so the sends that
    // started them are queued and flushed before the connection is shut. The connection is
    // also indexed under the address it was asked for (a name, another spelling).
    return this.#adopt(conn, true, dest);
  }

  async #accept(listener: Deno.Listener): Promise<void> {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (e) {
        if (this.#closed || e instanceof Deno.errors.BadResource) return;
        this.#inbound.error(e); // e.g. EMFILE: report and keep accepting
        continue;
      }
      if (this.#closed) {
        conn.close();
        return;
      }
      this.#adopt(conn, false);
    }
  }

  #adopt(conn: Deno.Conn, outbound: boolean, asked?: Destination): StreamConnection {
    const addr = conn.remoteAddr as Deno.NetAddr;
    const flowId = `${this.protocol}-${++flowCounter}`;
    const remote: Destination = {
      protocol: this.protocol,
      host: sipHost(addr.hostname),
      port: addr.port,
      flowId,
    };
    const options = outbound && this.#keepAlive
      ? { ...this.#connOptions, keepAlive: this.#keepAlive }
      : this.#connOptions;
    const connection = new StreamConnection(
      conn,
      this.protocol,
      remote,
      options,
      this.#hooks,
      this.#inbound.metrics,
    );
    this.#connections.add(connection, asked);
    this.#inbound.metrics.connectionOpened(this.protocol);
    this.#startSweeper();
    connection.start();
    return connection;
  }

  #forget(conn: StreamConnection, reason: FlowCloseReason) {
    this.#connections.remove(conn);
    if (this.#connections.size === 0) this.#stopSweeper();
    try {
      this.#inbound.events.onFlowClosed?.(conn.remote, reason);
    } catch (e) {
      this.#inbound.error(e, conn.remote);
    }
  }

  #startSweeper() {
    if (this.#sweepMs === 0 || this.#sweeper !== undefined) return;
    this.#sweeper = setInterval(() => {
      const now = performance.now();
      for (const c of this.#connections.values()) c.tick(now);
    }, this.#sweepMs);
  }

  #stopSweeper() {
    clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }
}
