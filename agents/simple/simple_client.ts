/**
 * The standard-SIP (non-Microsoft) client of the lab: many users on one endpoint (one socket),
 * each with its own Digest credentials, registration, presence publication, presence watches,
 * pager-mode messages and basic calls, all through one registrar-proxy (a SIMPLE server such as
 * Kamailio with its presence modules).
 *
 * Inbound requests are routed to their user by the Request-URI's user part (each user
 * registers its own Contact `sip:<name>@<host>:<port>`), NOTIFYs to their watch by Call-ID.
 *
 * @example
 * ```ts
 * const client = await SimpleClient.start({
 *   listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
 *   server: { protocol: "udp", host: "127.0.0.1", port: 5060 },
 *   domain: "lab.sipfleet.test",
 * });
 * const alice = client.addUser({ name: "alice", password: "secret" });
 * await alice.register();
 * await alice.publish("busy", "in a meeting");
 * await client.stop();
 * ```
 *
 * @module
 */
import { DigestClient } from "../../lab/auth/digest/mod.ts";
import { isSipUri, type SipRequest } from "../../lab/sip/message/mod.ts";
import type { Dialog } from "../../lab/sip/dialog/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { Availability } from "../../lab/protocols/pidf/mod.ts";
import {
  type DiagnosticErrorKind,
  diagnosticsFor,
  formatMsDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";
import type { CallOutcome } from "../uac/caller.ts";
import {
  type Endpoint,
  type EndpointOptions,
  type ListenAddress,
  openEndpoint,
} from "../sip_endpoint.ts";
import { Publication, type PublicationOptions, type PublicationResult } from "./publication.ts";
import { Registration, type RegistrationOptions, type RegistrationResult } from "./registration.ts";
import {
  PresenceWatch,
  type PresenceWatchHandlers,
  type PresenceWatchOptions,
} from "./presence_watch.ts";
import { judgeMessage, type MessageResult, type ReceivedMessage, sendMessage } from "./pager.ts";
import { type CallOptions, SimpleCalls } from "./simple_calls.ts";
import type { SimpleUserContext } from "./user_context.ts";

/** Methods a standard-SIP lab user receives (RFC 3261 §8.2.1 Allow). */
const ALLOWED_METHODS = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "MESSAGE", "NOTIFY"];

/** Options of {@link SimpleClient.start}. */
export interface SimpleClientOptions {
  listen: ListenAddress;
  /** The registrar-proxy every request outside a dialog goes to. */
  server: ListenAddress;
  /** The users' domain (AoRs `sip:<name>@<domain>`), also the Digest realm they expect. */
  domain: string;
  wheel?: TimerWheel;
  metrics?: EndpointOptions["metrics"];
  uaMetrics?: EndpointOptions["uaMetrics"];
  tls?: EndpointOptions["tls"];
}

/** One account of the domain. */
export interface SimpleAccount {
  name: string;
  password: string;
  displayName?: string;
}

/** What a user hears about. */
export interface SimpleUserHandlers {
  /** A MESSAGE it accepted (answered 200, RFC 3428 §7). */
  onMessage?(message: ReceivedMessage): void;
}

/** Per-user settings. */
export interface SimpleUserOptions {
  registration?: RegistrationOptions;
  publication?: PublicationOptions;
  handlers?: SimpleUserHandlers;
}

/** One simulated user. */
export class SimpleUser implements SimpleUserContext {
  readonly name: string;
  readonly aor: string;
  readonly fromValue: string;
  readonly contact: string;
  readonly digest: DigestClient;
  readonly registration: Registration;
  readonly publication: Publication;
  readonly #client: SimpleClient;
  readonly #handlers: SimpleUserHandlers;
  readonly #watches = new Set<PresenceWatch>();
  /** MESSAGEs accepted. */
  received = 0;

  constructor(client: SimpleClient, account: SimpleAccount, options: SimpleUserOptions) {
    this.#client = client;
    this.name = account.name;
    this.aor = `sip:${account.name}@${client.domain}`;
    this.fromValue = account.displayName === undefined
      ? `<${this.aor}>`
      : `"${account.displayName.replace(/["\\]/g, "\\$&")}" <${this.aor}>`;
    const local = client.address;
    this.contact = `<sip:${account.name}@${local.host}:${local.port}${
      local.protocol === "udp" ? "" : `;transport=${local.protocol}`
    }>`;
    this.digest = new DigestClient({ username: account.name, password: account.password });
    this.#handlers = options.handlers ?? {};
    this.registration = new Registration(this, options.registration);
    this.publication = new Publication(this, options.publication);
  }

