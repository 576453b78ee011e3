/**
 * The client side of MS-CONMGMT's persistent connections for a whole fleet of simulated
 * endpoints: one TCP or TLS connection per endpoint (MS-CONMGMT §2.1: each client keeps its own
 * long-lived connection to its outbound proxy), all behind one transport that a single user
 * agent core sends through.
 *
 * Why not the stack's TransportManager: its stream transports reuse any open connection to the
 * same host and port (RFC 3261 §18.1.1), so 10,000 users would share one connection to the front
 * end. Why not one user agent core per user: a core with its transaction layer, dialog store and
 * housekeeping per user costs far more than the connection itself. So one core per process, and
 * this transport, which opens a connection per {@link ClientConnections.open} call and routes
 * every message by the flow id of its destination. Each connection is the stack's own
 * `StreamConnection` (Content-Length framing, CRLF pong answers, write coalescing, the
 * StreamFilter hook MS-SIPCOMP installs, graceful close); inbound traffic goes through the
 * stack's `InboundDelivery` (Via `received`/`rport` stamping, metrics) to the core.
 *
 * MS-CONMGMT keep-alives: {@link ClientConnections.armKeepAlive} arms one wheel timer per
 * connection that writes a double CRLF once nothing was sent for the negotiated interval
 * (guide §3.3: every message sent resets the timer).
 *
 * @example
 * ```ts
 * const connections = new ClientConnections({ protocol: "tls", caCerts: [caPem], events, wheel });
 * const flow = await connections.open({ protocol: "tls", host: "127.0.0.1", port: 5061 });
 * await connections.send(register, flow.remote); // routed by flow.remote.flowId
 * connections.armKeepAlive(flow.remote.flowId!, 300_000);
 * await connections.closeFlow(flow.remote.flowId!);
 * ```
 *
 * @module
 */
import type { AnySipMessage } from "../../lab/sip/message/mod.ts";
import { serializeMessage } from "../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import {
  bareHost,
  type Destination,
  type FlowCloseReason,
  sipHost,
  type StreamFilter,
  TransportError,
  type TransportEvents,
  type TransportMetricsSink,
} from "../../lab/sip/transport/mod.ts";
import { InboundDelivery } from "../../lab/sip/transport/inbound.ts";
import {
  StreamConnection,
  type StreamConnectionHooks,
  type StreamConnectionOptions,
} from "../../lab/sip/transport/stream_connection.ts";

/** Options of {@link ClientConnections}. */
export interface ClientConnectionsOptions {
  /** MS-CONMGMT §2.1: TCP, with TLS on top by default. */
  protocol: "tls" | "tcp";
  /** Where inbound messages and closed flows go (the user agent core, then the endpoints). */
  events: TransportEvents;
  /** For keep-alive timers. */
  wheel: TimerWheel;
  /** Trust anchors for the server certificate (PEM), e.g. the lab CA. */
  caCerts?: string[];
  metrics?: TransportMetricsSink;
  /** Bound on connect + TLS handshake; default 10 000 ms (guide §6: 10–20 s). */
  connectTimeoutMs?: number;
  /** Read buffer per connection; default 4 KiB (many idle connections). */
  readBufferSize?: number;
  /** Close a connection whose message stays incomplete this long; default 10 000 ms. */
  incompleteMessageTimeoutMs?: number;
}

/** One open connection as its owner sees it. */
export interface ClientFlow {
  /** The server, with this connection's `flowId`. */
  readonly remote: Destination;
  /** This side of the connection: the endpoint's Via sent-by and Contact address. */
  readonly local: { host: string; port: number };
}

interface FlowEntry {
  readonly conn: StreamConnection;
  readonly flow: ClientFlow;
  lastSendAt: number;
  keepAliveMs: number;
  keepAliveTimer: TimerHandle | undefined;
}

const PING = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);
let flowCounter = 0;

/**
 * Many outgoing client connections, one per endpoint, as one transport (`UaTransport` and the
 * MS-SIPCOMP transport port).
 */
export class ClientConnections {
  readonly protocol: "tls" | "tcp";
  readonly #opts: ClientConnectionsOptions;
  readonly #inbound: InboundDelivery;
  readonly #connOptions: StreamConnectionOptions;
  readonly #hooks: StreamConnectionHooks;
  readonly #flows = new Map<string, FlowEntry>();
  readonly #dialing = new Set<Promise<unknown>>();
  #sweeper: TimerHandle | undefined;
  #closed = false;

