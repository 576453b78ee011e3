/**
 * The transaction layer (RFC 3261 §17): creates client and server transactions, matches
 * incoming messages to them (§17.1.3, §17.2.3, §9.2), and runs each through its state chart on
 * the hot-path executor. Transactions are compact records; every timer lives on one shared
 * TimerWheel.
 *
 * How the layer talks to its TU (the UA core, a proxy core, a dialog layer):
 * - Client side: `sendRequest(req, dest, handlers)` starts a client transaction; responses,
 *   timeouts and transport errors come back through the handlers.
 * - Server side: the transport hands every request to `receiveRequest`, whose return value
 *   says what became of it: a new `ServerTransaction` the TU must answer through `respond`
 *   (for a CANCEL, `cancels` names the transaction it cancels), "absorbed" (a retransmission
 *   or an ACK the transaction consumed, or a CANCEL the layer answered with 481 itself), or
 *   "ack-to-core" (an ACK the core/dialog layer must process: the ACK for a 2xx, RFC 6026).
 *   Failures after the TU answered (Timer H, transport errors) go to `onServerFailure`.
 * - Responses go to `receiveResponse`, which returns false when no client transaction takes
 *   the response (a stray response: the core decides; RFC 6026 §7.2 has a UAC drop it).
 *
 * @example
 * ```ts
 * const layer = new TransactionLayer({ transport });
 * layer.sendRequest(options, dest, {
 *   onFinal: (res) => console.log(res.status),
 *   onTimeout: () => console.log("408"),
 *   onTransportError: () => console.log("503"),
 * });
 * const outcome = layer.receiveRequest(incoming, source);
 * if (typeof outcome === "object") outcome.respond(okResponseFor(outcome.request)); // the TU's own
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../message/message.ts";
import { TimerWheel } from "../timer/mod.ts";
import { ChartExecutor } from "../../statechart/mod.ts";
import type { Destination } from "./destination.ts";
import type { ClientTransactionEvent, ServerTransactionEvent } from "./events.ts";
import { inviteClientChart } from "./invite_client_chart.ts";
import { inviteServerChart } from "./invite_server_chart.ts";
import { buildLocalResponse } from "./local_response.ts";
import {
  clientKey,
  clientKeyOfResponse,
  hasMagicCookie,
  legacyBucketKey,
  legacyCancelMatches,
  legacyRequestMatches,
  MAGIC_COOKIE,
  serverBranchKey,
  transactionMethod,
} from "./matching.ts";
import { NO_TRANSACTION_METRICS, type TransactionMetricsSink } from "./metrics_sink.ts";
import { nonInviteClientChart } from "./non_invite_client_chart.ts";
import { nonInviteServerChart } from "./non_invite_server_chart.ts";
import { DEFAULT_TIMER_CONFIG, type TimerConfig } from "./timer_values.ts";
import {
  type ClientTransaction,
  type ClientTransactionHandlers,
  ClientTransactionRecord,
  type ServerFailure,
  type ServerTransaction,
  ServerTransactionRecord,
  type TransactionHost,
  type TransactionRecord,
} from "./transaction.ts";
import type { TransactionTransport } from "./transaction_transport.ts";
import { callTU } from "./tu_call.ts";

/** Construction options of {@link TransactionLayer}. */
export interface TransactionLayerOptions {
  transport: TransactionTransport;
  /** The shared scheduler; by default the layer makes (and on `stop` stops) its own. */
  wheel?: TimerWheel;
  /** T1, T2, T4 and the 100 (Trying) delay; RFC 3261 Appendix A defaults. */
  timers?: Partial<TimerConfig>;
  metrics?: TransactionMetricsSink;
  /** Server transaction failures after the TU answered: Timer H (§17.2.1), transport (§17.2.4). */
  onServerFailure?: (tx: ServerTransaction, failure: ServerFailure) => void;
}

/** What `receiveRequest` did with a request (see the module documentation). */
export type RequestOutcome = ServerTransaction | "absorbed" | "ack-to-core";

/** Prefix of the keys of RFC 2543 (no magic cookie) server transactions. */
const LEGACY_KEY_PREFIX = "2543 ";

