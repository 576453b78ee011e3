/**
 * What a signed-in Lync endpoint offers the agents it hosts (IM, presence): an
 * `ImEndpoint`-compatible view — a user agent core whose identity is the endpoint's (Contact =
 * its GRUU, Via = its connection's local address), the user's AOR, the endpoint id and the home
 * server — and a handler slot for the requests addressed to that endpoint.
 *
 * Design: the endpoint's session core is its own {@link UserAgentCore} (made on first use, so
 * endpoints that only sign in cost nothing more), over a transport that writes on the endpoint's
 * current connection (MS-CONMGMT §4: everything to and from the outbound proxy rides the
 * endpoint's own connection). The client hands it every message of that connection that is not
 * sign-in traffic (see `LyncEndpoint.isSignInTraffic`), after the MS-SIPAE check (MS-SIP
 * §3.1.5.2: unsigned or badly signed messages from the server are discarded).
 *
 * MS-SIPAE signing (MS-SIP §3.1.4.2): every request this core sends carries the endpoint's
 * signature — the agent's own (`request`, overridden here) and those the core builds (ACK for a
 * 2xx, BYE, CANCEL: the core's `prepareRequest` hook). A client signs requests only; its
 * responses travel unsigned and the front end signs them for their receiver (MS-SIPAE §3.3.4).
 *
 * @example
 * ```ts
 * const session = endpoint.session(); // once the endpoint is online
 * endpoint.setHandler(new ImAgent(session).asHandler());
 * ```
 *
 * @module
 */
import type { AnySipMessage, SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { TransactionMetricsSink } from "../../lab/sip/transaction/mod.ts";
import {
  type OutgoingRequest,
  type RequestCallbacks,
  type UaHandler,
  type UaTransport,
  UserAgentCore,
} from "../../lab/sip/ua/mod.ts";
import type { EndpointAuth } from "./endpoint_auth.ts";

/**
 * Methods a Lync endpoint takes from its server (MS-SIPRE, MS-PRES, IM.md): sessions, IM,
 * presence notifications, in-band services and capabilities.
 */
export const LYNC_ENDPOINT_METHODS: readonly string[] = Object.freeze([
  "INVITE",
  "ACK",
  "BYE",
  "CANCEL",
  "MESSAGE",
  "INFO",
  "NOTIFY",
  "BENOTIFY",
  "SERVICE",
  "SUBSCRIBE",
  "OPTIONS",
]);

/**
 * Option tags a Lync endpoint understands (MS-SIPRE 2.2.x, MS-PRES 2.2.x): the same list it
 * puts in REGISTER's Supported.
 */
export const LYNC_ENDPOINT_EXTENSIONS: readonly string[] = Object.freeze([
  "ms-text-format",
  "ms-benotify",
  "ms-piggyback-first-notify",
  "eventlist",
  "adhoclist",
  "categoryList",
  "gruu-10",
]);

/**
 * The view an agent runs on: structurally an `ImEndpoint` (agents/im), usable by any agent
 * that needs a signed-in endpoint.
 */
export interface EndpointSession {
  /** The endpoint's own core: Contact its GRUU, requests signed and sent on its connection. */
  readonly core: UserAgentCore;
  /** The user's address of record (From of every request, MS-SIPRE 3.2). */
  readonly aor: string;
  /** MS-SIPRE 2.2.7: the endpoint id (put on From as `epid`). */
  readonly epid: string;
  /**
   * The home server: the endpoint's current connection (requests outside a dialog). Throws while
   * the endpoint has none (dropped, reconnecting): check {@link connected} first.
   */
  readonly outbound: Destination;
  /** Whether the endpoint has a connection to its home server right now. */
  readonly connected: boolean;
}

/**
 * The {@link EndpointSession} of one endpoint: `outbound` follows the endpoint's connection.
 *
 * @example
 * ```ts
 * const session = new SessionView(core, aor, epid, () => endpoint.flow?.remote);
 * ```
 */
export class SessionView implements EndpointSession {
  readonly #server: () => Destination | undefined;

  constructor(
    readonly core: UserAgentCore,
    readonly aor: string,
    readonly epid: string,
    server: () => Destination | undefined,
  ) {
    this.#server = server;
  }

  get connected(): boolean {
    return this.#server() !== undefined;
  }

  get outbound(): Destination {
    const server = this.#server();
    if (server === undefined) throw new Error(`endpoint ${this.aor} has no connection`);
    return server;
  }
}

/** What the session core needs from its endpoint. */
export interface SessionLink {
  readonly auth: EndpointAuth;
  /** Writes on the endpoint's connection. */
  send(message: AnySipMessage): Promise<void>;
}

/**
 * The endpoint's session core: a user agent core that signs every request it sends with the
 * endpoint's MS-SIPAE security association (see the module documentation).
 *
 * @example
 * ```ts
 * const core = EndpointCore.create(link, wheel, handler);
 * core.request(message, undefined, { onFinal: (res) => console.log(res.status) });
 * ```
 */
export class EndpointCore extends UserAgentCore<UaTransport> {
  readonly #auth: EndpointAuth;

  private constructor(
    link: SessionLink,
    wheel: TimerWheel,
    handler: UaHandler,
    metrics: TransactionMetricsSink | undefined,
  ) {
    super({
      wheel,
      metrics: { transaction: metrics },
      allowedMethods: LYNC_ENDPOINT_METHODS,
      supportedExtensions: LYNC_ENDPOINT_EXTENSIONS,
      handler,
      // The connection, whatever dialog or transaction the destination came from: after a
      // reconnection the endpoint's dialogs continue on its new connection.
      createTransport: () => ({
        reliable: () => true,
        send: (msg) => link.send(msg),
      }),
      // MS-SIP §3.1.4.2: ACK, BYE and CANCEL built by the core are signed like the rest.
      prepareRequest: (request) => link.auth.authorize(request),
    });
    this.#auth = link.auth;
  }

  /** A started session core for `link`, whose Contact is `contact` (the GRUU). */
  static create(
    link: SessionLink,
    wheel: TimerWheel,
    handler: UaHandler,
    identity: { viaHost: string; viaPort: number; protocol: string; contact: string },
    metrics?: TransactionMetricsSink,
  ): EndpointCore {
    const core = new EndpointCore(link, wheel, handler, metrics);
    core.start(identity);
    return core;
  }

  /**
   * Answers as the core does, except a BENOTIFY: MS-SIP §3.5 — it is never answered, whatever
   * the agent (an IM-only handler answers everything else 200) tries.
   */
  override respond(tx: ServerTransaction, response: SipResponse): boolean {
    if (tx.request.method === "BENOTIFY") return false;
    return super.respond(tx, response);
  }

  /** Signs `request` (MS-SIP §3.1.4.2, last: the signature covers From/To/Call-ID/CSeq). */
  override request(
    request: SipRequest,
    destination?: Destination,
    callbacks?: RequestCallbacks,
  ): OutgoingRequest {
    this.#auth.authorize(request);
    return super.request(request, destination, callbacks);
  }
}
