/**
 * The lab's Communications Server front end, first slice: a registrar (registrar.ts) with its
 * location service on one listening endpoint, answering REGISTER (RFC 3261 §10.3) and OPTIONS
 * (§11.2). Other methods get 405 from the user agent core (§8.2.1).
 *
 * Digest defaults to MD5 only: SIPp 3.6.1 answers MD5 challenges only, and a REGISTER answered
 * with several challenges (RFC 8760) would have SIPp pick the first. Pass
 * `digest.algorithms: ["SHA-256", "MD5"]` for clients that do better.
 *
 * @example
 * ```ts
 * const frontend = await FrontendAgent.start({
 *   listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
 *   domain: "lab.sipfleet.test",
 *   users: (name) => name === "alice" ? { password: "secret" } : undefined,
 * });
 * frontend.location.lookup("sip:alice@lab.sipfleet.test");
 * await frontend.stop();
 * ```
 *
 * @module
 */
import {
  type CredentialLookup,
  type DigestAlgorithm,
  DigestVerifier,
} from "../../lab/auth/digest/mod.ts";
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import {
  type Endpoint,
  type EndpointOptions,
  type ListenAddress,
  openEndpoint,
} from "../sip_endpoint.ts";
import { LocationService } from "./location_service.ts";
import type { ExpiryPolicy } from "./registration_request.ts";
import { Registrar } from "./registrar.ts";
import type { RegistrarMetricsSink } from "./registrar_metrics.ts";

/** Digest settings of the front end. */
export interface FrontendDigestOptions {
  /** Offered algorithms, most preferred first; default ["MD5"] (see the module notes). */
  algorithms?: readonly DigestAlgorithm[];
  /** Nonce lifetime; default 300 000 ms. */
  nonceLifetimeMs?: number;
  /** Clock of the nonces, ms; default Date.now. */
  now?: () => number;
  /** Nonce MAC key (≥ 16 bytes); default 32 random bytes per start. */
  secret?: Uint8Array;
}

/** Options of {@link FrontendAgent.start}. */
export interface FrontendAgentOptions {
  listen: ListenAddress;
  /** The SIP domain served, also the Digest realm. */
  domain: string;
  /** The user store (credentials by user name). */
  users: CredentialLookup;
  /** Timer wheel for transactions and binding expiry; default an own one. */
  wheel?: TimerWheel;
  /** Registrations by outcome and reason. */
  metrics?: RegistrarMetricsSink;
  /** Transaction and transport metrics of the endpoint. */
  endpointMetrics?: EndpointOptions["metrics"];
  tls?: EndpointOptions["tls"];
  expiry?: Partial<ExpiryPolicy>;
  digest?: FrontendDigestOptions;
  /** The server's FQDN in ms-diagnostics; default the domain. */
  serverName?: string;
}

/** Methods the front end answers (the core refuses others with 405, §8.2.1). */
const FRONTEND_METHODS = ["REGISTER", "OPTIONS"];

/** The running front end. */
export class FrontendAgent {
  /** AOR → bindings, for routing (and for tests). */
  readonly location: LocationService;
  readonly registrar: Registrar;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  #endpoint!: Endpoint;

  private constructor(options: FrontendAgentOptions, wheel: TimerWheel) {
    this.#wheel = wheel;
    this.#ownsWheel = options.wheel === undefined;
    this.location = new LocationService(wheel);
    const digest = options.digest ?? {};
    const verifier = new DigestVerifier({
      realm: options.domain,
      secret: digest.secret ?? crypto.getRandomValues(new Uint8Array(32)),
      lookup: options.users,
      algorithms: digest.algorithms ?? ["MD5"],
      nonceLifetimeMs: digest.nonceLifetimeMs,
      now: digest.now,
    });
    this.registrar = new Registrar({
      domain: options.domain,
      users: options.users,
      location: this.location,
      verifier,
      expiry: options.expiry,
      metrics: options.metrics,
      serverName: options.serverName,
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
      });
    } catch (error) {
      if (agent.#ownsWheel) wheel.stop();
      throw error;
    }
    return agent;
  }

  /** Where the front end listens (with the port actually bound). */
  get address(): ListenAddress {
    return this.#endpoint.address;
  }

  /** Stops listening and forgets every binding. */
  async stop(): Promise<void> {
    this.location.clear();
    await this.#endpoint.close();
    if (this.#ownsWheel) this.#wheel.stop();
  }

  #onRequest(tx: ServerTransaction, request: SipRequest): void {
    const core = this.#endpoint.core;
    if (request.method === "REGISTER") {
      const answer = this.registrar.register(request, tx.source);
      core.respond(
        tx,
        core.createResponse(request, answer.status, answer.reason, { headers: answer.headers }),
      );
      return;
    }
    // OPTIONS (RFC 3261 §11.2): 200 with Allow, added by the core.
    core.respond(tx, core.createResponse(request, 200));
  }
}