  get core() {
    return this.#client.core;
  }

  get wheel(): TimerWheel {
    return this.#client.wheel;
  }

  get server(): Destination {
    return this.#client.serverDestination;
  }

  /** REGISTER with Digest (RFC 3261 §10.2, §22); refreshed until {@link unregister}. */
  register(): Promise<RegistrationResult> {
    return this.registration.register();
  }

  /** REGISTER with Expires 0 (§10.2.2). */
  unregister(): Promise<RegistrationResult> {
    return this.registration.unregister();
  }

  /** Publishes `state` as PIDF (RFC 3903; initial or modify). */
  publish(state: Availability, note?: string): Promise<PublicationResult> {
    return this.publication.publish(state, note);
  }

  /** Watches `presentity`'s presence (RFC 3856). */
  watch(
    presentity: string,
    handlers: PresenceWatchHandlers = {},
    options: PresenceWatchOptions = {},
  ): PresenceWatch {
    const watch = new PresenceWatch(this, presentity, {
      onPresence: handlers.onPresence,
      onEnded: (end) => {
        this.#watches.delete(watch);
        this.#client.forgetWatch(watch);
        handlers.onEnded?.(end);
      },
    }, options);
    this.#watches.add(watch);
    watch.start();
    this.#client.trackWatch(watch);
    return watch;
  }

  /** Sends a pager-mode MESSAGE (RFC 3428). */
  message(to: string, text: string, contentType?: string): Promise<MessageResult> {
    return sendMessage(this, to, text, contentType);
  }

  /** Calls `to` through the server; resolves when the call has ended. */
  call(to: string, options: CallOptions = {}): Promise<CallOutcome> {
    return new Promise((resolve) => this.#client.calls.call(this, to, options, resolve));
  }

  /** A MESSAGE for this user (RFC 3428 §7). */
  receiveMessage(tx: ServerTransaction, request: SipRequest): void {
    const core = this.core;
    const verdict = judgeMessage(request);
    if (!verdict.accepted) {
      core.respond(
        tx,
        core.createResponse(request, verdict.status, verdict.reason, { headers: verdict.headers }),
      );
      return;
    }
    core.respond(tx, core.createResponse(request, 200));
    this.received++;
    this.#handlers.onMessage?.(verdict.message);
  }

  /** Stops this user's timers (the client is closing; nothing is sent). */
  dispose(): void {
    this.registration.dispose();
    this.publication.dispose();
  }
}

/** The lab's standard-SIP client: one endpoint, many users. */
export class SimpleClient {
  readonly domain: string;
  readonly calls: SimpleCalls;
  readonly #options: SimpleClientOptions;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #users = new Map<string, SimpleUser>();
  readonly #watchesByCallId = new Map<string, PresenceWatch>();
  #endpoint!: Endpoint;

  private constructor(options: SimpleClientOptions, wheel: TimerWheel) {
    this.#options = options;
    this.domain = options.domain;
    this.#wheel = wheel;
    this.#ownsWheel = options.wheel === undefined;
    this.calls = new SimpleCalls({ mediaAddress: options.listen.host.replace(/^\[|\]$/g, "") });
  }

  /** Binds the endpoint. */
  static async start(options: SimpleClientOptions): Promise<SimpleClient> {
    const wheel = options.wheel ?? new TimerWheel();
    const client = new SimpleClient(options, wheel);
    try {
      client.#endpoint = await openEndpoint({
        listen: options.listen,
        user: "simple",
        wheel,
        metrics: options.metrics,
        uaMetrics: options.uaMetrics,
        tls: options.tls,
        allowedMethods: ALLOWED_METHODS,
        handler: {
          onRequest: (tx, request, dialog) => client.#onRequest(tx, request, dialog),
          onAck: (ack) => client.calls.acknowledged(ack.callId),
          onCancel: (tx) => client.calls.cancelled(tx.request.callId),
          onAckTimeout: (dialog) => client.calls.serverFailed(dialog.id.callId, "ACK_TIMEOUT"),
          onDialogTerminated: (dialog, cause) => client.calls.dialogEnded(dialog, cause),
          onServerFailure: (tx) => client.calls.serverFailed(tx.request.callId, "SERVER_FAILURE"),
        },
      });
    } catch (error) {
      if (client.#ownsWheel) wheel.stop();
      throw error;
    }
    return client;
  }

