/**
 * The registrar (RFC 3261 §10.3) of the lab front end, with the cheap MS-SIPREGE checks. Pure
 * request → answer logic; the agent (frontend_agent.ts) puts the answer on the wire.
 *
 * Processing order, each refusal counted (registrar_metrics.ts) and, where MS-OCER names one,
 * carrying an `ms-diagnostics` header (lab/protocols/ocer):
 * 1. §10.3 step 1: the Request-URI must name this domain → else 404, ErrorId 1005.
 * 2. §10.3 step 3 / §22: Digest (lab/auth/digest). No or unusable credentials → 401 with a
 *    challenge; stale nonce or replayed nonce-count → 401 `stale=true`; wrong password or
 *    unknown user → 403 with ErrorId 1000 / 1003; malformed credentials → 400.
 * 3. §10.3 step 4: the authenticated user may only touch its own bindings: the To user must be
 *    the Digest user → else 403, ErrorId 4004.
 * 4. §10.3 step 5: the To AOR must be a user of this domain → else 404, ErrorId 4005.
 * 5. MS-SIPREGE 2.2.1.1 / 3.1.2.5.1: an Event header, when present, must be `registration` →
 *    else 489, ErrorId 4055; `Supported: msrtc-event-categories` needs `gruu-10` → else 421,
 *    ErrorId 2057.
 * 6. §10.3 steps 6–7: Contact / Expires (registration_request.ts) → 400 for `*` misuse or an
 *    unreadable Contact, 423 with Min-Expires for too short an interval; the location service
 *    applies the Call-ID/CSeq rule atomically → 500 when a binding has the same Call-ID and a
 *    CSeq not below the request's ("the request fails"; 500 as §12.2.2 answers out-of-order
 *    CSeq in a dialog).
 * 7. §10.3 step 8: 200 listing every current binding with its `expires`, a Date header;
 *    MS-SIPREGE 2.2.1.4 `presence-state` for clients that announce MS presence support and
 *    MS-CONMGMT 2.2.1 `ms-keep-alive` answer when the REGISTER offered keep-alives.
 *
 * Not done here: MS-SIPAE (NTLM/Kerberos) security associations, GRUU issuance, epid /
 * +sip.instance checks (MS-SIPRE), registration-notify NOTIFYs.
 *
 * @example
 * ```ts
 * const registrar = new Registrar({ domain: "lab.test", users, location, verifier });
 * const answer = registrar.register(request, tx.source);
 * core.respond(tx, core.createResponse(request, answer.status, undefined, { headers: answer.headers }));
 * ```
 *
 * @module
 */
