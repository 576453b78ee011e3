/**
 * The user agent core (RFC 3261 §8 UAC and UAS behaviour, with the §9, §12–§15 glue): the one
 * object an agent talks to. It owns a transaction layer and the dialogs, creates the
 * transports through the agent's factory (so that their inbound events come here), and:
 *
 * - sends requests with Via (sent-by, `rport` over UDP, RFC 3581), Max-Forwards and a branch
 *   (§8.1.1), following each response into dialogs (§12.1.2), acknowledging every 2xx
 *   outside any transaction (§13.2.2.4), cancelling on request (§9.1), and turning timeouts
 *   and transport failures into 408/503 (§8.1.3.1);
 * - answers by itself every request the agent should never see (see inbound.ts), and keeps
 *   the dialogs of answered INVITEs in step, retransmitting their 2xx until the ACK and
 *   ending the session with a BYE when none comes (§13.3.1.4);
 * - builds out-of-dialog requests (§8.1.1) and responses (§8.2.6) for the agent.
 *
 * Per call the core keeps a dialog, its usage and one link object; per request one record.
 *
 * @example
 * ```ts
 * const core = new UserAgentCore({
 *   createTransport: (events) => new TransportManager({ events }),
 *   handler: { onRequest: (tx, req) => core.respond(tx, core.createResponse(req, 200)) },
 * });
 * const local = await core.transport.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
 * core.start({ viaHost: local.host, viaPort: local.port, protocol: "UDP",
 *   contact: `sip:alice@${local.host}:${local.port}` });
 * ```
 *
 * @module
 */
import type { AnySipMessage, SipRequest, SipResponse } from "../message/message.ts";
import type { SipParseError } from "../message/parse_error.ts";
import {
  type ClientTransaction,
  type ClientTransactionHandlers,
  DEFAULT_TIMER_CONFIG,
  type Destination,
  type ServerTransaction,
  type TimerConfig,
  TransactionLayer,
  type TransactionMetricsSink,
} from "../transaction/mod.ts";
import { TimerWheel } from "../timer/mod.ts";
import type { TransportEvents } from "../transport/mod.ts";
import type { Dialog, DialogStore, InviteUsage } from "../dialog/mod.ts";
import type { OutgoingRequest, RequestCallbacks, UaHandler, UaProxyHooks } from "./handler.ts";
import { contactValue, type UaIdentity } from "./identity.ts";
import { InboundRouter } from "./inbound.ts";
import { DEFAULT_ALLOWED_METHODS, supportedMethodSet } from "./methods.ts";
import { NO_UA_METRICS, type UaMetricsSink } from "./metrics_sink.ts";
import { buildOutOfDialogRequest, type OutOfDialogRequestOptions } from "./request_builder.ts";
import {
  NO_CALLBACKS,
  type ResponseOptions,
  UaContext,
  type UaSettings,
  type UaTransport,
} from "./ua_context.ts";

/** Construction options of {@link UserAgentCore}. */
export interface UserAgentCoreOptions<T extends UaTransport> {
  /**
   * Makes the transport the core sends through, wired to `events` for everything it
   * receives — typically `(events) => new TransportManager({ events, metrics })`.
   */
  createTransport(events: TransportEvents): T;
  /** The agent. */
  handler: UaHandler;
  /** The shared timer wheel; by default the core makes (and `stop` stops) its own. */
  wheel?: TimerWheel;
  /** T1, T2, T4 (RFC 3261 Appendix A defaults) for transactions and dialogs. */
  timers?: Partial<TimerConfig>;
  metrics?: { transaction?: TransactionMetricsSink; ua?: UaMetricsSink };
  /** Methods the agent handles (§8.2.1); default INVITE, ACK, BYE, CANCEL, OPTIONS. */
  allowedMethods?: readonly string[];
  /** Option tags the agent understands (§8.2.2.3, §19.2); default none. */
  supportedExtensions?: readonly string[];
  /** Request-URI schemes served (§8.2.2.1); default sip and sips. */
  uriSchemes?: readonly string[];
  /**
   * Called just before the core sends a request it built itself — the ACK for a 2xx
   * (§13.2.2.4, each time it is sent), a CANCEL (§9.1), a dialog usage's BYE (§15.1.1) — with
   * Via and Max-Forwards in place: the agent's chance to add what the core cannot, e.g. an
   * MS-SIPAE signature (MS-SIP §3.1.4.2). Requests passed to `request` are the agent's own.
   */
  prepareRequest?(request: SipRequest, destination: Destination): void;
  /**
   * Called just before the core sends a response it built itself: its refusals (§8.2: 405,
   * 416, 420, 481, 482, 500...), 200 to BYE (§15.1.2) and CANCEL, 487 (§9.2), the stateless
   * answer to an unparseable request (`request` undefined). Responses passed to `respond` are
   * the agent's own.
   */
  prepareResponse?(
    response: SipResponse,
    request: SipRequest | undefined,
    destination: Destination,
  ): void;
}

