/**
 * One simulated Lync endpoint: the record the sign-in chart ({@link signInChart}) runs on, and
 * the implementations of the chart's named actions. What an endpoint needs from the process —
 * its connection, the user agent core, the timer wheel, compression, metrics — comes through
 * {@link EndpointHost}, which lync_client.ts implements once for every endpoint.
 *
 * Message handling per MS-SIPAE: every request is authorized last (the signature covers
 * From/To/Call-ID/CSeq/Expires, MS-SIP §3.1.4.2); every response and server request goes
 * through `auth.verify` first, and a message that fails is discarded (MS-SIP §3.1.5.2), which
 * for a final response ends the attempt as `unverified`.
 *
 * @example
 * ```ts
 * const endpoint = new LyncEndpoint(host, account, auth, { compression: false, retries: 3 });
 * endpoint.start(); // SIGN_IN
 * endpoint.signOut();
 * ```
 *
 * @module
 */
import { sipInstanceFromEpid } from "../../lab/auth/sipae/mod.ts";
import { newTag, randomHex } from "../../lab/sip/dialog/mod.ts";
import type { AnySipMessage, SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import type {
  Destination,
  ServerTransaction,
  TransactionMetricsSink,
} from "../../lab/sip/transaction/mod.ts";
import type { OutgoingRequest, UaHandler } from "../../lab/sip/ua/mod.ts";
import { ChartExecutor } from "../../lab/statechart/mod.ts";
import type { ClientFlow } from "./client_connections.ts";
import {
  isDeregistrationNotify,
  readDeregistration,
  shouldRegisterAgain,
} from "./deregistration_notify.ts";
import type { EndpointAuth } from "./endpoint_auth.ts";
import { EndpointCore, type EndpointSession, SessionView } from "./endpoint_session.ts";
import {
  buildProvisioningSubscribe,
  buildRegister,
  contactOf,
  type EndpointIdentity,
  type LocalAddress,
} from "./lync_requests.ts";
import { ReconnectBackoff, type ReconnectBackoffOptions } from "./reconnect_backoff.ts";
import { readRegistrationAnswer } from "./registration_answer.ts";
import { type RegistrarAddress, registrarAddress } from "./registrar_address.ts";
import { signInChart, type SignInChartContext, type SignInEvent } from "./sign_in_chart.ts";
import { failureFromResponse, type SignInFailure } from "./sign_in_failure.ts";

/** A user account an endpoint signs in with. */
export interface LyncAccount {
  /** User name (NTLM / Digest user), e.g. `user00017`. */
  name: string;
  /** `sip:user00017@lab.sipfleet.test`. */
  aor: string;
  domain: string;
  password: string;
  displayName?: string;
}

/** One request or answer an endpoint saw, newest last (for the drill-down). */
export interface EndpointTransaction {
  at: number;
  method: string;
  status?: number;
  durationMs?: number;
  direction: "in" | "out";
}

/** What the process gives every endpoint. */
export interface EndpointHost {
  readonly wheel: TimerWheel;
  /** Opens this endpoint's own connection (MS-CONMGMT discovery and connect). */
  connect(endpoint: LyncEndpoint): Promise<ClientFlow>;
  /** Closes a flow politely; the endpoint no longer hears of it. */
  disconnect(endpoint: LyncEndpoint, flow: ClientFlow): void;
  /** MS-CONMGMT §3.4: CRLF pings on the flow after `intervalMs` idle. */
  keepAlive(flow: ClientFlow, intervalMs: number): void;
  /** MS-SIPCOMP: NEGOTIATE on the flow; `settled` once it is over (compressed or not). */
  negotiateCompression(endpoint: LyncEndpoint, flow: ClientFlow, settled: () => void): void;
  /** Sends a request in a client transaction on the flow. */
  request(
    request: SipRequest,
    flow: ClientFlow,
    onFinal: (response: SipResponse, sent: OutgoingRequest) => void,
  ): void;
  /** Answers a server request. */
  respond(tx: ServerTransaction, request: SipRequest, status: number): void;
  /** Writes a message on the flow outside any transaction of the host's core. */
  sendOnFlow(flow: ClientFlow, message: AnySipMessage): Promise<void>;
  /** Transaction metrics for the endpoints' session cores. */
  readonly sessionMetrics?: TransactionMetricsSink;
  /** The endpoint signed in (first time: `signInMs` since SIGN_IN) or signed in again. */
  online(endpoint: LyncEndpoint, signInMs: number | undefined): void;
  /** The endpoint failed with `failure` (it ends next). */
  failed(endpoint: LyncEndpoint, failure: SignInFailure): void;
  /** The endpoint reached a final state. */
  ended(endpoint: LyncEndpoint): void;
  /** The endpoint lost its connection and waits to reconnect. */
  reconnecting(endpoint: LyncEndpoint): void;
}

/** Per-endpoint behaviour settings. */
export interface EndpointSettings {
  /** MS-SIPCOMP on every connection. */
  compression: boolean;
  /** Reconnection attempts after a drop before giving up. */
  retries: number;
  /** Expires asked for in REGISTER; undefined lets the registrar choose. */
  expiresSeconds?: number;
  /** Send the provisioning SUBSCRIBE after registering; default true. */
  provisioning?: boolean;
  /** Ping interval used instead of the negotiated one (bench and test knob). */
  keepAliveMs?: number;
  backoff?: ReconnectBackoffOptions;
}

const RECENT_LIMIT = 12;
/** Redirects followed in a row before the sign-in fails (a loop between two servers). */
const MAX_REDIRECTS = 3;

/** The compiled sign-in chart with its actions bound to {@link LyncEndpoint} methods. */
const executor = new ChartExecutor<LyncEndpoint, SignInEvent>(signInChart.provide({
  actions: {
    openConnection: ({ context }) => (context as LyncEndpoint).openConnection(),
    negotiateCompression: ({ context }) => (context as LyncEndpoint).negotiateCompression(),
    sendRegister: ({ context }) => (context as LyncEndpoint).sendRegister(),
    acceptRegistration: ({ context }) => (context as LyncEndpoint).acceptRegistration(),
    sendProvisioningSubscribe: ({ context }) =>
      (context as LyncEndpoint).sendProvisioningSubscribe(),
    recordOnline: ({ context }) => (context as LyncEndpoint).recordOnline(),
    armBackoff: ({ context }) => (context as LyncEndpoint).armBackoff(),
    dropConnection: ({ context }) => (context as LyncEndpoint).dropConnection(),
    sendUnregister: ({ context }) => (context as LyncEndpoint).sendUnregister(),
    closeConnection: ({ context }) => (context as LyncEndpoint).closeConnection(),
    recordFailure: ({ context }) => (context as LyncEndpoint).recordFailure(),
  },
}));

/** The sign-in chart's machine id: the key endpoint states are reported under. */
export const SIGN_IN_MACHINE = signInChart.id;

/** One simulated endpoint (see the module documentation). */
export class LyncEndpoint implements SignInChartContext {
  state = "";
  running = false;
  mailbox: SignInEvent[] | undefined = undefined;
  readonly compression: boolean;
  retriesLeft: number;

  readonly account: LyncAccount;
  readonly identity: EndpointIdentity;
  readonly auth: EndpointAuth;
  /** The current connection, while there is one. */
  flow: ClientFlow | undefined;
  /** Why the endpoint failed (set with the event that ends it). */
  failure: SignInFailure | undefined;
  /** MS-SIPRE §2.4: the GRUU of the last registration. */
  gruu: string | undefined;
  /** Seconds granted by the last registration. */
  expiresSeconds: number | undefined;
  keepAliveMs: number | undefined;
  /** SIGN_IN → online, the first time. */
  signInMs: number | undefined;
  /** Sign-ins after a reconnection or a move. */
  reRegistrations = 0;
  /**
   * The server to use instead of the configured one: from a 301 to REGISTER or a
   * `P-Preferred-Registrar` (MS-SIPREGE §5, §2.2.1.8).
   */
  registrar: RegistrarAddress | undefined;
  readonly recent: EndpointTransaction[] = [];

  readonly #host: EndpointHost;
  readonly #settings: EndpointSettings;
  readonly #backoff: ReconnectBackoff;
  #cseq = 0;
  #keepAliveProposed = false;
  #startedAt = 0;
  #pendingRegister: SipRequest | undefined;
  #lastRegisterAnswer: SipResponse | undefined;
  #timer: TimerHandle | undefined;
  #ended = false;
  #redirects = 0;
  /** Call-ID of the last provisioning SUBSCRIBE (its dialog is sign-in traffic). */
  #provisioningCallId: string | undefined;
  #session: EndpointCore | undefined;
  #handler: UaHandler | undefined;

  constructor(
    host: EndpointHost,
    account: LyncAccount,
    auth: EndpointAuth,
    settings: EndpointSettings,
  ) {
    this.#host = host;
    this.#settings = settings;
    this.account = account;
    this.auth = auth;
    this.compression = settings.compression;
    this.retriesLeft = settings.retries;
    this.#backoff = new ReconnectBackoff(settings.backoff);
    const epid = randomHex(5);
    this.identity = {
      aor: account.aor,
      domain: account.domain,
      displayName: account.displayName,
      epid,
      instance: sipInstanceFromEpid(epid),
      registerCallId: randomHex(16),
      registerTag: newTag(),
      contactOpaque: randomHex(5),
    };
  }

  /**
   * The view the agents of this endpoint run on — `ImEndpoint`-compatible (agents/im): its own
   * user agent core (Contact = the GRUU, Via = this connection, every request MS-SIPAE signed and
   * sent on this endpoint's connection), the AOR, the epid and the home server. Made on first
   * call (the `online` event is the place); throws before the endpoint registered, or once it
   * ended.
   *
   * @example
   * ```ts
   * const im = new ImAgent(endpoint.session(), { listener });
   * endpoint.setHandler(im.asHandler());
   * im.invite("sip:bob@lab.test", plainText("hello"));
   * ```
   */
  session(): EndpointSession {
    const flow = this.flow;
    // Registered on a live connection (from the `online` event on, which fires on the way in).
    if (flow === undefined || this.expiresSeconds === undefined || this.done) {
      throw new Error(`endpoint ${this.account.aor} is not online (${this.state})`);
    }
    this.#session ??= EndpointCore.create(
      {
        auth: this.auth,
        send: (message) =>
          this.flow === undefined
            ? Promise.reject(new Error(`endpoint ${this.account.aor} has no connection`))
            : this.#host.sendOnFlow(this.flow, message),
      },
      this.#host.wheel,
      this.#sessionHandler,
      {
        viaHost: flow.local.host,
        viaPort: flow.local.port,
        protocol: localOf(flow).transport,
        // MS-SIPRE 2.2.5: the GRUU is the endpoint's Contact in dialogs.
        contact: this.gruu ?? contactUriOf(this.identity, flow),
      },
      this.#host.sessionMetrics,
    );
    return new SessionView(
      this.#session,
      this.account.aor,
      this.identity.epid,
      () => this.flow?.remote,
    );
  }

  /**
   * Who takes the requests addressed to this endpoint (INVITE, MESSAGE, INFO, BYE, NOTIFY,
   * BENOTIFY, SERVICE...) and its dialogs' events, through its session core. Until one is set
   * they are answered 480 (RFC 3261 §21.4.18: nobody is taking them).
   */
  setHandler(handler: UaHandler | undefined): void {
    this.#handler = handler;
  }

  /** True once `session()` made the session core. */
  get hostsAgents(): boolean {
    return this.#session !== undefined;
  }

  /**
   * Traffic of the sign-in itself — answers to REGISTER and the provisioning SUBSCRIBE, the
   * provisioning NOTIFYs and the MS-SIPREGE deregistration NOTIFY — which the client's shared
   * core handles; the rest belongs to the session core.
   */
  isSignInTraffic(message: AnySipMessage): boolean {
    const callId = message.callId;
    if (callId === this.identity.registerCallId || callId === this.#provisioningCallId) return true;
    return message.kind === "request" && isDeregistrationNotify(message);
  }

  /**
   * A message for the session core (not sign-in traffic) from the endpoint's connection. False
   * when there is no session core (the client's core takes it). MS-SIP §3.1.5.2: a message the
   * security association does not verify is discarded.
   */
  receiveSessionMessage(message: AnySipMessage, source: Destination): boolean {
    const core = this.#session;
    if (core === undefined) return false;
    if (!this.auth.verify(message).accept) return true;
    if (message.kind === "request") {
      this.#log({ at: Date.now(), method: message.method, direction: "in" });
    }
    core.receiveMessage(message, source);
    return true;
  }

  /** Stops the session core (the client stops, or the endpoint ended). */
  async closeSession(): Promise<void> {
    const core = this.#session;
    this.#session = undefined;
    await core?.stop();
  }

  /** The session core's handler: the agents' one, else 480 to every request. */
  readonly #sessionHandler: UaHandler = {
    onRequest: (tx, request, dialog) => {
      const handler = this.#handler;
      if (handler !== undefined) return handler.onRequest(tx, request, dialog);
      const core = this.#session;
      if (request.method !== "BENOTIFY") core?.respond(tx, core.createResponse(request, 480));
    },
    onAck: (ack, dialog) => this.#handler?.onAck?.(ack, dialog),
    onCancel: (invite, cancel) => this.#handler?.onCancel?.(invite, cancel),
    onAckTimeout: (dialog) => this.#handler?.onAckTimeout?.(dialog),
    onDialogTerminated: (dialog, cause) => this.#handler?.onDialogTerminated?.(dialog, cause),
    onServerFailure: (tx, failure) => this.#handler?.onServerFailure?.(tx, failure),
  };

  /** True once the endpoint reached signedOut or failed. */
  get done(): boolean {
    return executor.isDone(this);
  }

  /** Enters the chart and signs in. */
  start(): void {
    this.#startedAt = performance.now();
    executor.start(this);
    this.#deliver({ type: "SIGN_IN" });
  }

  /** Signs out: REGISTER Expires: 0 when registered, then close (MS-SIPREGE §2). */
  signOut(): void {
    this.#deliver({ type: "SIGN_OUT" });
  }

  /**
   * Drops the endpoint without a word (the client stops): timers disarmed, later events
   * ignored, the host not told. The client closes the connections itself.
   */
  abandon(): void {
    this.#cancelTimer();
    this.#ended = true;
    this.flow = undefined;
    this.#pendingRegister = undefined;
  }

  /** The connection failed (from the transport). */
  connectionLost(reason: string): void {
    this.flow = undefined;
    this.#pendingRegister = undefined;
    this.failure = { kind: "connection-lost", reason: `connection closed (${reason})` };
    this.#deliver({ type: "CONNECTION_LOST" });
  }

  /** A request from the server on this endpoint's connection (NOTIFY, BENOTIFY, OPTIONS). */
  serverRequest(tx: ServerTransaction, request: SipRequest): void {
    const verdict = this.auth.verify(request);
    // MS-SIP §3.1.5.2: an unsigned or badly signed request from the server is discarded.
    if (!verdict.accept) return;
    this.#log({ at: Date.now(), method: request.method, direction: "in" });
    if (request.method === "BENOTIFY") return; // MS-SIP: BENOTIFY is never answered.
    if (!isDeregistrationNotify(request)) {
      // Sessions, IM and the rest need a hosted agent (`session()`); without one nobody takes
      // them (RFC 3261 §21.4.18). NOTIFYs of the sign-in's subscriptions and OPTIONS get 200.
      const taken = request.method === "NOTIFY" || request.method === "OPTIONS";
      this.#host.respond(tx, request, taken ? 200 : 480);
      return;
    }
    const deregistration = readDeregistration(request);
    if (deregistration === undefined) {
      this.#host.respond(tx, request, 400);
      return;
    }
    this.#host.respond(tx, request, 200);
    if (shouldRegisterAgain(deregistration.reason)) {
      const preferred = deregistration.preferredRegistrar === undefined
        ? undefined
        : registrarAddress(deregistration.preferredRegistrar);
      if (preferred !== undefined) this.registrar = preferred;
      this.#deliver({ type: "MOVED" });
      return;
    }
    this.failure = {
      kind: "deregistered",
      reason: `deregistered;event=${deregistration.reason}`,
    };
    this.#deliver({ type: "DEREGISTERED" });
  }

  // ---- chart actions ---------------------------------------------------------------------

  /** @internal chart action */
  openConnection(): void {
    this.#host.connect(this).then(
      (flow) => {
        if (this.state !== "connecting") {
          this.#host.disconnect(this, flow);
          return;
        }
        this.flow = flow;
        this.#keepAliveProposed = false;
        this.#deliver({ type: "CONNECTED" });
      },
      (error) => {
        if (this.state !== "connecting") return;
        this.failure = {
          kind: "connect",
          reason: error instanceof Error ? error.message : String(error),
        };
        this.#deliver({ type: "CONNECT_FAILED" });
      },
    );
  }

  /** @internal chart action */
  negotiateCompression(): void {
    const flow = this.flow!;
    this.#host.negotiateCompression(this, flow, () => {
      if (this.flow === flow) this.#deliver({ type: "NEGOTIATED" });
    });
  }

  /** @internal chart action */
  sendRegister(): void {
    this.#register(this.#settings.expiresSeconds);
  }

  /** @internal chart action */
  sendUnregister(): void {
    this.#cancelTimer();
    if (this.flow === undefined) {
      this.#deliver({ type: "UNREGISTERED" });
      return;
    }
    this.#register(0);
  }

  /** @internal chart action */
  acceptRegistration(): void {
    const answer = readRegistrationAnswer(
      this.#lastRegisterAnswer!,
      this.identity.instance,
      this.#settings.expiresSeconds,
    );
    this.#lastRegisterAnswer = undefined; // 10,000 endpoints: keep what was read, not the message
    this.gruu = answer.gruu ?? this.gruu;
    this.expiresSeconds = answer.expiresSeconds;
    this.keepAliveMs = this.#settings.keepAliveMs ?? answer.keepAliveMs;
    if (this.flow) this.#host.keepAlive(this.flow, this.keepAliveMs);
    // MS-SIPREGE §8: refresh a margin before expiry (here at 90 % of the granted time).
    this.#cancelTimer();
    const delay = Math.max(500, answer.expiresSeconds * 900);
    this.#timer = this.#host.wheel.schedule(delay, () => {
      this.#timer = undefined;
      this.#deliver({ type: "REFRESH_DUE" });
    });
  }

  /** @internal chart action */
  sendProvisioningSubscribe(): void {
    const flow = this.flow!;
    if (this.#settings.provisioning === false) {
      this.#deliver({ type: "PROVISIONED" });
      return;
    }
    const callId = randomHex(16);
    this.#provisioningCallId = callId;
    const request = buildProvisioningSubscribe(this.identity, {
      local: localOf(flow),
      callId,
      tag: newTag(),
    });
    this.#send(request, flow, (response, sent) => {
      if (this.flow !== flow || this.state !== "provisioning") return;
      if (sent.failure === "transport-error") return this.#sendFailed(flow);
      if (response.status >= 200 && response.status < 300) {
        this.#deliver({ type: "PROVISIONED" });
        return;
      }
      this.failure = failureFromResponse(
        sent.failure === "timeout" ? "timeout" : "provisioning",
        response,
      );
      this.#deliver({ type: "PROVISIONING_FAILED" });
    });
  }

  /** @internal chart action */
  recordOnline(): void {
    this.#backoff.reset();
    this.#redirects = 0;
    this.retriesLeft = this.#settings.retries;
    this.failure = undefined;
    if (this.signInMs === undefined) {
      this.signInMs = performance.now() - this.#startedAt;
      this.#host.online(this, this.signInMs);
    } else {
      this.reRegistrations++;
      this.#host.online(this, undefined);
    }
  }

  /** @internal chart action */
  recordFailure(): void {
    this.failure ??= { kind: "refused", reason: "ended without a reported cause" };
    this.#host.failed(this, this.failure);
  }

  /** @internal chart action */
  armBackoff(): void {
    this.retriesLeft--;
    this.#cancelTimer();
    this.#host.reconnecting(this);
    this.#timer = this.#host.wheel.schedule(this.#backoff.next(), () => {
      this.#timer = undefined;
      this.#deliver({ type: "BACKOFF_ELAPSED" });
    });
  }

  /** @internal chart action */
  dropConnection(): void {
    this.#cancelTimer();
    this.#pendingRegister = undefined;
    const flow = this.flow;
    this.flow = undefined;
    if (flow) this.#host.disconnect(this, flow);
    // MS-CONMGMT guide §4: a new connection starts a new security association.
    this.auth.reset();
  }

  /** @internal chart action */
  closeConnection(): void {
    this.#cancelTimer();
    this.#pendingRegister = undefined;
    const flow = this.flow;
    this.flow = undefined;
    if (flow) this.#host.disconnect(this, flow);
  }

  // ---- internals ---------------------------------------------------------------------------

  #register(expires: number | undefined): void {
    const flow = this.flow!;
    const request = buildRegister(this.identity, {
      cseq: ++this.#cseq,
      local: localOf(flow),
      expires,
      // MS-CONMGMT §3.4: negotiate keep-alives on the first REGISTER of a connection.
      keepAlive: !this.#keepAliveProposed,
    });
    this.#keepAliveProposed = true;
    this.#pendingRegister = request;
    this.#send(request, flow, (response, sent) => this.#registerAnswered(request, response, sent));
  }

  #registerAnswered(request: SipRequest, response: SipResponse, sent: OutgoingRequest): void {
    if (this.#pendingRegister !== request) return; // superseded or the flow is gone
    this.#pendingRegister = undefined;
    if (sent.failure === "transport-error") return this.#sendFailed(this.flow);
    if (sent.failure === "timeout") {
      this.failure = failureFromResponse("timeout", response);
      this.#deliver({ type: this.state === "signingOut" ? "UNREGISTERED" : "REJECTED" });
      return;
    }
    if (response.status === 401 || response.status === 407) {
      const answer = this.auth.challenge(request, response);
      if (answer.retry) {
        this.#deliver({ type: "CHALLENGED" });
        return;
      }
      this.failure = { ...failureFromResponse(answer.kind, response), reason: answer.detail };
      this.#deliver({ type: this.state === "signingOut" ? "UNREGISTERED" : "REJECTED" });
      return;
    }
    if (response.status >= 200 && response.status < 300) {
      this.#lastRegisterAnswer = response;
      this.#deliver({ type: this.state === "signingOut" ? "UNREGISTERED" : "REGISTERED" });
      return;
    }
    if (response.status >= 300 && response.status < 400 && this.state !== "signingOut") {
      // MS-SIPREGE §5 step 5: homed elsewhere; the Contact names the pool to register with.
      const target = response.contacts.map((c) => registrarAddress(c.uriText))
        .find((a) => a !== undefined);
      if (target !== undefined && ++this.#redirects <= MAX_REDIRECTS) {
        this.registrar = target;
        this.#deliver({ type: "REDIRECTED" });
        return;
      }
    }
    this.failure = failureFromResponse("refused", response);
    this.#deliver({ type: this.state === "signingOut" ? "UNREGISTERED" : "REJECTED" });
  }

  /** Authorizes (last), sends, and checks the server's signature on the final response. */
  #send(
    request: SipRequest,
    flow: ClientFlow,
    onFinal: (response: SipResponse, sent: OutgoingRequest) => void,
  ): void {
    this.auth.authorize(request);
    const at = Date.now();
    const started = performance.now();
    this.#host.request(request, flow, (response, sent) => {
      this.#log({
        at,
        method: request.method,
        status: response.status,
        durationMs: performance.now() - started,
        direction: "out",
      });
      if (sent.failure === undefined && response.status !== 401 && response.status !== 407) {
        const verdict = this.auth.verify(response);
        if (!verdict.accept) {
          // MS-SIP §3.1.5.2: discarded; for this final response the attempt is over.
          this.failure = { kind: "unverified", status: response.status, reason: verdict.detail };
          if (this.flow === flow) {
            this.#pendingRegister = undefined;
            this.#deliver({ type: this.state === "signingOut" ? "UNREGISTERED" : "REJECTED" });
            if (this.state === "provisioning") this.#deliver({ type: "PROVISIONING_FAILED" });
          }
          return;
        }
      }
      onFinal(response, sent);
    });
  }

  /**
   * A request could not be written. A closed connection reports itself (connectionLost); one
   * still open (its write queue full) is given up the same way, so the endpoint reconnects.
   */
  #sendFailed(flow: ClientFlow | undefined): void {
    if (flow === undefined || this.flow !== flow) return;
    this.#host.disconnect(this, flow);
    this.connectionLost("send failed");
  }

  #deliver(event: SignInEvent): void {
    if (this.#ended) return; // finished or abandoned: nothing more happens to it
    executor.send(this, event);
    if (!this.#ended && executor.isDone(this)) {
      this.#ended = true;
      this.#cancelTimer();
      void this.closeSession();
      this.#host.ended(this);
    }
  }

  #cancelTimer(): void {
    if (this.#timer === undefined) return;
    this.#host.wheel.cancel(this.#timer);
    this.#timer = undefined;
  }

  #log(entry: EndpointTransaction): void {
    this.recent.push(entry);
    if (this.recent.length > RECENT_LIMIT) this.recent.shift();
  }
}

/** The registered Contact's URI (without its header parameters). */
function contactUriOf(identity: EndpointIdentity, flow: ClientFlow): string {
  return /^<([^>]*)>/.exec(contactOf(identity, localOf(flow)))![1];
}

function localOf(flow: ClientFlow): LocalAddress {
  return {
    host: flow.local.host,
    port: flow.local.port,
    transport: flow.remote.protocol.toLowerCase() === "tcp" ? "TCP" : "TLS",
  };
}