import type {
  CredentialLookup,
  DigestRejected,
  DigestVerifier,
} from "../../lab/auth/digest/mod.ts";
import {
  type DiagnosticErrorKind,
  diagnosticsFor,
  digestFailureKind,
  formatMsDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";
import { formatNameAddr, isSipUri, type SipRequest, type Uri } from "../../lab/sip/message/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import { type Binding, canonicalAor, type LocationService } from "./location_service.ts";
import { type ExpiryPolicy, readRegistration } from "./registration_request.ts";
import { NO_REGISTRAR_METRICS, type RegistrarMetricsSink } from "./registrar_metrics.ts";

/** Settings of a {@link Registrar}. */
export interface RegistrarOptions {
  /** The SIP domain served (compared case-insensitively). */
  domain: string;
  /** The user store: a user exists when it has credentials for the realm. */
  users: CredentialLookup;
  location: LocationService;
  /** Digest for the realm (normally the domain). */
  verifier: DigestVerifier;
  /** Expiration policy; default 3600 s, at least 60 s, at most 7200 s (MS-SIPREGE §8 captures). */
  expiry?: Partial<ExpiryPolicy>;
  metrics?: RegistrarMetricsSink;
  /** This server's FQDN, the `source` of ms-diagnostics (MS-OCER 2.2.1.1); default the domain. */
  serverName?: string;
  /** Wall clock for the Date header; default Date.now. */
  clock?: () => number;
}

/** The response the registrar decided on: status, optional phrase, header fields in order. */
export interface RegistrarAnswer {
  status: number;
  reason?: string;
  headers: Array<[name: string, value: string]>;
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
 * RFC 3261 §10.3 registrar; see the module documentation for the order of the checks.
 *
 * @example
 * ```ts
 * registrar.register(registerWithoutCredentials, source).status; // 401
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

  /** Decides the answer to one REGISTER received from `source`, updating the bindings. */
  register(request: SipRequest, source: Destination): RegistrarAnswer {
    // §10.3 step 1: "The registrar inspects the Request-URI to determine whether it has
    // access to bindings for the domain identified in the Request-URI."
    if (!this.#isOurs(readable(() => request.requestUri))) {
      return this.#refuse("domain-not-routable", "domain-not-ours");
    }
    // §10.3 step 3: "A registrar SHOULD authenticate the UAC" (§22).
    const verdict = this.#options.verifier.verify(request);
    if (!verdict.ok) return this.#digestRefusal(verdict);
    // §10.3 step 4: the authenticated user must be allowed to modify bindings of the AOR;
    // here a user registers only its own AOR.
    const to = readable(() => request.to);
    const toUri = to?.uri;
    if (toUri === undefined || !isSipUri(toUri) || toUri.user !== verdict.username) {
      return this.#refuse("auth-identity-mismatch", "identity-mismatch");
    }
    // §10.3 step 5: "If the address-of-record is not valid for the domain in the Request-URI,
    // the registrar MUST send a 404 (Not Found) response".
    if (!this.#isOurs(toUri) || this.#options.users(toUri.user, this.domain) === undefined) {
      return this.#refuse("user-not-found", "unknown-aor");
    }
    const msRefusal = this.#checkMsHeaders(request);
    if (msRefusal !== undefined) return msRefusal;
    return this.#updateBindings(request, canonicalAor(toUri), source);
  }

  #updateBindings(request: SipRequest, aor: string, source: Destination): RegistrarAnswer {
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
        contacts: asked.contacts.map((c) => ({ ...c, source })),
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
    if (/^\s*UAC\b/i.test(request.header("ms-keep-alive") ?? "")) {
      // MS-CONMGMT 2.2.1: the proxy answers the client's keep-alive offer in the 200.
      headers.push(["ms-keep-alive", KEEP_ALIVE_ANSWER]);
    }
    return { status: 200, headers };
  }

  #contactValue(binding: Binding): string {
    const params = new Map(binding.contact.params);
    params.set("expires", String(this.#options.location.remainingSeconds(binding)));
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

  #digestRefusal(verdict: DigestRejected): RegistrarAnswer {
    const verifier = this.#options.verifier;
    switch (verdict.answer) {
      case "challenge":
      case "challenge-stale": {
        this.#metrics.registration("challenged", verdict.failure);
        const stale = verdict.answer === "challenge-stale";
        const headers = verifier.challenges(stale).map((v): [string, string] => [
          verifier.challengeHeader,
          v,
        ]);
        return { status: 401, headers };
      }
      case "bad-request":
        this.#metrics.registration("failed", verdict.failure);
        return { status: 400, reason: "Bad Authorization", headers: [] };
      case "forbidden": {
        const kind = digestFailureKind(verdict.failure);
        if (kind !== undefined) return this.#refuse(kind, verdict.failure);
        this.#metrics.registration("failed", verdict.failure);
        return { status: 403, headers: [] };
      }
    }
  }

  /** A refusal with the status and ms-diagnostics MS-OCER plans for `kind`. */
  #refuse(
    kind: DiagnosticErrorKind,
    metricReason: string,
    extra: Array<[string, string]> = [],
  ): RegistrarAnswer {
    this.#metrics.registration("failed", metricReason);
    const plan = diagnosticsFor(kind, { source: this.#source });
    return {
      status: plan.status,
      headers: [...extra, [plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)]],
    };
  }

  #isOurs(uri: Uri | undefined): boolean {
    return uri !== undefined && isSipUri(uri) && uri.host.toLowerCase() === this.domain;
  }
}

/** Option tags of every Supported header field, lowercase (§20.37, §7.3.1 compact `k`). */
function supportedTags(request: SipRequest): string[] {
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
