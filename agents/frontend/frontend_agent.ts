/**
 * The lab's Communications Server front end: registrar, authenticating proxy and service host
 * on one listening endpoint. Every request goes through, in order:
 *
 * 1. REGISTER only: the Request-URI must name this domain (RFC 3261 §10.3 step 1) → else 404.
 * 2. Authentication (frontend_authenticator.ts): MS-SIPAE (NTLM built in, Kerberos and TLS-DSK
 *    plugged in through `auth.mechanisms`) or Digest. Unauthenticated requests get 401 with one
 *    challenge per scheme; once an endpoint holds an SA every request it sends must be signed
 *    and in the cnum window (MS-SIPAE §3.3.5.2). Nothing unauthenticated goes further.
 * 3. REGISTER → the registrar (registrar.ts: MS-SIPREGE checks, epid / +sip.instance, GRUU).
 * 4. The services, in order (frontend_service.ts): the built-in in-band provisioning
 *    (provisioning_service.ts, MS-SIPREGE 2.2.2) first, then `options.services`.
 * 5. OPTIONS to the front end itself → 200 (RFC 3261 §11.2).
 * 6. Anything else → routed to the registered endpoints (request_routing.ts, MS-SIPRE §4.2:
 *    AOR fork, GRUU, To epid) through the stateful proxy (proxy/, RFC 3261 §16), with the
 *    sender's P-Asserted-Identity (RFC 3325) and each branch signed for its endpoint.
 *
 * In-dialog requests and 2xx ACKs of dialogs the proxy record-routed reach the proxy from the
 * user agent core directly (`UaProxyHooks`); the front end wraps those hooks (the proxy's
 * `gate`) so they pass the same authentication first. An ACK counts as authenticated when
 * signed (MS-SIPAE endpoints sign it), or for Digest clients when it repeats the credentials of
 * the INVITE it acknowledges (invite_credentials.ts, RFC 3261 §22.1). Requests the front end
 * only routes skip the core's Require check (RFC 3261 §16.3, the gate's `forwards`).
 *
 * Every response to an MS-SIPAE endpoint is signed (Authentication-Info: srand, snum,
 * rspauth) — the front end's, the proxy's (forwarded and its own refusals) and the core's own
 * answers (`prepareResponse`) — so is every request sent to one (routed requests and their
 * CANCELs, services' NOTIFYs through `FrontendHost.signRequest` / `sendRequest`,
 * deregistration NOTIFYs).
 *
 * Options beyond the first slice (all optional; `FrontendAgent.start(options)` is unchanged
 * for existing callers):
 * - `auth`: `{ schemes, mechanisms, realm, protocolVersion, ntlmDomain, pendingTimeoutMs, now }`
 *   — schemes default to ["NTLM", "Digest"]; NTLM reads the same user store (NT hash of the
 *   password), its NTLM domain is the first label of `domain` upper case (or the DNS domain);
 *   pass Kerberos / TLS-DSK factories in `mechanisms` and name them in `schemes`.
 * - `services`: extra {@link FrontendService}s; `provisioning`: settings of the built-in
 *   provisioning service, or `false` to leave it out.
 * - `serverName`: the FQDN (NTLM targetname, ms-diagnostics source); default the domain.
 *
 * Digest defaults to MD5 only: SIPp 3.6.1 answers MD5 challenges only. Pass
 * `digest.algorithms: ["SHA-256", "MD5"]` for clients that do better.
 *
 * @example
 * ```ts
 * const frontend = await FrontendAgent.start({
 *   listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
 *   domain: "lab.sipfleet.test",
 *   users: (name) => name === "alice" ? { password: "secret" } : undefined,
 *   tls,
 *   auth: { schemes: ["NTLM", "Digest"] },
 * });
 * frontend.location.lookup("sip:alice@lab.sipfleet.test");
 * await frontend.deregister("sip:alice@lab.sipfleet.test", "rejected");
 * await frontend.stop();
 * ```
 *
 * @module
 */
