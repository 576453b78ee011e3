/**
 * The registrar (RFC 3261 §10.3) of the lab front end with MS-SIPREGE and MS-SIPRE. Pure
 * request → answer logic; the agent (frontend_agent.ts) authenticates first
 * (frontend_authenticator.ts) and puts the answer on the wire, signed for MS-SIPAE endpoints.
 *
 * Processing order, each refusal counted (registrar_metrics.ts) and, where MS-OCER names one,
 * carrying an `ms-diagnostics` header (lab/protocols/ocer):
 * 1. §10.3 step 1: the Request-URI must name this domain → else 404, ErrorId 1005
 *    ({@link Registrar.checkRequestUri}, before authentication).
 * 2. §10.3 step 3 / §22, MS-SIPAE: done by the agent's authenticator.
 * 3. §10.3 step 4: the authenticated user may only touch its own bindings: the To user must be
 *    the authenticated user → else 403, ErrorId 4004.
 * 4. §10.3 step 5: the To AOR must be a user of this domain → else 404, ErrorId 4005.
 * 5. MS-SIPREGE 2.2.1.1 / 3.1.2.5.1: an Event header, when present, must be `registration` →
 *    else 489, ErrorId 4055; `Supported: msrtc-event-categories` needs `gruu-10` → else 421,
 *    ErrorId 2057.
 * 6. MS-SIPREGE 3.1.2.5.1 / MS-SIPAE §3.3.5.2: an MS-SIPAE endpoint must name itself (epid or
 *    `+sip.instance`) → else 400, ErrorId 4010; when several identifiers are present they must
 *    agree (instance derived from the epid, GRUU issued for it, MS-SIPRE §3) → else 400, 4010.
 * 7. §10.3 steps 6–7: Contact / Expires (registration_request.ts) → 400 for `*` misuse or an
 *    unreadable Contact, 423 with Min-Expires for too short an interval; the location service
 *    applies the Call-ID/CSeq rule atomically → 500 when a binding has the same Call-ID and a
 *    CSeq not below the request's ("the request fails"; 500 as §12.2.2 answers out-of-order
 *    CSeq in a dialog). A binding is the endpoint's: a new REGISTER of the same instance
 *    replaces its contact (MS-SIPRE §4.2).
 * 8. §10.3 step 8: 200 listing every current binding with its `expires`, a Date header;
 *    MS-SIPRE 3.4: `gruu="sip:<aor>;opaque=user:epid:<token>;gruu"` on the Contact of each
 *    binding whose client sent `Supported: gruu-10` and a `+sip.instance`; MS-SIPREGE 2.2.1.4
 *    `presence-state` for clients that announce MS presence support; `Allow-Events` with the
 *    events the front end's services accept (MS-SIPREGE §3.4 captures); MS-CONMGMT 2.2.1
 *    `ms-keep-alive` answer when the REGISTER offered keep-alives.
 *
 * @example
 * ```ts
 * const registrar = new Registrar({ domain: "lab.test", users, location });
 * const answer = registrar.checkRequestUri(request) ?? registrar.register(request, tx.source, requester);
 * core.respond(tx, core.createResponse(request, answer.status, answer.reason, { headers: answer.headers }));
 * ```
 *
 * @module
 */