/** The inbound events the core hands to its transport factory; one object per core. */
class CoreTransportEvents implements TransportEvents {
  constructor(
    readonly core: Pick<UserAgentCore, "receiveMessage" | "receiveParseError">,
  ) {}

  onMessage(msg: AnySipMessage, source: Destination): void {
    this.core.receiveMessage(msg, source);
  }

  onParseError(error: SipParseError, source: Destination): void {
    this.core.receiveParseError(error, source);
  }
}

/**
 * The user agent core; see the module documentation.
 *
 * @example
 * ```ts
 * const invite = core.createRequest("INVITE", { to: "sip:bob@127.0.0.1:5070", from: "sip:alice@lab" });
 * const call = core.request(invite, { protocol: "UDP", host: "127.0.0.1", port: 5070 }, {
 *   onFinal: (res, dialog) => { if (dialog) core.hangup(dialog); },
 * });
 * call.cancel(); // §9.1, once ringing
 * ```
 */
export class UserAgentCore<T extends UaTransport = UaTransport> {
  /** The transport made by `createTransport` (add and bind its sockets before `start`). */
  readonly transport: T;
  readonly #context: UaContext;
  readonly #inbound: InboundRouter;
  readonly #layer: TransactionLayer;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  #stopping: Promise<void> | undefined = undefined;

