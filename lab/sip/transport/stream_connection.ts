/**
 * One SIP connection over a byte stream (TCP or TLS): reads are framed by the message layer's
 * StreamParser (RFC 3261 §18.3 Content-Length framing), writes go through a coalescing
 * {@link WriteQueue}, RFC 5626 §3.5.1 / §4.4.1 CRLF keep-alives are answered (and, on flows this
 * side opened, sent), and timeouts close connections that stall, idle or lose their pongs.
 *
 * Closing is graceful unless the stream is unusable: queued writes are flushed, the write side
 * is shut (TCP FIN, TLS close_notify), the peer's end-of-stream is awaited for a bounded time,
 * then the socket is closed.
 *
 * A {@link StreamFilter} may be installed once, at a message boundary: from then on every
 * octet written (messages and keep-alives) is encoded by it and every octet read is decoded by
 * it before framing.
 *
 * @module
 */
import type { AnySipMessage } from "../message/message.ts";
import type { SipParseError } from "../message/parse_error.ts";
import type { ParseOptions } from "../message/parser.ts";
import { StreamParser } from "../message/stream.ts";
import type { Destination, TransportProtocol } from "./destination.ts";
import type { TransportMetricsSink } from "./metrics.ts";
import { TransportError } from "./transport_error.ts";
import type { StreamFilter } from "./stream_filter.ts";
import type { FlowCloseReason } from "./transport.ts";
import { WriteQueue } from "./write_queue.ts";
import { boundedWait } from "./bounded_wait.ts";

/** RFC 5626 §4.4.1 client keep-alives on a flow. */
export interface KeepAliveOptions {
  /**
   * Nominal interval between pings; each wait is drawn between 80% and 100% of it (§4.4.1).
   * RFC 5626 recommends 95–120 s for TCP/TLS (§4.4.1, or the Flow-Timer value).
   */
  intervalMs: number;
  /** §4.4.1: a flow whose pong has not come back within 10 s has failed. Default 10000. */
  pongTimeoutMs?: number;
}

/** Limits and timers of one connection. */
export interface StreamConnectionOptions {
  maxMessageSize: number;
  parse?: Omit<ParseOptions, "maxSize">;
  readBufferSize: number;
  maxQueuedBytes: number;
  /** Bound on each wait of a graceful close (draining writes, then the peer's FIN). */
  lingerMs: number;
  /** Close when a message stays incomplete this long (0 = never). */
  incompleteMessageTimeoutMs: number;
  /** Close when nothing was read or written this long (0 = never). */
  idleTimeoutMs: number;
  /** Send pings (the transport sets this on flows it opened, when configured). */
  keepAlive?: KeepAliveOptions;
}

/** What a connection reports to its transport. */
export interface StreamConnectionHooks {
  message(conn: StreamConnection, msg: AnySipMessage, bytes: number): void;
  parseFailure(conn: StreamConnection, err: SipParseError): void;
  /** An unexpected socket error (not a reset by the peer). */
  error(conn: StreamConnection, err: unknown): void;
  closed(conn: StreamConnection, reason: FlowCloseReason): void;
}

const CRLF = new Uint8Array([0x0d, 0x0a]);
const CRLFCRLF = new Uint8Array([0x0d, 0x0a, 0x0d, 0x0a]);
const DEFAULT_PONG_TIMEOUT_MS = 10_000;

/**
 * Thrown through the StreamParser (which keeps the octets it has not consumed) to stop it right
 * after the message during whose delivery a filter was installed.
 */
class FilterInstalled extends Error {}

/** Errors that just mean the peer went away. */
function isPeerGone(e: unknown): boolean {
  return e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.BrokenPipe ||
    e instanceof Deno.errors.UnexpectedEof || e instanceof Deno.errors.ConnectionAborted;
}

/**
 * A framed SIP connection. Created by a stream transport, which calls `tick` periodically.
 *
 * @example
 * ```ts
 * const c = new StreamConnection(conn, "tcp", remote, options, hooks, metrics);
 * c.start();
 * await c.send(serializeMessage(request));
 * await c.close();
 * ```
 */
export class StreamConnection {
  /** The peer, with this connection's flowId. */
  readonly remote: Destination;
  readonly #conn: Deno.Conn;
  readonly #protocol: TransportProtocol;
  readonly #opts: StreamConnectionOptions;
  readonly #hooks: StreamConnectionHooks;
  readonly #metrics: TransportMetricsSink;
  #parser: StreamParser;
  readonly #queue: WriteQueue;
  #filter: StreamFilter | undefined;
  #state: "open" | "closing" = "open";
  #readLoop: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;
  #peerEnded = false;
  #lastActivity = performance.now();
  #incompleteSince: number | undefined;
  #nextPingAt = Infinity;
  #awaitingPongSince: number | undefined;