import type { CredentialLookup } from "../../lab/auth/digest/mod.ts";
import { assertIdentity } from "../../lab/auth/sipae/mod.ts";
import { diagnosticsFor, formatMsDiagnostics } from "../../lab/protocols/ocer/mod.ts";
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import { isSipUri, type SipUri } from "../../lab/sip/message/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { type TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { OutgoingRequest, RequestCallbacks, UaProxyHooks } from "../../lab/sip/ua/mod.ts";
import {
  type Endpoint,
  type EndpointOptions,
  type ListenAddress,
  openEndpoint,
} from "../sip_endpoint.ts";
import { authDiagnostics, diagnosticsHeader } from "./auth_diagnostics.ts";
import { deregistrationNotify, type DeregistrationReason } from "./deregistration_notify.ts";
import {
  FrontendAuthenticator,
  type FrontendAuthOptions,
  type FrontendDigestOptions,
  type Requester,
} from "./frontend_authenticator.ts";
import type {
  FrontendHost,
  FrontendRequestContext,
  FrontendResponseOptions,
  FrontendService,
} from "./frontend_service.ts";
import { type Binding, LocationService } from "./location_service.ts";
import { type ProvisioningOptions, ProvisioningService } from "./provisioning_service.ts";
import { StatefulProxy } from "./proxy/mod.ts";
import type { ExpiryPolicy } from "./registration_request.ts";
import { Registrar } from "./registrar.ts";
import type { RegistrarMetricsSink } from "./registrar_metrics.ts";
import { bindingForUri, routeRequest } from "./request_routing.ts";
import { InviteCredentials } from "./invite_credentials.ts";

export type { FrontendDigestOptions };

/** Options of {@link FrontendAgent.start}. */
export interface FrontendAgentOptions {
  listen: ListenAddress;
  /** The SIP domain served, also the Digest realm. */
  domain: string;
  /** The user store (credentials by user name). */
  users: CredentialLookup;
  /** Timer wheel for transactions and binding expiry; default an own one. */
  wheel?: TimerWheel;
  /** Registrations by outcome and reason, authentications by scheme, outcome and reason. */
  metrics?: RegistrarMetricsSink;
  /** Transaction and transport metrics of the endpoint. */
  endpointMetrics?: EndpointOptions["metrics"];
  tls?: EndpointOptions["tls"];
  expiry?: Partial<ExpiryPolicy>;
  digest?: FrontendDigestOptions;
  /** MS-SIPAE schemes and mechanisms (see the module documentation). */
  auth?: FrontendAuthOptions;
  /** Services asked, in order, after the built-in provisioning service. */
  services?: FrontendService[];
  /** The built-in provisioning service's settings, or false to leave it out. */
  provisioning?: ProvisioningOptions | false;
  /** The server's FQDN in ms-diagnostics and NTLM targetname; default the domain. */
  serverName?: string;
  /** Option tags of the core (§8.2.2.3); default {@link FRONTEND_EXTENSIONS}. */
  supportedExtensions?: readonly string[];
  /** How long `stop` waits for the answers to its deregistration NOTIFYs; default 2 000 ms. */
  stopNotifyTimeoutMs?: number;
}

/**
 * Option tags of the front end's core (RFC 3261 §8.2.2.3): what MS-SIPRE / MS-PRES clients put
 * in Require and its services understand — batched subscriptions (adhoclist, eventlist,
 * RFC 4662), category subscriptions (categoryList), BENOTIFY and the piggy-backed first NOTIFY
 * (MS-PRES 2.2.x), GRUU (MS-SIPRE 2.2.5), the IM text format and registration events.
 */
export const FRONTEND_EXTENSIONS: readonly string[] = Object.freeze([
  "adhoclist",
  "categoryList",
  "eventlist",
  "ms-benotify",
  "ms-piggyback-first-notify",
  "msrtc-event-categories",
  "com.microsoft.msrtc.presence",
  "gruu-10",
  "ms-text-format",
]);

/** How often expired MS-SIPAE contexts and SAs are swept. */
const SA_SWEEP_MS = 30_000;

/** Methods the front end takes (the core refuses others with 405, §8.2.1). */
const FRONTEND_METHODS = [
  "REGISTER",
  "OPTIONS",
  "INVITE",
  "ACK",
  "CANCEL",
  "BYE",
  "SUBSCRIBE",
  "NOTIFY",
  "BENOTIFY",
  "MESSAGE",
  "INFO",
  "SERVICE",
  "REFER",
  "PRACK",
  "UPDATE",
  "PUBLISH",
];

/** The running front end. */
export class FrontendAgent {
  /** AOR → bindings, for routing (and for tests). */
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly authenticator: FrontendAuthenticator;
  readonly domain: string;
  readonly serverName: string;
  readonly services: readonly FrontendService[];
  readonly #options: FrontendAgentOptions;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #invites: InviteCredentials;
  /** The endpoint each initial branch was signed for, to sign its CANCEL the same way. */
  readonly #branchEndpoints = new WeakMap<SipRequest, { aor: string; epid?: string }>();
  #stopping: Promise<void> | undefined = undefined;
  #sweepTimer: TimerHandle | undefined = undefined;
  #endpoint!: Endpoint;
  #proxy!: StatefulProxy;
  #host!: FrontendHost;