import type { CredentialLookup } from "../../lab/auth/digest/mod.ts";
import {
  checkEndpointIdentifiers,
  type EndpointIdentifiers,
  endpointIdentifiers,
  gruuTokenFromInstance,
} from "../../lab/auth/sipae/mod.ts";
import {
  type DiagnosticErrorKind,
  diagnosticsFor,
  formatMsDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";
import { formatNameAddr, isSipUri, type SipRequest, type Uri } from "../../lab/sip/message/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import type { Requester } from "./frontend_authenticator.ts";
import {
  type Binding,
  type BindingEndpoint,
  canonicalAor,
  type LocationService,
} from "./location_service.ts";
import { type ExpiryPolicy, readRegistration } from "./registration_request.ts";
import { NO_REGISTRAR_METRICS, type RegistrarMetricsSink } from "./registrar_metrics.ts";

/** Settings of a {@link Registrar}. */
export interface RegistrarOptions {
  /** The SIP domain served (compared case-insensitively). */
  domain: string;
  /** The user store: a user exists when it has credentials for the realm (the domain). */
  users: CredentialLookup;
  location: LocationService;
  /** Expiration policy; default 3600 s, at least 60 s, at most 7200 s (MS-SIPREGE §8 captures). */
  expiry?: Partial<ExpiryPolicy>;
  metrics?: RegistrarMetricsSink;
  /** This server's FQDN, the `source` of ms-diagnostics (MS-OCER 2.2.1.1); default the domain. */
  serverName?: string;
  /** Events the front end's services accept, listed in `Allow-Events` of the 200. */
  allowEvents?: readonly string[];
  /** Wall clock for the Date header; default Date.now. */
  clock?: () => number;
}

/** The response the registrar decided on: status, optional phrase, header fields in order. */
export interface RegistrarAnswer {
  status: number;
  reason?: string;
  headers: Array<[name: string, value: string]>;
  /** The AOR whose bindings a 200 lists. */
  aor?: string;
}

/** Default expiry policy (seconds). */
export const DEFAULT_EXPIRY: ExpiryPolicy = { defaultS: 3600, minS: 60, maxS: 7200 };

/**
 * MS-CONMGMT 2.2.1 server answer to a client's keep-alive offer (the value seen in captures;
 * MS-CONMGMT.md §3.1).
 */
export const KEEP_ALIVE_ANSWER = "UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300";

/** MS-SIPREGE 2.2.1.5 tags telling that the client speaks the MS presence model. */
const MS_PRESENCE_TAGS = ["msrtc-event-categories", "com.microsoft.msrtc.presence"];

/**
 * The GRUU of an instance of `aor` (MS-SIPRE 3.4 format, MS-SIPRE.md §2.4), or undefined when
 * the instance is not a UUID.
 *
 * @example
 * ```ts
 * gruuFor("sip:alice@contoso.com", "75ab1008-bcc4-5544-924d-aa177c824291");
 * // "sip:alice@contoso.com;opaque=user:epid:CBCrdcS8RFWSTaoXfIJCkQAA;gruu"
 * ```
 */
export function gruuFor(aor: string, instance: string): string | undefined {
  const token = gruuTokenFromInstance(instance);
  return token === undefined ? undefined : `${aor};opaque=user:epid:${token};gruu`;
}

/**
 * RFC 3261 §10.3 registrar; see the module documentation for the order of the checks.
 *
 * @example
 * ```ts
 * registrar.register(register, source, requester).status; // 200
 * ```
 */
export class Registrar {
  readonly domain: string;
  readonly #options: RegistrarOptions;
  readonly #expiry: ExpiryPolicy;
  readonly #metrics: RegistrarMetricsSink;
  readonly #source: string;
  readonly #clock: () => number;

  constructor(options: RegistrarOptions) {
    this.domain = options.domain.toLowerCase();
    this.#options = options;
    this.#expiry = { ...DEFAULT_EXPIRY, ...options.expiry };
    this.#metrics = options.metrics ?? NO_REGISTRAR_METRICS;
    this.#source = options.serverName ?? options.domain;
    this.#clock = options.clock ?? Date.now;
  }

  /**
   * §10.3 step 1: "The registrar inspects the Request-URI to determine whether it has access to
   * bindings for the domain identified in the Request-URI." A refusal, or undefined when ours.
   */
  checkRequestUri(request: SipRequest): RegistrarAnswer | undefined {
    if (this.#isOurs(readable(() => request.requestUri))) return undefined;
    return this.#refuse("domain-not-routable", "domain-not-ours");
  }

  /** Whether `user` exists in the user store. */
  userExists(user: string): boolean {
    return this.#options.users(user, this.domain) !== undefined;
  }

  /** Decides the answer to one authenticated REGISTER received from `source`. */
  register(request: SipRequest, source: Destination, requester: Requester): RegistrarAnswer {
    // §10.3 step 4: the authenticated user must be allowed to modify bindings of the AOR;
    // here a user registers only its own AOR (MS-SIPAE user names compare without case).
    const toUri = readable(() => request.to)?.uri;
    const sameUser = (u: string) =>
      requester.scheme === "Digest"
        ? u === requester.userName
        : u.toLowerCase() === requester.userName.toLowerCase();
    if (toUri === undefined || !isSipUri(toUri) || !sameUser(toUri.user ?? "")) {
      return this.#refuse("auth-identity-mismatch", "identity-mismatch");
    }
    // §10.3 step 5: "If the address-of-record is not valid for the domain in the Request-URI,
    // the registrar MUST send a 404 (Not Found) response".
    if (!this.#isOurs(toUri) || !this.userExists(toUri.user ?? "")) {
      return this.#refuse("user-not-found", "unknown-aor");
    }
    const msRefusal = this.#checkMsHeaders(request);
    if (msRefusal !== undefined) return msRefusal;
    const ids = readable(() => endpointIdentifiers(request));
    if (ids === undefined) {
      this.#metrics.registration("failed", "bad-contact");
      return { status: 400, reason: "Malformed From or Contact", headers: [] };
    }
    const idRefusal = this.#checkEndpoint(ids, requester);
    if (idRefusal !== undefined) return idRefusal;
    return this.#updateBindings(request, canonicalAor(toUri), source, ids);
  }

  /**
   * MS-SIPREGE 3.1.2.5.1: an MS-SIPAE endpoint names itself; MS-SIPAE §3.3.5.2: identifiers
   * present together must agree (Digest clients may send none).
   */
  #checkEndpoint(ids: EndpointIdentifiers, requester: Requester): RegistrarAnswer | undefined {
    const problem = checkEndpointIdentifiers(ids);
    if (problem === undefined) return undefined;
    if (problem === "missing") {
      if (requester.scheme === "Digest") return undefined;
      return this.#refuse("missing-endpoint-id", "missing-endpoint-id");
    }
    return this.#refuse("missing-endpoint-id", problem, [], "Inconsistent Endpoint Identifiers");
  }

  #updateBindings(
    request: SipRequest,
    aor: string,
    source: Destination,
    ids: EndpointIdentifiers,
  ): RegistrarAnswer {
    const location = this.#options.location;
    const asked = readRegistration(request, this.#expiry);
    switch (asked.kind) {
      case "bad-request":
        this.#metrics.registration("failed", "bad-contact");
        return { status: 400, reason: asked.reason, headers: [] };
      case "too-brief":
        // §10.3 step 7 / §20.23: 423 carries Min-Expires.
        this.#metrics.registration("failed", "interval-too-brief");
        return { status: 423, headers: [["Min-Expires", String(this.#expiry.minS)]] };
      case "fetch":
        this.#metrics.registration("ok", "fetched");
        return this.#ok(request, aor, undefined);
    }
    const order = { callId: request.callId, cseq: request.cseq.seq };
    const result = asked.kind === "remove-all"
      ? location.update(aor, order, { kind: "remove-all" })
      : location.update(aor, order, {
        kind: "contacts",
        contacts: asked.contacts.map((c) => ({
          ...c,
          source,
          endpoint: this.#endpointOf(request, aor, ids),
        })),
      });
    if (!result.ok) {
      this.#metrics.registration("failed", "out-of-order");
      return { status: 500, reason: "Out Of Order CSeq", headers: [] };
    }
    const action = result.added > 0 ? "added" : result.refreshed > 0 ? "refreshed" : undefined;
    this.#metrics.registration(
      "ok",
      action === "added" ? "registered" : action === "refreshed" ? "refreshed" : "unregistered",
    );
    return this.#ok(request, aor, action);
  }

  /** What the binding keeps of the registering endpoint (MS-SIPRE §4.2). */
  #endpointOf(request: SipRequest, aor: string, ids: EndpointIdentifiers): BindingEndpoint {
    const wantsGruu = supportedTags(request).includes("gruu-10");
    const events = request.headerValues("event");
    return {
      epid: ids.epid,
      instance: ids.instance,
      // MS-SIPRE 3.4 / MS-SIPREGE 3.1.2.5.1: a GRUU for a new binding of a client asking one.
      gruu: wantsGruu && ids.instance !== undefined ? gruuFor(aor, ids.instance) : undefined,
      registrationEvents: events.length === 1,
      fromTag: request.from.tag,
    };
  }

  /** §10.3 step 8: 200 with every current binding and its remaining time, and a Date. */
  #ok(request: SipRequest, aor: string, action: "added" | "refreshed" | undefined) {
    const location = this.#options.location;
    const headers: Array<[string, string]> = location.lookup(aor).map((
      b,
    ) => ["Contact", this.#contactValue(b)]);
    headers.push(["Date", new Date(this.#clock()).toUTCString()]);
    if (action !== undefined && supportedTags(request).some((t) => MS_PRESENCE_TAGS.includes(t))) {
      // MS-SIPREGE 2.2.1.4: at most one, only in the 200 to REGISTER.
      headers.push(["presence-state", `register-action="${action}"`]);
    }
    const events = this.#options.allowEvents ?? [];
    if (events.length > 0) headers.push(["Allow-Events", events.join(",")]);
    if (/^\s*UAC\b/i.test(request.header("ms-keep-alive") ?? "")) {
      // MS-CONMGMT 2.2.1: the proxy answers the client's keep-alive offer in the 200.
      headers.push(["ms-keep-alive", KEEP_ALIVE_ANSWER]);
    }
    return { status: 200, headers, aor };
  }

  #contactValue(binding: Binding): string {
    const params = new Map(binding.contact.params);
    params.set("expires", String(this.#options.location.remainingSeconds(binding)));
    // MS-SIPRE 3.4: the GRUU travels as the quoted `gruu` Contact parameter.
    if (binding.endpoint.gruu !== undefined) params.set("gruu", `"${binding.endpoint.gruu}"`);
    return formatNameAddr({ ...binding.contact, params });
  }

  /** MS-SIPREGE 2.2.1.1 (Event) and 3.1.2.5.1 (gruu-10 with msrtc-event-categories). */
  #checkMsHeaders(request: SipRequest): RegistrarAnswer | undefined {
    const events = request.headerValues("event");
    const eventOk = events.length === 0 ||
      (events.length === 1 && /^\s*registration\s*(;|$)/i.test(events[0]));
    if (!eventOk) return this.#refuse("registration-event-invalid", "bad-event");
    const tags = supportedTags(request);
    if (tags.includes("msrtc-event-categories") && !tags.includes("gruu-10")) {
      // RFC 3261 §21.4.15: a 421 lists the extension needed in Require.
      return this.#refuse("gruu-required", "gruu-required", [["Require", "gruu-10"]]);
    }
    return undefined;
  }

  /** A refusal with the status and ms-diagnostics MS-OCER plans for `kind`. */
  #refuse(
    kind: DiagnosticErrorKind,
    metricReason: string,
    extra: Array<[string, string]> = [],
    reason?: string,
  ): RegistrarAnswer {
    this.#metrics.registration("failed", metricReason);
    const plan = diagnosticsFor(kind, { source: this.#source });
    return {
      status: plan.status,
      reason,
      headers: [...extra, [plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)]],
    };
  }

  #isOurs(uri: Uri | undefined): boolean {
    return uri !== undefined && isSipUri(uri) && uri.host.toLowerCase() === this.domain;
  }
}

/** Option tags of every Supported header field, lowercase (§20.37, §7.3.1 compact `k`). */
export function supportedTags(request: SipRequest): string[] {
  return request.headerValues("supported").flatMap((v) =>
    v.split(",").map((t) => t.trim().toLowerCase())
  );
}

/** A structured header view, or undefined when the field is absent or malformed. */
function readable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
