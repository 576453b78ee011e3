/**
 * The plug-in point for the front end's services (presence, roaming, conferencing, in-band
 * provisioning …). The front end authenticates every request first (MS-SIPAE or Digest); only
 * then does it ask each service, in the order given, whether it {@link FrontendService.handles}
 * the request. The first that does answers it through a {@link FrontendRequestContext}, whose
 * `respond` signs the response for an MS-SIPAE endpoint (MS-SIPAE §3.3.4). Requests no service
 * takes are routed to the registered endpoints (MS-SIPRE).
 *
 * Requests a service sends to an endpoint (NOTIFY, BENOTIFY …) must be signed too when the
 * endpoint has a security association (MS-SIPAE §3.3.5.2: "used to sign … every request routed
 * to it"): build them with `host.core`, then call {@link FrontendHost.signRequest} last, just
 * before `host.core.request(...)` (the signature covers From, To, Call-ID, CSeq, Expires and
 * P-Asserted-Identity, so those must not change afterwards), or let {@link FrontendHost.sendRequest}
 * do both.
 *
 * @example
 * ```ts
 * const echo: FrontendService = {
 *   name: "echo",
 *   handles: (request) => request.method === "SERVICE",
 *   handle: (context) => context.respond(200, { body: context.request.body, contentType: "text/plain" }),
 * };
 * await FrontendAgent.start({ ...options, services: [echo] });
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import type { Destination, ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import type { TransportManager } from "../../lab/sip/transport/mod.ts";
import type { OutgoingRequest, RequestCallbacks, UserAgentCore } from "../../lab/sip/ua/mod.ts";
import type { LocationService } from "./location_service.ts";

/** The endpoint behind a request, as far as it identified itself (MS-SIPRE §3). */
export interface EndpointIdentity {
  /** From `epid` (MS-SIPRE 2.2.7). */
  readonly epid?: string;
  /** `+sip.instance` UUID of its binding or of the request's Contact (MS-SIPRE 2.2.5). */
  readonly instance?: string;
  /** The GRUU the registrar issued to it (MS-SIPRE 3.4). */
  readonly gruu?: string;
}

/** Options of {@link FrontendRequestContext.respond}. */
export interface FrontendResponseOptions {
  reason?: string;
  headers?: Array<[string, string]>;
  body?: Uint8Array;
  contentType?: string;
  /** The To tag of a response to a request without one (to send in-dialog requests after it). */
  toTag?: string;
}

/** One authenticated request handed to a service. */
export interface FrontendRequestContext {
  readonly request: SipRequest;
  readonly tx: ServerTransaction;
  /** Authenticated user's canonical AOR, e.g. "sip:alice@lab.sipfleet.test". */
  readonly user: string;
  /** The endpoint that sent it (epid from From, +sip.instance, GRUU when known). */
  readonly endpoint: EndpointIdentity;
  /** Answer (signed for MS-SIPAE endpoints by the front end). */
  respond(status: number, options?: FrontendResponseOptions): void;
}

/** What the front end offers its services. */
export interface FrontendHost {
  readonly core: UserAgentCore<TransportManager>; // to create subscription dialogs / send NOTIFY
  readonly domain: string;
  /** The front end's FQDN: `source` of ms-diagnostics, NTLM / TLS-DSK targetname. */
  readonly serverName: string;
  readonly location: LocationService;
  /** Whether a user exists in the user store. */
  userExists(aor: string): boolean;
  /**
   * Signs a request for the endpoint it goes to (MS-SIPAE §3.3.4): the SA of `endpoint`, or of
   * the To AOR and To `epid`. Call last before sending. False when that endpoint has no SA
   * (a Digest client or an unknown endpoint): the request goes unsigned.
   */
  signRequest(request: SipRequest, endpoint?: { aor: string; epid?: string }): boolean;
  /**
   * Signs a response the service builds itself (for example with a body and its own To tag) for
   * the endpoint named in its From; false when there is no SA.
   */
  signResponse(response: SipResponse): boolean;
  /** Signs `request` with {@link FrontendHost.signRequest} and sends it to `destination`. */
  sendRequest(
    request: SipRequest,
    destination: Destination,
    callbacks?: RequestCallbacks,
  ): OutgoingRequest;
}

/** A service of the front end. */
export interface FrontendService {
  readonly name: string;
  /** Event packages it serves, advertised in Allow-Events of the REGISTER 200 (MS-SIPREGE §3.4). */
  readonly events?: readonly string[];
  /** Requests this service answers (e.g. SERVICE, SUBSCRIBE with Event: presence). Checked after authentication. */
  handles(request: SipRequest): boolean;
  handle(context: FrontendRequestContext): void;
  /** Called once when the front end starts. */
  start?(host: FrontendHost): void;
  stop?(): void;
  /**
   * An endpoint's registration ended (unregistered, removed by the server, or lapsed):
   * `endpointId` is its epid, else its `+sip.instance`, else its GRUU — the same id
   * {@link FrontendRequestContext.endpoint} gives (MS-PRES: its presence and subscriptions end).
   */
  registrationEnded?(aor: string, endpointId: string): void;
}