  constructor(options: UserAgentCoreOptions<T>) {
    this.#ownsWheel = options.wheel === undefined;
    this.#wheel = options.wheel ?? new TimerWheel();
    const timers = { ...DEFAULT_TIMER_CONFIG, ...options.timers };
    const methods = supportedMethodSet(options.allowedMethods ?? DEFAULT_ALLOWED_METHODS);
    const extensions = options.supportedExtensions ?? [];
    const settings: UaSettings = {
      allowed: methods,
      allowHeader: [...methods].join(", "),
      supported: new Set(extensions.map((tag) => tag.toLowerCase())),
      supportedHeader: extensions.join(", "),
      uriSchemes: (options.uriSchemes ?? ["sip", "sips"]).map((s) => s.toLowerCase()),
      t1: timers.t1,
      t2: timers.t2,
    };
    const handler = options.handler;
    // Inbound traffic can only arrive once the agent has bound the transport, after this
    // constructor returned; the events object reaches the router through the core.
    this.transport = options.createTransport(new CoreTransportEvents(this));
    this.#layer = new TransactionLayer({
      transport: this.transport,
      wheel: this.#wheel,
      timers,
      metrics: options.metrics?.transaction,
      onServerFailure: (tx, failure) => handler.onServerFailure?.(tx, failure),
    });
    this.#context = new UaContext(
      this.#layer,
      this.transport,
      this.#wheel,
      settings,
      handler,
      options.metrics?.ua ?? NO_UA_METRICS,
      { prepareRequest: options.prepareRequest, prepareResponse: options.prepareResponse },
    );
    this.#inbound = new InboundRouter(this.#context);
  }

  /**
   * Starts serving with `identity` (the addresses the transport is bound to). Until then
   * inbound messages are ignored and nothing can be sent.
   */
  start(identity: UaIdentity): void {
    if (this.#context.stopped) throw new Error("UserAgentCore is stopped");
    if (this.#context.identity !== undefined) throw new Error("UserAgentCore already started");
    this.#context.identity = { ...identity };
  }

  /** The identity given to `start`. */
  get identity(): UaIdentity | undefined {
    return this.#context.identity;
  }

  /** The dialogs this UA holds (INVITE dialogs are added by the core; others by the agent). */
  get dialogs(): DialogStore {
    return this.#context.dialogs;
  }

  /** The Allow header value (§20.5) of this UA. */
  get allow(): string {
    return this.#context.settings.allowHeader;
  }

  /** Live transactions (both sides). */
  get transactions(): number {
    return this.#layer.size;
  }

  /**
   * Sends `request` in a client transaction to `destination` — by default its next hop
   * (§8.1.2: Route or Request-URI when it is an IP address, else its dialog's peer). Adds Via
   * and Max-Forwards when absent. ACKs for 2xx are the core's (§13.2.2.4) and CANCELs go
   * through {@link OutgoingRequest.cancel} (§9.1): neither is sent here.
   */
  request(
    request: SipRequest,
    destination?: Destination,
    callbacks: RequestCallbacks = NO_CALLBACKS,
  ): OutgoingRequest {
    if (request.method === "ACK" || request.method === "CANCEL") {
      throw new Error(`${request.method} is sent by the core (§13.2.2.4) or by cancel() (§9.1)`);
    }
    const context = this.#context;
    return context.sendRequest(
      request,
      destination ?? context.destinationFor(request),
      callbacks,
    );
  }

  /**
   * A request outside any dialog (§8.1.1): new Call-ID, From tag, CSeq 1, Max-Forwards 70,
   * Contact for INVITE / SUBSCRIBE / REFER / REGISTER, Allow for INVITE and OPTIONS,
   * Supported when extensions are configured. Via is added when it is sent.
   */
  createRequest(method: string, opts: OutOfDialogRequestOptions): SipRequest {
    const context = this.#context;
    return buildOutOfDialogRequest(method, opts, {
      contact: contactValue(context.requireIdentity()),
      allow: context.settings.allowHeader,
      supported: context.settings.supportedHeader,
    });
  }

  /**
   * A response to `request` (§8.2.6): Via, From, Call-ID, CSeq and To copied; a To tag when
   * the request had none and `status` > 100 (the same for every response to one INVITE);
   * Record-Route and Contact on 1xx/2xx to dialog-creating requests (§12.1.1); Allow and
   * Supported on 2xx to INVITE and OPTIONS. `reason` defaults to the RFC's phrase.
   */
  createResponse(
    request: SipRequest,
    status: number,
    reason?: string,
    opts?: ResponseOptions,
  ): SipResponse {
    return this.#context.createResponse(request, status, reason, opts);
  }

  /**
   * Answers a request the handler received. For an INVITE this keeps its dialog in step
   * (§12.1.1: a 1xx with To tag creates it, a 2xx confirms it and is retransmitted until the
   * ACK, §13.3.1.4; a failure ends it). False when the transaction discards the response.
   */
  respond(tx: ServerTransaction, response: SipResponse): boolean {
    return this.#context.respond(tx, response);
  }

  /**
   * Ends an INVITE dialog with BYE (§15.1.1), deferred on the UAS until the 2xx is
   * acknowledged (§15). False when nothing can be done now (early dialog: cancel the INVITE
   * instead; no INVITE dialog; already ending).
   */
  hangup(dialog: Dialog): boolean {
    if (this.#context.stopped) return false;
    return this.#context.links.get(dialog)?.usage.hangup() ?? false;
  }

  /** The INVITE usage of `dialog` (re-INVITE with `createReinvite`, chart state), if any. */
  usageOf(dialog: Dialog): InviteUsage | undefined {
    return this.#context.links.get(dialog)?.usage;
  }

  /**
   * Makes this core a proxy's too (RFC 3261 §16): traffic of dialogs that are not this UA's
   * own goes to `proxy` instead of being answered 481 or dropped (see {@link UaProxyHooks}).
   */
  attachProxy(proxy: UaProxyHooks): void {
    if (this.#context.proxy !== undefined) throw new Error("a proxy is attached already");
    this.#context.proxy = proxy;
  }

  /**
   * Sends `request` exactly as given in a new client transaction whose responses go to
   * `handlers` alone — no Via, Max-Forwards, dialog or ACK of the core's. A proxy forwards a
   * branch this way (§16.6 step 10), its own Via and branch on top.
   */
  sendInTransaction(
    request: SipRequest,
    destination: Destination,
    handlers: ClientTransactionHandlers,
  ): ClientTransaction {
    if (this.#context.stopped) throw new Error("UserAgentCore is stopped");
    return this.#layer.sendRequest(request, destination, handlers);
  }

  /**
   * Hands a message to the transport outside any transaction (best effort): a proxy's
   * forwarded ACK for a 2xx and responses it forwards statelessly (§16.7, §16.11).
   */
  sendStateless(message: SipRequest | SipResponse, destination: Destination): void {
    this.#context.sendDirect(message, destination);
  }

  /** Inbound entry for a parsed message (the transport's `onMessage`). */
  receiveMessage(msg: AnySipMessage, source: Destination): void {
    if (msg.kind === "request") this.#inbound.request(msg, source);
    else this.#inbound.response(msg, source);
  }

  /** Inbound entry for a parse failure (the transport's `onParseError`). */
  receiveParseError(error: SipParseError, source: Destination): void {
    this.#inbound.parseError(error, source);
  }

  /**
   * Stops the core: transactions and housekeeping end without telling anyone, dialogs are
   * dropped, the transport is closed, and a wheel the core made itself is stopped. Timers of
   * dialogs still armed on a shared wheel fire into nothing.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const context = this.#context;
    context.stop();
    this.#layer.stop();
    context.links.clear();
    await this.transport.close?.();
    if (this.#ownsWheel) this.#wheel.stop();
  }
}