/** 8 random bytes as hex: makes this layer's branches and tags unique across space. */
function randomPrefix(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The transaction layer; see the module documentation for the TU contract.
 *
 * @example
 * ```ts
 * const layer = new TransactionLayer({ transport, wheel: sharedWheel, timers: { t1: 250 } });
 * layer.size; // live transactions
 * layer.stop();
 * ```
 */
export class TransactionLayer {
  readonly #transport: TransactionTransport;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #metrics: TransactionMetricsSink;
  readonly #onServerFailure: ((tx: ServerTransaction, failure: ServerFailure) => void) | undefined;
  readonly #clients = new Map<string, ClientTransactionRecord>();
  readonly #servers = new Map<string, ServerTransactionRecord>();
  readonly #legacyServers = new Map<string, ServerTransactionRecord[]>();
  #legacyCount = 0;
  readonly #idPrefix = randomPrefix();
  #idCounter = 0;
  #ackPassedUp = false;
  #stopped = false;

  readonly #inviteClient = new ChartExecutor<ClientTransactionRecord, ClientTransactionEvent>(
    inviteClientChart,
  );
  readonly #nonInviteClient = new ChartExecutor<ClientTransactionRecord, ClientTransactionEvent>(
    nonInviteClientChart,
  );
  readonly #inviteServer = new ChartExecutor<ServerTransactionRecord, ServerTransactionEvent>(
    inviteServerChart,
  );
  readonly #nonInviteServer = new ChartExecutor<ServerTransactionRecord, ServerTransactionEvent>(
    nonInviteServerChart,
  );
  readonly #host: TransactionHost;

  constructor(options: TransactionLayerOptions) {
    this.#transport = options.transport;
    this.#ownsWheel = options.wheel === undefined;
    this.#wheel = options.wheel ?? new TimerWheel();
    this.#metrics = options.metrics ?? NO_TRANSACTION_METRICS;
    this.#onServerFailure = options.onServerFailure;
    const timers = Object.freeze({ ...DEFAULT_TIMER_CONFIG, ...options.timers });
    this.#host = {
      wheel: this.#wheel,
      timers,
      metrics: this.#metrics,
      transmit: (tx, msg, dest) => this.#transmit(tx, msg, dest),
      remove: (tx) => this.#remove(tx),
      passAckToTU: () => {
        this.#ackPassedUp = true;
      },
      serverFailure: (tx, failure) => callTU(() => this.#onServerFailure?.(tx, failure)),
    };
  }

  /** Live transactions, both sides. */
  get size(): number {
    return this.#clients.size + this.#servers.size + this.#legacyCount;
  }

  /**
   * Starts a client transaction for `request` (§17.1): INVITE → §17.1.1, anything else but ACK
   * → §17.1.2. When the top Via has no branch, a unique one ("z9hG4bK" + random + counter,
   * §8.1.1.7) is added to it. The request goes to the transport at once.
   */
  sendRequest(
    request: SipRequest,
    destination: Destination,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    if (this.#stopped) throw new Error("TransactionLayer is stopped");
    // §17: an ACK is not a transaction of its own; the ACK for a non-2xx is the client
    // transaction's, the ACK for a 2xx goes straight to the transport (§13.2.2.4).
    if (request.method === "ACK") throw new Error("ACK is sent without a client transaction");
    const branch = request.vias[0]?.branch ?? this.#addBranch(request);
    const key = clientKey(branch, request.method);
    if (this.#clients.has(key)) {
      throw new Error(`a client transaction for ${request.method} ${branch} already exists`);
    }
    const executor = request.method === "INVITE" ? this.#inviteClient : this.#nonInviteClient;
    const tx = new ClientTransactionRecord(
      this.#host,
      request,
      this.#transport.reliable(destination),
      executor,
      branch,
      destination,
      handlers,
    );
    tx.key = key;
    this.#clients.set(key, tx);
    executor.start(tx);
    return tx;
  }

  /**
   * Offers a received response to the client transactions (§17.1.3). Returns false when none
   * matches; the caller then hands the response to the core. `_source` (where it came from) is
   * not part of matching.
   */
  receiveResponse(response: SipResponse, _source?: Destination): boolean {
    if (this.#stopped) return false;
    const key = clientKeyOfResponse(response);
    const tx = key === undefined ? undefined : this.#clients.get(key);
    if (!tx) return false;
    const status = response.status;
    let event: ClientTransactionEvent;
    if (status < 200) event = { type: "PROVISIONAL", response };
    else if (tx.method !== "INVITE") event = { type: "FINAL", response };
    else if (status < 300) event = { type: "FINAL_2XX", response };
    else event = { type: "FINAL_NON2XX", response };
    tx.dispatch(event);
    return true;
  }

  /**
   * Offers a received request to the server transactions (§17.2.3) and creates one when it
   * starts a new transaction; see {@link RequestOutcome} and the module documentation.
   */
  receiveRequest(request: SipRequest, source: Destination): RequestOutcome {
    if (this.#stopped) throw new Error("TransactionLayer is stopped");
    // §17.2.3: branch + sent-by, computed once for matching, CANCEL targets and filing.
    const via = request.topVia;
    const base = hasMagicCookie(via.branch) ? serverBranchKey(via.branch, via) : undefined;
    const existing = this.#matchServer(request, base);
    if (request.method === "ACK") {
      // §17.2.3: an ACK matches the INVITE transaction it acknowledges. Unmatched, it is the
      // ACK for a 2xx, which is the core's (§17.2.1, RFC 6026 §8.7). A matched ACK goes to the
      // core when the chart's passAckToTU action runs (Accepted state). (Were this called from
      // inside that same transaction's own action, the ACK would be queued and reported as
      // absorbed; TUs receive requests from the transport, not from transaction callbacks.)
      if (!existing) return "ack-to-core";
      this.#ackPassedUp = false;
      existing.dispatch({ type: "ACK", request });
      return this.#ackPassedUp ? "ack-to-core" : "absorbed";
    }
    if (existing) {
      // §17.2.1, §17.2.2: a retransmission is absorbed by its server transaction.
      existing.dispatch({ type: "REQUEST", request });
      return "absorbed";
    }
    const executor = request.method === "INVITE" ? this.#inviteServer : this.#nonInviteServer;
    const tx = new ServerTransactionRecord(
      this.#host,
      request,
      this.#transport.reliable(source),
      executor,
      source,
    );
    this.#fileServer(tx, base);
    executor.start(tx);
    if (request.method === "CANCEL") {
      tx.cancels = this.#cancelTarget(request, base);
      if (!tx.cancels) {
        // §9.2: "If the UAS did not find a matching transaction for the CANCEL ..., it SHOULD
        // respond to the CANCEL with a 481 (Call Leg/Transaction Does Not Exist)."
        tx.respond(
          buildLocalResponse(request, 481, "Call/Transaction Does Not Exist", this.#newId()),
        );
        return "absorbed";
      }
    }
    return tx;
  }

  /**
   * Ends the layer: every timer of its transactions is cancelled and the transactions are
   * dropped without telling the TU. A wheel the layer made itself is stopped too.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const all: TransactionRecord[] = [...this.#clients.values(), ...this.#servers.values()];
    for (const bucket of this.#legacyServers.values()) all.push(...bucket);
    for (const tx of all) {
      for (const handle of [tx.retransmitTimer, tx.timeoutTimer, tx.stateTimer]) {
        if (handle) this.#wheel.cancel(handle);
      }
    }
    this.#clients.clear();
    this.#servers.clear();
    this.#legacyServers.clear();
    this.#legacyCount = 0;
    if (this.#ownsWheel) this.#wheel.stop();
  }

  #newId(): string {
    return `${this.#idPrefix}${(++this.#idCounter).toString(36)}`;
  }

  /** §8.1.1.7: adds a fresh branch to the top Via value and returns it. */
  #addBranch(request: SipRequest): string {
    const field = request.header("via");
    if (field === undefined) {
      throw new Error("the request has no Via: the core adds it with its sent-by (§8.1.1.7)");
    }
    const branch = MAGIC_COOKIE + this.#newId();
    const comma = field.indexOf(",");
    const patched = comma < 0
      ? `${field};branch=${branch}`
      : `${field.slice(0, comma)};branch=${branch}${field.slice(comma)}`;
    request.removeFirstHeader("via");
    request.prependHeader("Via", patched);
    return branch;
  }

  /**
   * §17.2.3: the server transaction a request (or ACK, or CANCEL) belongs to. `base` is the
   * request's branch + sent-by key (undefined without the magic cookie).
   */
  #matchServer(request: SipRequest, base: string | undefined): ServerTransactionRecord | undefined {
    if (base !== undefined) {
      if (request.method === "CANCEL") return this.#servers.get(`${base} CANCEL`);
      const method = transactionMethod(request);
      const tx = this.#servers.get(base);
      if (tx && tx.method === method) return tx;
      return this.#servers.get(`${base} ${method}`);
    }
    // §17.2.3: RFC 2543 fallback.
    const bucket = this.#legacyServers.get(legacyBucketKey(request));
    return bucket?.find((tx) => legacyRequestMatches(tx.request, request, tx.lastResponse?.to.tag));
  }

  /** §9.2: the transaction a CANCEL cancels — any method but CANCEL and ACK. */
  #cancelTarget(cancel: SipRequest, base: string | undefined): ServerTransactionRecord | undefined {
    if (base !== undefined) return this.#servers.get(base);
    const bucket = this.#legacyServers.get(legacyBucketKey(cancel));
    return bucket?.find((tx) => legacyCancelMatches(tx.request, cancel));
  }

  /**
   * Files a new server transaction. Magic-cookie transactions are keyed by branch + sent-by
   * (CANCEL with its own suffix, §9.2; a second method reusing a branch with its method);
   * RFC 2543 ones go to a Call-ID + CSeq bucket.
   */
  #fileServer(tx: ServerTransactionRecord, base: string | undefined): void {
    if (base !== undefined) {
      let key = base;
      if (tx.method === "CANCEL" || this.#servers.has(base)) key = `${base} ${tx.method}`;
      tx.key = key;
      this.#servers.set(key, tx);
      return;
    }
    const bucketKey = legacyBucketKey(tx.request);
    tx.key = LEGACY_KEY_PREFIX + bucketKey;
    const bucket = this.#legacyServers.get(bucketKey);
    if (bucket) bucket.push(tx);
    else this.#legacyServers.set(bucketKey, [tx]);
    this.#legacyCount++;
  }

  #remove(tx: TransactionRecord): void {
    if (tx instanceof ClientTransactionRecord) {
      if (this.#clients.get(tx.key) === tx) this.#clients.delete(tx.key);
      return;
    }
    if (!tx.key.startsWith(LEGACY_KEY_PREFIX)) {
      if (this.#servers.get(tx.key) === tx) this.#servers.delete(tx.key);
      return;
    }
    const bucketKey = tx.key.slice(LEGACY_KEY_PREFIX.length);
    const bucket = this.#legacyServers.get(bucketKey);
    const at = bucket?.indexOf(tx as ServerTransactionRecord) ?? -1;
    if (!bucket || at < 0) return;
    bucket.splice(at, 1);
    if (bucket.length === 0) this.#legacyServers.delete(bucketKey);
    this.#legacyCount--;
  }

  /** Hands a message to the transport; a rejection (or throw) becomes a transport error. */
  #transmit(tx: TransactionRecord, msg: SipRequest | SipResponse, dest: Destination): void {
    let sending: Promise<void>;
    try {
      sending = this.#transport.send(msg, dest);
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(undefined, (error: unknown) => this.#transportFailed(tx, error));
  }

  #transportFailed(tx: TransactionRecord, error: unknown): void {
    if (this.#stopped) return;
    if (tx.state !== "Terminated") {
      tx.dispatch({ type: "TRANSPORT_ERROR", error });
      return;
    }
    // Over reliable transports a transaction may end as soon as its last message is handed
    // over (Timers D, I, J, K are zero). A failure reported after that still reaches the TU
    // (§17.1.1.2, §17.2.4), unless the transaction already reported one.
    if (tx.failureReported) return;
    tx.failureReported = true;
    this.#metrics.transportError(tx.method);
    if (tx instanceof ClientTransactionRecord) {
      callTU(() => tx.handlers.onTransportError(error, tx));
    } else {
      const server = tx as ServerTransactionRecord;
      callTU(() => this.#onServerFailure?.(server, { kind: "transport-error", error }));
    }
  }
}