  private constructor(options: FrontendAgentOptions, wheel: TimerWheel) {
    this.#options = options;
    this.#wheel = wheel;
    this.#ownsWheel = options.wheel === undefined;
    this.domain = options.domain.toLowerCase();
    this.serverName = options.serverName ?? options.domain;
    this.location = new LocationService(wheel, (binding) => this.#registrationEnded(binding));
    this.#invites = new InviteCredentials(wheel);
    this.authenticator = new FrontendAuthenticator({
      domain: options.domain,
      users: options.users,
      serverName: this.serverName,
      auth: options.auth,
      digest: options.digest,
      metrics: options.metrics,
    });
    const builtIn = options.provisioning === false
      ? []
      : [new ProvisioningService(options.provisioning)];
    this.services = [...builtIn, ...(options.services ?? [])];
    this.registrar = new Registrar({
      domain: options.domain,
      users: options.users,
      location: this.location,
      expiry: options.expiry,
      metrics: options.metrics,
      serverName: this.serverName,
      allowEvents: this.services.flatMap((s) => s.events ?? []),
    });
  }

  /** Binds the listening address and starts serving. */
  static async start(options: FrontendAgentOptions): Promise<FrontendAgent> {
    const wheel = options.wheel ?? new TimerWheel();
    const agent = new FrontendAgent(options, wheel);
    try {
      agent.#endpoint = await openEndpoint({
        listen: options.listen,
        user: "frontend",
        wheel,
        metrics: options.endpointMetrics,
        tls: options.tls,
        allowedMethods: FRONTEND_METHODS,
        handler: { onRequest: (tx, request) => agent.#onRequest(tx, request) },
        core: {
          supportedExtensions: options.supportedExtensions ?? FRONTEND_EXTENSIONS,
          // MS-SIPAE §3.3.4: the core's own answers (405, 481, 200 to CANCEL, 487...) are
          // signed for the endpoint the From names, when it holds an SA.
          prepareResponse: (response) => void agent.authenticator.sipae?.signResponse(response),
        },
      });
    } catch (error) {
      if (agent.#ownsWheel) wheel.stop();
      throw error;
    }
    const sipae = agent.authenticator.sipae;
    agent.#proxy = new StatefulProxy(agent.#endpoint.core, {
      wheel,
      localHosts: [agent.domain, agent.serverName],
      serverName: agent.serverName,
      locate: (uri) => agent.#locate(uri),
      gate: (hooks) => agent.#gate(hooks),
      // MS-SIPAE §3.3.5.2: in-dialog requests (and 2xx ACKs) are signed for the endpoint their
      // Request-URI (its GRUU) names; initial requests are signed per binding in #route.
      prepareBranch: (branch) => {
        if (branch.to.tag === undefined) return;
        sipae?.signRequest(branch, agent.#endpointOfUri(branch));
      },
      // MS-SIPAE §3.3.4: every response to an endpoint with an SA is signed — forwarded ones
      // and the proxy's own refusals alike — for the sender its From names.
      prepareResponse: (response) => void sipae?.signResponse(response),
      // The CANCEL of a losing fork (§16.7 step 10) is signed for the endpoint it goes to.
      prepareCancel: (cancel, branch) => {
        sipae?.signRequest(
          cancel,
          agent.#branchEndpoints.get(branch) ?? agent.#endpointOfUri(branch),
        );
      },
    });
    agent.#host = agent.#makeHost();
    agent.#armSweep();
    for (const service of agent.services) service.start?.(agent.#host);
    return agent;
  }

  /** Where the front end listens (with the port actually bound). */
  get address(): ListenAddress {
    return this.#endpoint.address;
  }

  /** What services see of the front end. */
  get host(): FrontendHost {
    return this.#host;
  }

  /**
   * Removes the bindings of `aor` (all, or the endpoint with `epid`) and tells each endpoint
   * that registered with `Event: registration` by a registration-notify NOTIFY (MS-SIPREGE 3.2)
   * signed with its SA; `rejected` carries ms-diagnostics-public 4141 "User disabled",
   * `preferred-registrar-change` the P-Preferred-Registrar `preferredRegistrar`. The endpoints'
   * SAs are revoked. Resolves with the statuses of the NOTIFYs' final responses (408 / 503 when
   * none came).
   */
  async deregister(
    aor: string,
    reason: DeregistrationReason,
    options: { epid?: string; preferredRegistrar?: string } = {},
  ): Promise<number[]> {
    const removed = this.location.remove(
      aor,
      (b) => options.epid === undefined || b.endpoint.epid === options.epid,
    );
    return await Promise.all(removed.map((b) => this.#notifyDeregistration(b, reason, options)));
  }

  /**
   * Stops: endpoints that asked for registration events hear `deactivated` (MS-SIPREGE 3.2;
   * answers awaited at most `stopNotifyTimeoutMs`), services stop, every binding is forgotten
   * and the socket closes.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const notified = this.location.addresses().flatMap((aor) =>
      this.location.remove(aor, (b) => b.endpoint.registrationEvents === true)
        .map((b) => this.#notifyDeregistration(b, "deactivated", {}))
    );
    if (notified.length > 0) await this.#bounded(Promise.all(notified));
    for (const service of this.services) service.stop?.();
    if (this.#sweepTimer !== undefined) this.#wheel.cancel(this.#sweepTimer);
    this.#invites.clear();
    this.#proxy.stop();
    this.location.clear();
    await this.#endpoint.close();
    if (this.#ownsWheel) this.#wheel.stop();
  }

  // -------------------------------------------------------------------------------------------

  #onRequest(tx: ServerTransaction, request: SipRequest): void {
    if (request.method === "REGISTER") {
      const refusal = this.registrar.checkRequestUri(request);
      if (refusal !== undefined) return this.#answer(tx, request, undefined, refusal);
    }
    const decision = this.authenticator.authenticate(request);
    if (decision.kind === "drop") return;
    if (decision.kind === "refused") {
      if (request.method === "REGISTER") {
        this.#options.metrics?.registration(
          decision.challenged ? "challenged" : "failed",
          decision.cause,
        );
      }
      return this.#answer(tx, request, undefined, decision);
    }
    const requester = decision.requester;
    if (request.method === "REGISTER") {
      const answer = this.registrar.register(request, tx.source, requester);
      return this.#answer(tx, request, requester, answer);
    }
    const service = this.services.find((s) => s.handles(request));
    if (service !== undefined) return service.handle(this.#context(tx, request, requester));
    if (request.method === "OPTIONS" && this.#addressedToUs(request)) {
      // RFC 3261 §11.2: 200 with Allow, added by the core.
      return this.#answer(tx, request, requester, { status: 200, headers: [] });
    }
    this.#route(tx, request, requester);
  }

  /** MS-SIPRE §4.2 routing through the stateful proxy (RFC 3261 §16). */
  #route(tx: ServerTransaction, request: SipRequest, requester: Requester): void {
    // RFC 3325 §5 / MS-SIPAE §3.3: assert who sent it (removing what the client claimed).
    const asserted = assertIdentity(request, { sip: requester.aor });
    if (!asserted.ok) {
      const diagnostics = authDiagnostics(asserted.diagnosticKind, this.serverName);
      return this.#answer(tx, request, requester, {
        status: asserted.status,
        reason: asserted.reason,
        headers: diagnostics === undefined ? [] : [diagnostics],
      });
    }
    // RFC 3261 §22.1, Digest only: its ACK repeats these credentials (MS-SIPAE ACKs are signed).
    if (requester.scheme === "Digest") this.#invites.remember(request);
    // RFC 3261 §22.3: credentials addressed to this server end here.
    request.removeHeader("Authorization");
    request.removeHeader("Proxy-Authorization");
    const route = routeRequest(request, {
      domain: this.domain,
      location: this.location,
      userExists: (user) => this.registrar.userExists(user),
    });
    if (route.kind === "refuse") {
      const headers: Array<[string, string]> = [];
      if (route.diagnostics !== undefined) {
        const plan = diagnosticsFor(route.diagnostics, { source: this.serverName });
        headers.push([plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)]);
      }
      return this.#answer(tx, request, requester, { status: route.status, headers });
    }
    const byTarget = new Map(route.bindings.map((b) => [b.contact.uriText, b]));
    this.#proxy.forward(
      tx,
      request,
      route.bindings.map((b) => ({ uri: b.contact.uriText, destination: b.source })),
      {
        // MS-SIPAE §3.3.5.2: each branch is signed with its endpoint's SA.
        prepareBranch: (branch, target) => {
          const binding = byTarget.get(target.uri);
          if (binding === undefined) return;
          const endpoint = { aor: binding.aor, epid: binding.endpoint.epid };
          this.#branchEndpoints.set(branch, endpoint);
          this.authenticator.sipae?.signRequest(branch, endpoint);
        },
      },
    );
  }

  /**
   * The proxy's hooks behind the authentication gate: in-dialog requests and ACKs of dialogs the
   * proxy record-routed are authenticated like any request (MS-SIPAE §3.3.5.1: a failed ACK is
   * discarded) and their responses signed for the sender.
   */
  #gate(hooks: UaProxyHooks): UaProxyHooks {
    return {
      onForeignRequest: (tx, request) => {
        const decision = this.authenticator.authenticate(request);
        if (decision.kind === "drop") return;
        if (decision.kind === "refused") return this.#answer(tx, request, undefined, decision);
        if (decision.requester.scheme === "Digest") this.#invites.remember(request);
        request.removeHeader("Authorization");
        request.removeHeader("Proxy-Authorization");
        hooks.onForeignRequest(tx, request);
      },
      // RFC 3261 §16.3: what the front end only routes meets no Require check of its core.
      forwards: (request) => this.#forwards(request),
      onForeignAck: (ack, source) => {
        // MS-SIPAE §3.3.5.1: an ACK that is not authenticated is discarded. Authenticated is a
        // signed ACK (MS-SIPAE clients sign it like any request, MS-SIP §3.1.4.2), or one
        // carrying exactly the credentials of the Digest INVITE it acknowledges (RFC 3261
        // §22.1: "the ACK for a 2xx … will contain the same credentials as the INVITE").
        if (
          !this.#invites.matches(ack) &&
          this.authenticator.authenticate(ack).kind !== "authenticated"
        ) return;
        ack.removeHeader("Authorization");
        ack.removeHeader("Proxy-Authorization");
        hooks.onForeignAck(ack, source);
      },
      onStrayResponse: (response, source) => hooks.onStrayResponse(response, source),
      onCancel: (invite, cancel) => {
        // MS-SIPAE §3.3.5.1: a CANCEL with failing credentials is discarded — it cancels
        // nothing (true: no 487 from the core either). One without credentials is taken as
        // RFC 3261 §22.1 has it (a CANCEL cannot be challenged; it matched its INVITE's
        // transaction), what Digest clients send; MS-SIPAE endpoints sign theirs.
        const credentials = cancel.hasHeader("authorization") ||
          cancel.hasHeader("proxy-authorization");
        if (credentials && this.authenticator.authenticate(cancel).kind !== "authenticated") {
          return true;
        }
        return hooks.onCancel(invite, cancel);
      },
    };
  }

  /** A binding went away: services hear of the endpoint (MS-PRES presence ends with it). */
  #registrationEnded(binding: Binding): void {
    const { epid, instance, gruu } = binding.endpoint;
    const endpointId = epid ?? instance ?? gruu ?? `${binding.source.host}:${binding.source.port}`;
    for (const service of this.services) service.registrationEnded?.(binding.aor, endpointId);
  }

  /** The endpoint an in-dialog request's Request-URI names, for signing (MS-SIPAE §3.3.5.2). */
  #endpointOfUri(request: SipRequest): { aor: string; epid?: string } | undefined {
    const uri = request.requestUri;
    const binding = isSipUri(uri) ? bindingForUri(uri, this.domain, this.location) : undefined;
    return binding === undefined ? undefined : { aor: binding.aor, epid: binding.endpoint.epid };
  }

  /**
   * RFC 3261 §16.3: a request the front end only proxies — not REGISTER, not a service's,
   * not OPTIONS to the front end itself; in a dialog, one of a dialog it does not hold.
   */
  #forwards(request: SipRequest): boolean {
    if (request.to.tag !== undefined) {
      return this.#endpoint.core.dialogs.matchRequest(request).kind !== "dialog";
    }
    if (request.method === "REGISTER") return false;
    if (request.method === "OPTIONS" && this.#addressedToUs(request)) return false;
    return !this.services.some((s) => s.handles(request));
  }

  /** Where an in-dialog Request-URI (a GRUU, MS-SIPRE §4.2, or an AOR) goes: its flow. */
  #locate(uri: SipUri): Destination | undefined {
    return bindingForUri(uri, this.domain, this.location)?.source;
  }

  #addressedToUs(request: SipRequest): boolean {
    const uri = request.requestUri;
    if (!isSipUri(uri)) return false;
    const host = uri.host.toLowerCase();
    const identity = this.#endpoint.core.identity;
    return uri.user === undefined &&
      (host === this.domain || host === this.serverName.toLowerCase() ||
        host === identity?.viaHost);
  }

  #context(
    tx: ServerTransaction,
    request: SipRequest,
    requester: Requester,
  ): FrontendRequestContext {
    let gruu: string | undefined;
    if (requester.endpoint.instance !== undefined) {
      gruu = this.location.lookup(requester.aor).find((b) =>
        b.endpoint.instance?.toLowerCase() === requester.endpoint.instance?.toLowerCase()
      )?.endpoint.gruu;
    }
    return {
      request,
      tx,
      user: requester.aor,
      endpoint: { ...requester.endpoint, gruu },
      respond: (status, options?: FrontendResponseOptions) =>
        this.#answer(tx, request, requester, {
          status,
          reason: options?.reason,
          headers: options?.headers ?? [],
          body: options?.body,
          contentType: options?.contentType,
          toTag: options?.toTag,
        }),
    };
  }

  /** Builds, signs (authenticated MS-SIPAE requester) and sends a response. */
  #answer(
    tx: ServerTransaction,
    request: SipRequest,
    requester: Requester | undefined,
    answer: {
      status: number;
      reason?: string;
      headers: Array<[string, string]>;
      body?: Uint8Array;
      contentType?: string;
      toTag?: string;
    },
  ): void {
    const core = this.#endpoint.core;
    const response = core.createResponse(request, answer.status, answer.reason, {
      headers: answer.headers,
      body: answer.body,
      contentType: answer.contentType,
      toTag: answer.toTag,
    });
    this.authenticator.signResponse(response, requester);
    core.respond(tx, response);
  }

  #makeHost(): FrontendHost {
    const core = this.#endpoint.core;
    const signRequest = (request: SipRequest, endpoint?: { aor: string; epid?: string }) =>
      this.authenticator.sipae?.signRequest(request, endpoint) ?? false;
    return {
      core,
      domain: this.domain,
      serverName: this.serverName,
      location: this.location,
      userExists: (aor) => {
        const m = /^sips?:([^@;]+)@([^;>]+)$/i.exec(aor);
        return m !== null && m[2].toLowerCase() === this.domain && this.registrar.userExists(m[1]);
      },
      signRequest,
      signResponse: (response) => this.authenticator.sipae?.signResponse(response) ?? false,
      sendRequest: (
        request: SipRequest,
        destination: Destination,
        callbacks?: RequestCallbacks,
      ): OutgoingRequest => {
        signRequest(request);
        return core.request(request, destination, callbacks);
      },
    };
  }

  #notifyDeregistration(
    binding: Binding,
    reason: DeregistrationReason,
    options: { preferredRegistrar?: string },
  ): Promise<number> {
    const sa = binding.endpoint.epid === undefined
      ? undefined
      : this.authenticator.sipae?.securityAssociationOf(binding.aor, binding.endpoint.epid);
    if (!binding.endpoint.registrationEvents) {
      if (sa !== undefined) this.authenticator.sipae?.revoke(sa.opaque);
      return Promise.resolve(0);
    }
    const notify = deregistrationNotify(binding, {
      reason,
      contact: this.#endpoint.core.identity?.contact ?? `sip:${this.serverName}`,
      preferredRegistrar: options.preferredRegistrar,
      diagnostics: reason === "rejected" ? diagnosticsHeader(4141, this.serverName) : undefined,
    });
    this.authenticator.sipae?.signRequest(notify, {
      aor: binding.aor,
      epid: binding.endpoint.epid,
    });
    return new Promise<number>((resolve) => {
      this.#endpoint.core.request(notify, binding.source, {
        onFinal: (response) => {
          if (sa !== undefined) this.authenticator.sipae?.revoke(sa.opaque);
          resolve(response.status);
        },
      });
    });
  }

  /**
   * MS-SIPAE guide §7.3: half-open contexts (60 s) and SAs past their lifetime are dropped by a
   * periodic sweep, so that abandoned handshakes do not fill the table.
   */
  #armSweep(): void {
    this.#sweepTimer = this.#wheel.schedule(SA_SWEEP_MS, () => {
      this.authenticator.sipae?.sweep();
      this.#armSweep();
    });
  }

  /** `work`, or nothing after `stopNotifyTimeoutMs`. */
  async #bounded(work: Promise<unknown>): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.stopNotifyTimeoutMs ?? 2000);
    });
    try {
      await Promise.race([work, limit]);
    } finally {
      clearTimeout(timer);
    }
  }
}