  constructor(
    conn: Deno.Conn,
    protocol: TransportProtocol,
    remote: Destination,
    opts: StreamConnectionOptions,
    hooks: StreamConnectionHooks,
    metrics: TransportMetricsSink,
  ) {
    this.#conn = conn;
    this.#protocol = protocol;
    this.remote = remote;
    this.#opts = opts;
    this.#hooks = hooks;
    this.#metrics = metrics;
    this.#queue = new WriteQueue(conn, {
      maxQueuedBytes: opts.maxQueuedBytes,
      onWritten: (n) => metrics.bytesOut(protocol, n),
    });
    this.#parser = this.#newParser();
    if (opts.keepAlive) this.#nextPingAt = this.#lastActivity + jitter(opts.keepAlive.intervalMs);
  }

  /** The flow id (set by the transport in `remote`). */
  get flowId(): string {
    return this.remote.flowId!;
  }

  /** True until a close began; a closing connection accepts no more sends. */
  get open(): boolean {
    return this.#state === "open";
  }

  /** Starts reading. */
  start(): void {
    this.#readLoop = this.#read();
  }

  /**
   * Queues one message's octets (coalesced with others); see {@link WriteQueue.enqueue}. The
   * octets are queued — through the filter, if one is installed — before this returns.
   */
  send(bytes: Uint8Array): Promise<void> {
    if (this.#state !== "open") {
      return Promise.reject(new TransportError("closed", `connection ${this.flowId} closed`));
    }
    let wire: Uint8Array;
    try {
      wire = this.#encode(bytes);
    } catch (e) {
      return Promise.reject(
        new TransportError("closed", `connection ${this.flowId} filter failed`, { cause: e }),
      );
    }
    this.#lastActivity = performance.now();
    return this.#queue.enqueue(wire);
  }

  /**
   * Installs `filter` at the current message boundary. Outbound: octets of sends made from now
   * on are encoded (those of earlier sends are already queued as they were). Inbound: called
   * while this connection delivers a message (from `onMessage`), the filter decodes every
   * octet after that message, including the rest of the same read; called at any other time,
   * it decodes the octets read from now on. Throws when the flow already has a filter.
   */
  setFilter(filter: StreamFilter): void {
    if (this.#filter !== undefined) throw new Error(`flow ${this.flowId} already has a filter`);
    this.#filter = filter;
  }

  /** Graceful close: flush queued writes, shut the write side, await the peer, close. */
  close(reason: FlowCloseReason = "local"): Promise<void> {
    return this.#shutdown(reason, true);
  }

  /**
   * Checks the connection's timers at `now` (performance.now() time): stalled message
   * (RFC 4475 §3.1.2.2-style), idleness, RFC 5626 §4.4.1 ping due or pong overdue.
   */
  tick(now: number): void {
    if (this.#state !== "open") return;
    const o = this.#opts;
    if (
      o.incompleteMessageTimeoutMs > 0 && this.#incompleteSince !== undefined &&
      now - this.#incompleteSince >= o.incompleteMessageTimeoutMs
    ) {
      void this.#shutdown("incomplete-message", false);
      return;
    }
    if (o.idleTimeoutMs > 0 && now - this.#lastActivity >= o.idleTimeoutMs) {
      void this.close("idle");
      return;
    }
    const keepAlive = o.keepAlive;
    if (keepAlive === undefined) return;
    if (this.#awaitingPongSince !== undefined) {
      // RFC 5626 §4.4.1: no pong within 10 seconds → the flow has failed.
      if (now - this.#awaitingPongSince >= (keepAlive.pongTimeoutMs ?? DEFAULT_PONG_TIMEOUT_MS)) {
        void this.#shutdown("keep-alive", false);
      }
    } else if (now >= this.#nextPingAt) {
      // RFC 5626 §4.4.1: the ping is a double CRLF; the next one after a fresh random wait.
      this.#awaitingPongSince = now;
      this.#nextPingAt = now + jitter(keepAlive.intervalMs);
      this.#write(CRLFCRLF);
    }
  }

  /** Internal writes (pongs, pings): their failure surfaces through the read side. */
  #write(bytes: Uint8Array) {
    let wire: Uint8Array;
    try {
      wire = this.#encode(bytes);
    } catch (e) {
      this.#filterFailed(e);
      return;
    }
    this.#lastActivity = performance.now();
    this.#queue.enqueue(wire).catch(() => {});
  }

  #encode(bytes: Uint8Array): Uint8Array {
    return this.#filter === undefined ? bytes : this.#filter.encode(bytes);
  }

  #newParser(): StreamParser {
    return new StreamParser({
      ...this.#opts.parse,
      maxSize: this.#opts.maxMessageSize,
      onMessage: (msg, bytes) => {
        const unfiltered = this.#filter === undefined;
        this.#hooks.message(this, msg, bytes);
        if (unfiltered && this.#filter !== undefined) throw new FilterInstalled();
      },
      onError: (err, fatal) => this.#onParseError(err, fatal),
      onKeepAlive: (kind) => this.#onKeepAlive(kind),
    });
  }

  /** One read's octets: framed as they are, or decoded by the filter first. */
  #receive(chunk: Uint8Array) {
    let wire = chunk;
    if (this.#filter === undefined) {
      try {
        this.#parser.push(chunk);
        return;
      } catch (e) {
        if (!(e instanceof FilterInstalled)) throw e;
        // The message just delivered completed within this read, so the octets the parser
        // kept after it are the tail of this chunk; they belong to the filter, and the parser
        // (holding them raw) is replaced.
        wire = chunk.subarray(chunk.length - this.#parser.pendingBytes);
        this.#parser = this.#newParser();
        if (wire.length === 0) return;
      }
    }
    let plain: Uint8Array[];
    try {
      plain = this.#filter!.decode(wire);
    } catch (e) {
      this.#filterFailed(e);
      return;
    }
    for (const bytes of plain) this.#parser.push(bytes);
  }

  /** A filter that threw cannot be trusted with the stream any more. */
  #filterFailed(err: unknown) {
    if (this.#state !== "open") return;
    this.#hooks.error(this, err);
    void this.#shutdown("filter", false);
  }

  async #read(): Promise<void> {
    const buf = new Uint8Array(this.#opts.readBufferSize);
    let reason: FlowCloseReason = "peer";
    try {
      for (;;) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        if (this.#state !== "open") continue; // closing: wait for the peer's end only
        const now = performance.now();
        this.#lastActivity = now;
        this.#metrics.bytesIn(this.#protocol, n);
        this.#receive(buf.subarray(0, n));
        if (this.#parser.pendingBytes + (this.#filter?.pendingBytes ?? 0) > 0) {
          this.#incompleteSince ??= now;
        } else {
          this.#incompleteSince = undefined;
        }
      }
    } catch (e) {
      if (this.#state !== "open") return; // our own close interrupted the read
      if (!isPeerGone(e)) {
        reason = "error";
        this.#hooks.error(this, e);
      }
      this.#peerEnded = true;
      void this.#shutdown(reason, false);
      return;
    }
    this.#peerEnded = true;
    // The peer shut its write side: flush what we still owe it, then close (§18.3 framing is
    // over for this connection).
    void this.#shutdown("peer", true);
  }

  #onParseError(err: SipParseError, fatal: boolean) {
    this.#hooks.parseFailure(this, err);
    // StreamParser: a fatal error means the framing is lost; the connection must go. Graceful,
    // so that an answer queued by the parse-error handler (400 / 513) is still flushed.
    if (fatal) void this.#shutdown("framing", true);
  }

  #onKeepAlive(kind: "ping" | "pong") {
    if (kind === "ping") {
      // RFC 5626 §4.4.1: a double CRLF is answered at once with a single CRLF on the same flow.
      this.#write(CRLF);
    } else {
      this.#awaitingPongSince = undefined;
    }
  }

  #shutdown(reason: FlowCloseReason, graceful: boolean): Promise<void> {
    this.#closing ??= this.#finish(reason, graceful);
    return this.#closing;
  }

  async #finish(reason: FlowCloseReason, graceful: boolean): Promise<void> {
    this.#state = "closing";
    if (graceful) {
      await boundedWait(this.#queue.drain(), this.#opts.lingerMs);
      if (!this.#peerEnded) {
        try {
          await this.#conn.closeWrite();
          await boundedWait(this.#readLoop, this.#opts.lingerMs);
        } catch {
          // Already reset by the peer: nothing left to shut gracefully.
        }
      }
    }
    this.#queue.fail(new TransportError("closed", `connection ${this.flowId} closed`));
    try {
      this.#conn.close();
    } catch {
      // Closed already.
    }
    await this.#readLoop;
    await this.#queue.drain();
    this.#metrics.connectionClosed(this.#protocol);
    this.#hooks.closed(this, reason);
  }
}

/** RFC 5626 §4.4.1: each keep-alive wait is a random value between 80% and 100% of the interval. */
function jitter(intervalMs: number): number {
  return intervalMs * (0.8 + 0.2 * Math.random());
}
