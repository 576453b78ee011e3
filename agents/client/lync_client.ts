/**
 * The simulated Lync client of a whole process: many endpoints (one per simulated user and
 * device), each signing in over its own persistent connection (MS-CONMGMT), all sharing one user
 * agent core, one transaction layer and one timer wheel.
 *
 * Design (MS-CONMGMT connection manager, client side):
 * - one {@link UserAgentCore} per process over {@link ClientConnections}, a transport holding one
 *   outgoing TCP/TLS connection per endpoint; messages are routed by flow id, so each endpoint's
 *   requests, the server's answers and its NOTIFYs all ride that endpoint's connection, with
 *   that connection's address in Via and Contact. The stack's TransportManager would share one
 *   connection among all users of a server, and a core per user costs more than the socket.
 * - server discovery: a direct `host:port` (the lab), or MS-CONMGMT §2 discovery of the
 *   user's SIP domain through lab/sip/resolver, candidates tried in order on connect failure.
 * - compression (MS-SIPCOMP): the NEGOTIATE runs first on a new connection when asked for; its
 *   answer is taken out of the inbound stream before the core sees it, and the compression
 *   filter is installed on the flow at the switch-over.
 * - keep-alives: negotiated on the first REGISTER of a connection (`Ms-Keep-Alive`), then CRLF
 *   pings on the wheel whenever the flow was idle for the interval.
 * - a connection drop makes the endpoint reconnect after a jittered exponential back-off and
 *   register again (bounded attempts); sign-out unregisters and closes.
 * - agents (IM, presence) run on an endpoint's session (`endpoint.session()`, an `ImEndpoint`):
 *   a second core of that endpoint alone, made on first use, with the endpoint's GRUU as
 *   Contact; the connection's traffic that is not the sign-in's goes there (endpoint_session.ts).
 * - MS-SIP §3.1.4.2: every request leaves signed, those the cores build themselves too (ACK,
 *   BYE, CANCEL through the core's `prepareRequest`); MS-SIPAE clients sign no responses.
 *
 * @example
 * ```ts
 * const client = LyncClient.start({
 *   server: { kind: "direct", protocol: "tls", host: "127.0.0.1", port: 5061 },
 *   caCerts: [caPem], wheel, auth: "ntlm",
 *   events: { online: (ep, ms) => console.log(ep.account.name, ms) },
 * });
 * const endpoint = client.signIn({ name: "alice", aor: "sip:alice@lab", domain: "lab", password });
 * // once online:
 * const im = new ImAgent(endpoint.session());
 * endpoint.setHandler(im.asHandler());
 * endpoint.signOut();
 * await client.stop({ graceful: true });
 * ```
 *
 * @module
 */