  /** Where the endpoint listens (port actually bound). */
  get address(): ListenAddress {
    return this.#endpoint.address;
  }

  get core(): Endpoint["core"] {
    return this.#endpoint.core;
  }

  get wheel(): TimerWheel {
    return this.#wheel;
  }

  /** The server as a transport destination. */
  get serverDestination(): Destination {
    const { protocol, host, port } = this.#options.server;
    return { protocol, host, port };
  }

  /** Adds a user hosted on this endpoint. */
  addUser(account: SimpleAccount, options: SimpleUserOptions = {}): SimpleUser {
    if (this.#users.has(account.name)) throw new Error(`user ${account.name} already added`);
    const user = new SimpleUser(this, account, options);
    this.#users.set(account.name, user);
    return user;
  }

  /** Routes NOTIFYs of `watch` here (by its Call-ID). */
  trackWatch(watch: PresenceWatch): void {
    if (watch.callId !== undefined) this.#watchesByCallId.set(watch.callId, watch);
  }

  forgetWatch(watch: PresenceWatch): void {
    if (watch.callId !== undefined && this.#watchesByCallId.get(watch.callId) === watch) {
      this.#watchesByCallId.delete(watch.callId);
    }
  }

  /** Stops every timer and the endpoint; nothing more is sent (no un-REGISTER). */
  async stop(): Promise<void> {
    for (const user of this.#users.values()) user.dispose();
    this.calls.clear();
    this.#watchesByCallId.clear();
    await this.#endpoint.close();
    if (this.#ownsWheel) this.#wheel.stop();
  }

  #onRequest(tx: ServerTransaction, request: SipRequest, dialog: Dialog | undefined): void {
    const core = this.core;
    if (request.method === "NOTIFY") {
      // RFC 6665 §4.1.3: the subscription is found by Call-ID (and tags, checked by it).
      const advice = this.#watchesByCallId.get(request.callId)?.receiveNotify(request);
      if (advice === undefined) {
        this.#refuse(
          tx,
          request,
          "presence-subscription-dialog-missing",
          "Subscription Does Not Exist",
        );
        return;
      }
      core.respond(
        tx,
        core.createResponse(request, advice.status, advice.reason, { headers: advice.headers }),
      );
      return;
    }
    if (request.method === "INVITE" && dialog !== undefined) {
      // A re-INVITE: the session stays as it is (§14.2).
      core.respond(tx, core.createResponse(request, 200));
      return;
    }
    if (request.method === "OPTIONS") {
      core.respond(tx, core.createResponse(request, 200));
      return;
    }
    const user = this.#userOf(request);
    if (user === undefined) {
      // §21.4.5: nobody of that name on this endpoint.
      this.#refuse(tx, request, "user-not-found", "Not Found - No Such User Here");
      return;
    }
    if (request.method === "MESSAGE") user.receiveMessage(tx, request);
    else if (request.method === "INVITE") this.calls.incoming(user, tx, request);
    else core.respond(tx, core.createResponse(request, 405));
  }

  /** A specific 4xx with the lab's diagnostics header (MS-OCER; standard peers ignore it). */
  #refuse(
    tx: ServerTransaction,
    request: SipRequest,
    kind: DiagnosticErrorKind,
    reason: string,
  ): void {
    const plan = diagnosticsFor(kind);
    const core = this.core;
    core.respond(
      tx,
      core.createResponse(request, plan.status, reason, {
        headers: [[plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)]],
      }),
    );
  }

  /** The user named by the Request-URI (its registered Contact) or, failing that, the To. */
  #userOf(request: SipRequest): SimpleUser | undefined {
    for (const uri of [request.requestUri, request.to.uri]) {
      if (isSipUri(uri) && uri.user !== undefined) {
        const user = this.#users.get(uri.user);
        if (user !== undefined) return user;
      }
    }
    return undefined;
  }
}