  constructor(opts: ClientConnectionsOptions) {
    this.protocol = opts.protocol;
    this.#opts = opts;
    this.#inbound = new InboundDelivery(opts.protocol, opts.events, opts.metrics);
    this.#connOptions = {
      maxMessageSize: 256 * 1024,
      readBufferSize: opts.readBufferSize ?? 4096,
      maxQueuedBytes: 1024 * 1024,
      lingerMs: 1000,
      incompleteMessageTimeoutMs: opts.incompleteMessageTimeoutMs ?? 10_000,
      idleTimeoutMs: 0,
    };
    const inbound = this.#inbound;
    this.#hooks = {
      message: (conn, msg, bytes) => inbound.message(msg, conn.remote, bytes),
      parseFailure: (conn, err) => inbound.parseFailure(err, conn.remote),
      error: (conn, err) => inbound.error(err, conn.remote),
      closed: (conn, reason) => this.#forget(conn, reason),
    };
  }

  /** Open connections. */
  get size(): number {
    return this.#flows.size;
  }

  /** The transaction layer's question: every connection here is reliable (§18). */
  reliable(): boolean {
    return true;
  }

  /**
   * Opens a new connection to `server` (TCP connect, then the TLS handshake), never reusing
   * another endpoint's. The server certificate must match `serverName` (default the host;
   * MS-CONMGMT guide §2.2: the SRV target's FQDN). Rejects with TransportError
   * "connect-failed" (refused, TLS failure, timeout) or "closed".
   */
  async open(server: Omit<Destination, "flowId">, serverName?: string): Promise<ClientFlow> {
    if (this.#closed) throw new TransportError("closed", "client connections closed");
    const dial = this.#dial(server, serverName ?? bareHost(server.host));
    this.#dialing.add(dial);
    let conn: Deno.Conn;
    try {
      conn = await dial;
    } finally {
      this.#dialing.delete(dial);
    }
    if (this.#closed) {
      conn.close();
      throw new TransportError("closed", "client connections closed");
    }
    const remoteAddr = conn.remoteAddr as Deno.NetAddr;
    const localAddr = conn.localAddr as Deno.NetAddr;
    const remote: Destination = {
      protocol: this.protocol,
      host: sipHost(remoteAddr.hostname),
      port: remoteAddr.port,
      flowId: `client-${this.protocol}-${++flowCounter}`,
    };
    const metrics = this.#inbound.metrics;
    const connection = new StreamConnection(
      conn,
      this.protocol,
      remote,
      this.#connOptions,
      this.#hooks,
      metrics,
    );
    const flow: ClientFlow = {
      remote,
      local: { host: sipHost(localAddr.hostname), port: localAddr.port },
    };
    this.#flows.set(remote.flowId!, {
      conn: connection,
      flow,
      lastSendAt: performance.now(),
      keepAliveMs: 0,
      keepAliveTimer: undefined,
    });
    metrics.connectionOpened(this.protocol);
    this.#armSweeper();
    connection.start();
    return flow;
  }

  /**
   * Sends on the connection named by `dest.flowId` (requests and responses alike: everything
   * to and from the outbound proxy rides the endpoint's own connection, MS-CONMGMT §4).
   */
  send(payload: AnySipMessage | Uint8Array, dest: Destination): Promise<void> {
    const entry = dest.flowId === undefined ? undefined : this.#flows.get(dest.flowId);
    if (entry === undefined || !entry.conn.open) {
      return Promise.reject(
        new TransportError("closed", `no open client connection ${dest.flowId ?? "(none)"}`),
      );
    }
    const bytes = payload instanceof Uint8Array ? payload : serializeMessage(payload);
    entry.lastSendAt = performance.now();
    const sent = entry.conn.send(bytes);
    this.#inbound.metrics.messageOut(this.protocol);
    return sent;
  }

  /**
   * MS-CONMGMT §3.4 / guide §3.3: from now on, write a double CRLF on the flow whenever nothing
   * was sent on it for `intervalMs`. Replaces an earlier interval; false when the flow is gone.
   */
  armKeepAlive(flowId: string, intervalMs: number): boolean {
    const entry = this.#flows.get(flowId);
    if (entry === undefined) return false;
    if (entry.keepAliveTimer !== undefined) this.#opts.wheel.cancel(entry.keepAliveTimer);
    entry.keepAliveMs = intervalMs;
    this.#scheduleKeepAlive(entry, intervalMs);
    return true;
  }

  /** MS-SIPCOMP switch-over: installs a byte filter on one flow (see StreamConnection). */
  setFlowFilter(flowId: string, filter: StreamFilter): boolean {
    const entry = this.#flows.get(flowId);
    if (entry === undefined || !entry.conn.open) return false;
    entry.conn.setFilter(filter);
    return true;
  }

  /** Gracefully closes one connection; false when there is no such connection. */
  async closeFlow(flowId: string): Promise<boolean> {
    const entry = this.#flows.get(flowId);
    if (entry === undefined) return false;
    await entry.conn.close();
    return true;
  }

  /** The flow's connection as it is: closed without flushing, as a network failure would. */
  abortFlow(flowId: string): boolean {
    const entry = this.#flows.get(flowId);
    if (entry === undefined) return false;
    void entry.conn.close("error");
    return true;
  }

  /** Closes every connection (flushing queued writes first). Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.allSettled([...this.#dialing]);
    await Promise.all([...this.#flows.values()].map((e) => e.conn.close()));
    this.#disarmSweeper();
  }

  async #dial(server: Omit<Destination, "flowId">, serverName: string): Promise<Deno.Conn> {
    const hostname = bareHost(server.host);
    const timeoutMs = this.#opts.connectTimeoutMs ?? 10_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connecting = (async () => {
      const tcp = await Deno.connect({ hostname, port: server.port });
      // Small SIP messages go out at once: Nagle's algorithm against the peer's delayed ACK
      // costs tens of ms per exchange (the TLS Finished and the first REGISTER especially).
      tcp.setNoDelay(true);
      if (this.protocol === "tcp") return tcp;
      const tls = await Deno.startTls(tcp, { hostname: serverName, caCerts: this.#opts.caCerts });
      try {
        // Handshake now: a certificate failure is a failed candidate (MS-CONMGMT guide §7).
        await tls.handshake();
      } catch (e) {
        tls.close();
        throw e;
      }
      return tls;
    })();
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no connection within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([connecting, expired]);
    } catch (e) {
      // A connection completing after the timeout is closed at once.
      connecting.then((late) => late.close(), () => {});
      throw new TransportError(
        "connect-failed",
        `${this.protocol} connection to ${server.host}:${server.port} failed`,
        { cause: e },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  #scheduleKeepAlive(entry: FlowEntry, delayMs: number) {
    entry.keepAliveTimer = this.#opts.wheel.schedule(delayMs, () => {
      entry.keepAliveTimer = undefined;
      if (!entry.conn.open || entry.keepAliveMs <= 0) return;
      const idle = performance.now() - entry.lastSendAt;
      if (idle >= entry.keepAliveMs) {
        // MS-CONMGMT guide §3.3: the ping is a bare double CRLF (RFC 5626 §4.4.1).
        entry.lastSendAt = performance.now();
        entry.conn.send(PING).catch(() => {});
        this.#scheduleKeepAlive(entry, entry.keepAliveMs);
      } else {
        this.#scheduleKeepAlive(entry, entry.keepAliveMs - idle);
      }
    });
  }

  /** StreamConnection checks its stalled-message timeout when ticked: once a second, all flows. */
  #armSweeper() {
    if (this.#sweeper !== undefined || this.#connOptions.incompleteMessageTimeoutMs <= 0) return;
    this.#sweeper = this.#opts.wheel.schedule(1000, () => {
      this.#sweeper = undefined;
      const now = performance.now();
      for (const entry of this.#flows.values()) entry.conn.tick(now);
      if (this.#flows.size > 0 && !this.#closed) this.#armSweeper();
    });
  }

  #disarmSweeper() {
    if (this.#sweeper === undefined) return;
    this.#opts.wheel.cancel(this.#sweeper);
    this.#sweeper = undefined;
  }

  #forget(conn: StreamConnection, reason: FlowCloseReason) {
    const entry = this.#flows.get(conn.flowId);
    if (entry?.conn !== conn) return;
    this.#flows.delete(conn.flowId);
    if (entry.keepAliveTimer !== undefined) this.#opts.wheel.cancel(entry.keepAliveTimer);
    if (this.#flows.size === 0) this.#disarmSweeper();
    try {
      this.#opts.events.onFlowClosed?.(conn.remote, reason);
    } catch (e) {
      this.#inbound.error(e, conn.remote);
    }
  }
}