import { ntlmClientMechanism } from "../../lab/auth/sipae/mod.ts";
import type { ClientMechanismFactory } from "../../lab/auth/sipae/mod.ts";
import { SipcompClientSession } from "../../lab/protocols/sipcomp/mod.ts";
import type { AnySipMessage, SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { discoverLyncServers, type LyncDiscoveryOptions } from "../../lab/sip/resolver/mod.ts";
import type { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type {
  Destination,
  ServerTransaction,
  TransactionMetricsSink,
} from "../../lab/sip/transaction/mod.ts";
import type { FlowCloseReason, TransportMetricsSink } from "../../lab/sip/transport/mod.ts";
import { type OutgoingRequest, UserAgentCore } from "../../lab/sip/ua/mod.ts";
import { ClientConnections, type ClientFlow } from "./client_connections.ts";
import { digestAuth, type EndpointAuth, sipaeAuth } from "./endpoint_auth.ts";
import {
  type EndpointHost,
  type EndpointSettings,
  type LyncAccount,
  LyncEndpoint,
} from "./lync_endpoint.ts";
import type { ReconnectBackoffOptions } from "./reconnect_backoff.ts";
import { LYNC_ENDPOINT_EXTENSIONS, LYNC_ENDPOINT_METHODS } from "./endpoint_session.ts";
import type { SignInFailure } from "./sign_in_failure.ts";

/** Where the endpoints connect. */
export type ServerChoice =
  /** A configured server (MS-CONMGMT guide §2.1 step 1; the lab). */
  | { kind: "direct"; protocol: "tls" | "tcp"; host: string; port: number }
  /** MS-CONMGMT §2 discovery of each user's SIP domain (SRV, then A fallbacks). */
  | { kind: "discover"; protocol: "tls" | "tcp"; discovery: LyncDiscoveryOptions };

/**
 * How endpoints authenticate: MS-SIPAE NTLM, HTTP Digest, or MS-SIPAE with the mechanisms a
 * factory gives per account (Kerberos, TLS-DSK, several in preference order).
 */
export type AuthChoice =
  | "ntlm"
  | "digest"
  | { mechanisms: (account: LyncAccount) => ClientMechanismFactory[] };

/** What a {@link LyncClient} reports. */
export interface LyncClientEvents {
  /** First sign-in of an endpoint (`signInMs` since SIGN_IN), or undefined after a re-registration. */
  online?(endpoint: LyncEndpoint, signInMs: number | undefined): void;
  /** The endpoint failed (typed cause); `ended` follows. */
  failed?(endpoint: LyncEndpoint, failure: SignInFailure): void;
  /** The endpoint lost its connection and waits to reconnect. */
  reconnecting?(endpoint: LyncEndpoint): void;
  /** The endpoint is done (signed out or failed). */
  ended?(endpoint: LyncEndpoint): void;
}

/** Options of {@link LyncClient.start}. */
export interface LyncClientOptions {
  server: ServerChoice;
  wheel: TimerWheel;
  /** Trust anchors (PEM) for the server certificate. */
  caCerts?: string[];
  /** Default "ntlm". */
  auth?: AuthChoice;
  /** NTLM domain of every account; default the first label of the SIP domain, upper case. */
  ntlmDomain?: string;
  /** MS-SIPCOMP on every connection; default false. */
  compression?: boolean;
  /** Expires asked for in REGISTER; default: the registrar's choice. */
  expiresSeconds?: number;
  /** Provisioning SUBSCRIBE after registering; default true. */
  provisioning?: boolean;
  /** CRLF ping interval instead of the negotiated one (bench and test knob). */
  keepAliveMs?: number;
  /** Reconnection attempts after a drop; default 5. */
  retries?: number;
  backoff?: ReconnectBackoffOptions;
  /** Bound on connect + TLS handshake per candidate; default 10 000 ms. */
  connectTimeoutMs?: number;
  events?: LyncClientEvents;
  metrics?: { transaction?: TransactionMetricsSink; transport?: TransportMetricsSink };
}

/** The simulated client fleet of one process (see the module documentation). */
export class LyncClient implements EndpointHost {
  readonly wheel: TimerWheel;
  readonly core: UserAgentCore<ClientConnections>;
  readonly #opts: LyncClientOptions;
  readonly #settings: EndpointSettings;
  readonly #byFlow = new Map<string, LyncEndpoint>();
  readonly #sipcomp = new Map<string, SipcompClientSession>();
  readonly #endpoints = new Set<LyncEndpoint>();
  #stopped = false;
  /** Resolves a graceful stop once the last endpoint ended. */
  #whenIdle: (() => void) | undefined;

  private constructor(opts: LyncClientOptions) {
    this.#opts = opts;
    this.wheel = opts.wheel;
    this.#settings = {
      compression: opts.compression ?? false,
      retries: opts.retries ?? 5,
      expiresSeconds: opts.expiresSeconds,
      provisioning: opts.provisioning ?? true,
      keepAliveMs: opts.keepAliveMs,
      backoff: opts.backoff,
    };
    this.core = new UserAgentCore<ClientConnections>({
      wheel: opts.wheel,
      metrics: { transaction: opts.metrics?.transaction },
      // What a Lync endpoint takes from its server (MS-SIPREGE §4, MS-SIPRE, MS-PRES, IM.md);
      // sessions go to the endpoint's session core once it hosts agents.
      allowedMethods: LYNC_ENDPOINT_METHODS,
      supportedExtensions: LYNC_ENDPOINT_EXTENSIONS,
      // MS-SIP §3.1.4.2: ACK, BYE and CANCEL the core builds are signed for their endpoint.
      prepareRequest: (request, destination) => {
        const flowId = destination.flowId;
        const endpoint = flowId === undefined ? undefined : this.#byFlow.get(flowId);
        endpoint?.auth.authorize(request);
      },
      createTransport: (coreEvents) =>
        new ClientConnections({
          protocol: opts.server.protocol,
          caCerts: opts.caCerts,
          wheel: opts.wheel,
          metrics: opts.metrics?.transport,
          connectTimeoutMs: opts.connectTimeoutMs,
          events: {
            onMessage: (msg, source, bytes) => {
              // MS-SIPCOMP: the NEGOTIATE answer is the negotiation's, taken before the core.
              const session = source.flowId && this.#sipcomp.get(source.flowId);
              if (session && session.onMessage(msg, source)) return;
              // Sessions of an endpoint hosting agents go to its own core.
              const endpoint = source.flowId && this.#byFlow.get(source.flowId);
              if (
                endpoint && !endpoint.isSignInTraffic(msg) &&
                endpoint.receiveSessionMessage(msg, source)
              ) return;
              coreEvents.onMessage(msg, source, bytes);
            },
            onParseError: (error, source) => coreEvents.onParseError?.(error, source),
            onFlowClosed: (source, reason) => this.#flowClosed(source, reason),
          },
        }),
      handler: {
        onRequest: (tx, request) => this.#serverRequest(tx, request),
      },
    });
  }

  /** Makes the client (no socket until an endpoint signs in). */
  static start(opts: LyncClientOptions): LyncClient {
    const client = new LyncClient(opts);
    // The core's own identity is never on the wire: every request carries its endpoint's Via
    // and Contact. It is the process's, for the core's bookkeeping.
    client.core.start({
      viaHost: "127.0.0.1",
      viaPort: 0,
      protocol: opts.server.protocol.toUpperCase(),
      contact: "sip:client@127.0.0.1",
    });
    return client;
  }

  /** Endpoints started and not ended. */
  get active(): number {
    return this.#endpoints.size;
  }

  /** Open connections. */
  get connections(): number {
    return this.core.transport.size;
  }

  /** Endpoints per chart state. */
  stateCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const endpoint of this.#endpoints) {
      counts[endpoint.state] = (counts[endpoint.state] ?? 0) + 1;
    }
    return counts;
  }

  /** Starts an endpoint of `account` signing in. */
  signIn(account: LyncAccount): LyncEndpoint {
    if (this.#stopped) throw new Error("LyncClient is stopped");
    const endpoint = new LyncEndpoint(this, account, this.#authFor(account), this.#settings);
    this.#endpoints.add(endpoint);
    endpoint.start();
    return endpoint;
  }

  /**
   * Stops. Graceful: every endpoint signs out (REGISTER Expires: 0) and the client waits for
   * them, at most `timeoutMs` (default 5000); then every connection is closed.
   */
  async stop(options: { graceful: boolean; timeoutMs?: number } = { graceful: false }) {
    if (this.#stopped) return;
    this.#stopped = true;
    if (options.graceful && this.#endpoints.size > 0) {
      const allEnded = new Promise<void>((resolve) => {
        this.#whenIdle = resolve;
      });
      for (const endpoint of [...this.#endpoints]) endpoint.signOut();
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        allEnded,
        new Promise<void>((resolve) => timer = setTimeout(resolve, options.timeoutMs ?? 5000)),
      ]);
      clearTimeout(timer);
    }
    for (const endpoint of this.#endpoints) endpoint.abandon();
    await Promise.all([...this.#endpoints].map((endpoint) => endpoint.closeSession()));
    this.#endpoints.clear();
    this.#byFlow.clear();
    this.#sipcomp.clear();
    await this.core.stop();
  }

  // ---- EndpointHost -----------------------------------------------------------------------

  async connect(endpoint: LyncEndpoint): Promise<ClientFlow> {
    const server = this.#opts.server;
    const connections = this.core.transport;
    let flow: ClientFlow | undefined;
    if (endpoint.registrar !== undefined) {
      // Sent elsewhere by the server (301 Contact, P-Preferred-Registrar): no discovery. The
      // connection keeps this client's transport; the URI's transport chose its default port.
      flow = await connections.open(endpoint.registrar);
    } else if (server.kind === "direct") {
      flow = await connections.open(server);
    } else {
      let lastError: unknown = new Error(`no server found for ${endpoint.account.domain}`);
      for await (const target of discoverLyncServers(endpoint.account.domain, server.discovery)) {
        try {
          // MS-CONMGMT guide §2.2: the certificate must name the SRV target (or fallback host).
          flow = await connections.open(
            { protocol: target.protocol, host: target.host, port: target.port },
            target.hostname,
          );
          break;
        } catch (error) {
          // MS-CONMGMT guide §2.1: try the next target on connect failure.
          lastError = error;
        }
      }
      if (flow === undefined) throw lastError;
    }
    this.#byFlow.set(flow.remote.flowId!, endpoint);
    return flow;
  }

  disconnect(_endpoint: LyncEndpoint, flow: ClientFlow): void {
    const flowId = flow.remote.flowId!;
    this.#byFlow.delete(flowId);
    this.#sipcomp.delete(flowId);
    void this.core.transport.closeFlow(flowId);
  }

  keepAlive(flow: ClientFlow, intervalMs: number): void {
    this.core.transport.armKeepAlive(flow.remote.flowId!, intervalMs);
  }

  negotiateCompression(endpoint: LyncEndpoint, flow: ClientFlow, settled: () => void): void {
    const flowId = flow.remote.flowId!;
    const session = new SipcompClientSession({
      transport: this.core.transport,
      server: flow.remote,
      local: flow.local,
      timers: this.wheel,
      aor: endpoint.account.aor,
      onSettled: () => {
        this.#sipcomp.delete(flowId);
        settled();
      },
      onClosed: () => {
        this.#sipcomp.delete(flowId);
        this.core.transport.abortFlow(flowId);
      },
    });
    this.#sipcomp.set(flowId, session);
    session.start();
  }

  request(
    request: SipRequest,
    flow: ClientFlow,
    onFinal: (
      response: SipResponse,
      sent: OutgoingRequest,
    ) => void,
  ): void {
    this.core.request(request, flow.remote, {
      onFinal: (response, _dialog, sent) => onFinal(response, sent),
    });
  }

  respond(tx: ServerTransaction, request: SipRequest, status: number): void {
    this.core.respond(tx, this.core.createResponse(request, status));
  }

  sendOnFlow(flow: ClientFlow, message: AnySipMessage): Promise<void> {
    return this.core.transport.send(message, flow.remote);
  }

  get sessionMetrics(): TransactionMetricsSink | undefined {
    return this.#opts.metrics?.transaction;
  }

  online(endpoint: LyncEndpoint, signInMs: number | undefined): void {
    this.#opts.events?.online?.(endpoint, signInMs);
  }

  failed(endpoint: LyncEndpoint, failure: SignInFailure): void {
    this.#opts.events?.failed?.(endpoint, failure);
  }

  reconnecting(endpoint: LyncEndpoint): void {
    this.#opts.events?.reconnecting?.(endpoint);
  }

  ended(endpoint: LyncEndpoint): void {
    this.#endpoints.delete(endpoint);
    this.#opts.events?.ended?.(endpoint);
    if (this.#endpoints.size === 0) this.#whenIdle?.();
  }

  // ---- inbound -----------------------------------------------------------------------------

  #serverRequest(tx: ServerTransaction, request: SipRequest): void {
    const endpoint = tx.source.flowId === undefined
      ? undefined
      : this.#byFlow.get(tx.source.flowId);
    if (endpoint === undefined) {
      // RFC 3261 §12.2.2 / RFC 6665: nothing of ours lives on that connection.
      if (request.method !== "BENOTIFY") {
        this.core.respond(tx, this.core.createResponse(request, 481));
      }
      return;
    }
    endpoint.serverRequest(tx, request);
  }

  #flowClosed(source: Destination, reason: FlowCloseReason): void {
    const flowId = source.flowId;
    if (flowId === undefined) return;
    this.#sipcomp.get(flowId)?.onFlowClosed(source, reason);
    this.#sipcomp.delete(flowId);
    const endpoint = this.#byFlow.get(flowId);
    if (endpoint === undefined) return;
    this.#byFlow.delete(flowId);
    endpoint.connectionLost(reason);
  }

  #authFor(account: LyncAccount): EndpointAuth {
    const choice = this.#opts.auth ?? "ntlm";
    if (choice === "digest") return digestAuth(account.name, account.password);
    if (choice === "ntlm") {
      const domain = this.#opts.ntlmDomain ?? account.domain.split(".")[0].toUpperCase();
      return sipaeAuth([
        ntlmClientMechanism({
          credentials: { user: account.name, domain, password: account.password },
          workstation: "SIPFLEET",
        }),
      ]);
    }
    return sipaeAuth(choice.mechanisms(account));
  }
}
