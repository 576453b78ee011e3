/**
 * The MS-SIPAE server pipeline (registrar / Front End or proxy side, MS-SIPAE §3.3): challenges
 * unauthenticated requests, runs the SA establishment legs, keeps the SA table, verifies every
 * signed request and signs every response and request to an authenticated endpoint.
 *
 * Every request from a client goes through {@link SipaeServer.inspect}, which returns a verdict:
 *
 * - `accept` — authenticated (a valid signed request, or the request that completed the
 *   handshake); the front end processes it and signs the response with
 *   {@link SipaeServer.signResponse}.
 * - `reject` — answer with `status` / `reason` and add `headers` (challenges and `Date`);
 *   `diagnosticKind` names the fault for ms-diagnostics (diagnostics.ts).
 * - `drop` — an ACK or CANCEL that failed: discarded, never answered (MS-SIPAE §3.3.5.1).
 *
 * Processing rules:
 * - No credentials for this server (realm and targetname not ours, unknown scheme, none at
 *   all) → 401/407 with one challenge per supported scheme plus `Date` (§3.3.5.1).
 * - `gssapi-data` present (§3.3.5.2): the endpoint identifiers are checked (epid,
 *   +sip.instance, GRUU; 400 when missing or inconsistent); a request without `opaque` opens a
 *   context and gets the next token under a fresh `opaque`; a request with the `opaque` of a
 *   pending context continues it; a completed handshake binds the SA to (From AOR, epid). With
 *   auth protocol version ≥ 4 the request carrying the last token may already be signed.
 * - No `gssapi-data`: a signed request; the SA is found by `opaque`, must belong to the From
 *   AOR, and its signature and cnum (256-wide window) must verify. Failures re-challenge;
 *   malformed parameters get 400.
 *
 * @example
 * ```ts
 * const server = new SipaeServer({ fqdn: "fe01.contoso.com",
 *   mechanisms: [ntlmServerMechanism({ lookupNtHash, names })] });
 * const verdict = server.inspect(request);
 * if (verdict.kind === "reject") {
 *   const res = buildResponse(request, verdict.status, verdict.reason, toTag);
 *   for (const h of verdict.headers) res.addHeader(h.name, h.value);
 * } else if (verdict.kind === "accept") {
 *   const ok = buildResponse(request, 200, "OK", toTag);
 *   server.signResponse(ok, verdict.sa);
 * }
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { authParam, parseAuthHeaderValue } from "./auth_params.ts";
import {
  AUTH_HEADER_NAMES,
  type AuthHeaderFamily,
  canonicalScheme,
  formatAuthenticationInfo,
  formatChallenge,
  parseCredentials,
  type SipaeCredentials,
  type SipaeScheme,
} from "./auth_headers.ts";
import { mechanismFailure, type SipaeDiagnosticKind } from "./diagnostics.ts";
import {
  aorKey,
  checkEndpointIdentifiers,
  type EndpointIdentifiers,
  endpointIdentifiers,
  paramValue,
} from "./endpoint_identifiers.ts";
import { SecurityMechanismError, SipaeHeaderError } from "./errors.ts";
import {
  SecurityAssociationRegistry,
  type ServerSecurityAssociationRecord,
} from "./sa_registry.ts";
import type {
  AuthenticatedUser,
  ServerMechanismFactory,
  ServerSecurityMechanism,
} from "./security_mechanism.ts";

/** The default realm of Microsoft servers (MS-SIP §3.1.5.1 table). */
export const DEFAULT_REALM = "SIP Communications Service";

/** Options of a {@link SipaeServer}. */
export interface SipaeServerOptions {
  /** This server's FQDN; each scheme derives its targetname from it (NTLM: the FQDN). */
  fqdn: string;
  /** Supported schemes, each offered in every challenge, in this order. */
  mechanisms: ServerMechanismFactory[];
  /** Realm (case-sensitive; default "SIP Communications Service"). */
  realm?: string;
  /** Auth protocol version offered (`version=`, default 4; 3 for OCS 2007 behaviour). */
  protocolVersion?: number;
  /** Challenge family: "www" for a registrar (401, default) or "proxy" (407). */
  family?: AuthHeaderFamily;
  /**
   * May `user` act as the address-of-record `aor` (normalised `sip:user@host`)? Default: the
   * user name equals the AOR user part, ignoring case.
   */
  authorizeEndpoint?: (user: AuthenticatedUser, aor: string) => boolean;
  /** Answer to a failed logon: a fresh challenge (401/407, default — OCS) or 403. */
  logonFailureStatus?: "challenge" | 403;
  /** Half-open context lifetime (default 60 s). */
  pendingTimeoutMs?: number;
  /** SA lifetime (default 8 h). */
  lifetimeMs?: number;
  /** Most half-open contexts kept (default 10 000). */
  maxPending?: number;
  /** Most SAs kept (default 100 000). */
  maxEstablished?: number;
  now?: () => number;
}

/** The authenticated endpoint behind an accepted request. */
export interface AuthenticatedEndpoint {
  opaque: string;
  scheme: SipaeScheme;
  user: AuthenticatedUser;
  /** Normalised From AOR the SA is bound to. */
  aor: string;
  epid?: string;
  instance?: string;
}

/** A header the front end adds to a rejection. */
export interface AuthResponseHeader {
  name: string;
  value: string;
}

/** What to do with a request. */
export type ServerVerdict =
  | {
    kind: "accept";
    sa: AuthenticatedEndpoint;
    /** True when this request completed the handshake (the SA is new). */
    established: boolean;
  }
  | {
    kind: "reject";
    status: 400 | 401 | 403 | 407;
    reason: string;
    diagnosticKind: SipaeDiagnosticKind;
    detail: string;
    /** Challenges and Date for 401/407; empty otherwise. */
    headers: AuthResponseHeader[];
  }
  | { kind: "drop"; diagnosticKind: SipaeDiagnosticKind; detail: string };

type Reject = Extract<ServerVerdict, { kind: "reject" }>;

const CREDENTIAL_HEADERS: ReadonlyArray<[string, AuthHeaderFamily]> = [
  [AUTH_HEADER_NAMES.www.credentials, "www"],
  [AUTH_HEADER_NAMES.proxy.credentials, "proxy"],
];

/** Attempts at drawing an opaque not already in use before giving up. */
const OPAQUE_ATTEMPTS = 8;

/** Credentials addressed to this server, with the family of the header they came in. */
interface OwnCredentials {
  credentials: SipaeCredentials;
  family: AuthHeaderFamily;
  factory: ServerMechanismFactory;
}

/** Thrown inside the pipeline to leave with a verdict. */
class VerdictSignal {
  constructor(readonly verdict: Reject) {}
}

function defaultAuthorizeEndpoint(user: AuthenticatedUser, aor: string): boolean {
  const userPart = /^sip:([^@]+)@/.exec(aor)?.[1];
  return userPart !== undefined && userPart.toLowerCase() === user.userName.toLowerCase();
}

/**
 * The server side of MS-SIPAE for one server identity (realm + FQDN).
 *
 * @example
 * ```ts
 * server.signRequest(notify); // SA of the To AOR + epid: Authentication-Info added
 * ```
 */
export class SipaeServer {
  readonly realm: string;
  readonly fqdn: string;
  readonly protocolVersion: number;
  readonly family: AuthHeaderFamily;
  readonly #mechanisms: ServerMechanismFactory[];
  readonly #registry: SecurityAssociationRegistry;
  readonly #authorizeEndpoint: (user: AuthenticatedUser, aor: string) => boolean;
  readonly #logonFailure: "challenge" | 403;
  readonly #now: () => number;

  constructor(options: SipaeServerOptions) {
    if (options.mechanisms.length === 0) throw new Error("SipaeServer needs a mechanism");
    this.realm = options.realm ?? DEFAULT_REALM;
    this.fqdn = options.fqdn;
    this.protocolVersion = options.protocolVersion ?? 4;
    this.family = options.family ?? "www";
    this.#mechanisms = options.mechanisms;
    this.#authorizeEndpoint = options.authorizeEndpoint ?? defaultAuthorizeEndpoint;
    this.#logonFailure = options.logonFailureStatus ?? "challenge";
    this.#now = options.now ?? Date.now;
    this.#registry = new SecurityAssociationRegistry({
      pendingTimeoutMs: options.pendingTimeoutMs,
      lifetimeMs: options.lifetimeMs,
      maxPending: options.maxPending,
      maxEstablished: options.maxEstablished,
      now: this.#now,
    });
  }

  /** Number of half-open contexts and of established SAs. */
  get size(): { pending: number; established: number } {
    return { pending: this.#registry.pendingCount, established: this.#registry.establishedCount };
  }

  /**
   * The challenge headers of a 401/407 (one per supported scheme, MS-SIPAE §3.3.5.1) and
   * `Date` (MS-SIP §3.1.5.1: lets the client detect clock skew).
   */
  challengeHeaders(family: AuthHeaderFamily = this.family): AuthResponseHeader[] {
    const name = AUTH_HEADER_NAMES[family].challenge;
    return [
      { name: "Date", value: new Date(this.#now()).toUTCString() },
      ...this.#mechanisms.map((m) => ({
        name,
        value: formatChallenge({
          scheme: m.scheme,
          realm: this.realm,
          targetname: m.targetNameFor(this.fqdn),
          version: this.protocolVersion,
          ...(m.stsUri === undefined ? {} : { stsUri: m.stsUri }),
        }),
      })),
    ];
  }

  /** Decides what to do with a request from a client (see the module description). */
  inspect(request: SipRequest): ServerVerdict {
    const dropOnly = request.method === "ACK" || request.method === "CANCEL";
    try {
      const own = this.#ownCredentials(request);
      if (!own) {
        throw this.#challenge(this.family, "auth-required", "no credentials for this server");
      }
      return own.credentials.gssapiData !== undefined
        ? this.#handshake(request, own)
        : this.#signedRequest(request, own);
    } catch (e) {
      if (!(e instanceof VerdictSignal)) throw e;
      if (!dropOnly) return e.verdict;
      // MS-SIPAE §3.3.5.1: an ACK or CANCEL that is not authenticated is discarded.
      return { kind: "drop", diagnosticKind: e.verdict.diagnosticKind, detail: e.verdict.detail };
    }
  }

  /**
   * Adds the signature of the SA to a response sent to an authenticated endpoint
   * (Authentication-Info or Proxy-Authentication-Info, MS-SIPAE §3.3.4). The SA is `sa` (from the
   * accept verdict) or the one bound to the From AOR + epid. Challenges (401/407) are not signed.
   * Call last: the signature covers From, To, Call-ID, CSeq, Expires, P-Asserted-Identity and the
   * status code. Returns false when there is no SA to sign with.
   */
  signResponse(response: SipResponse, sa?: AuthenticatedEndpoint): boolean {
    if (response.status === 401 || response.status === 407) return false;
    const record = sa ? this.#established(sa.opaque) : this.#forNameAddr(response, "From");
    return record ? this.#sign(response, record) : false;
  }

  /**
   * Signs a request the server sends to an authenticated endpoint (NOTIFY, BENOTIFY, a routed
   * INVITE …): the SA is the endpoint's, from `endpoint` or the To AOR + epid (MS-SIP §3.1.5.1).
   * Returns false when the endpoint has no SA.
   */
  signRequest(request: SipRequest, endpoint?: { aor: string; epid?: string }): boolean {
    const record = endpoint
      ? this.#registry.forEndpoint(endpoint.aor.toLowerCase(), endpoint.epid)
      : this.#forNameAddr(request, "To");
    return record ? this.#sign(request, record) : false;
  }

  /** The SA bound to an endpoint, if any. */
  securityAssociationOf(aor: string, epid?: string): AuthenticatedEndpoint | undefined {
    const record = this.#registry.forEndpoint(aor.toLowerCase(), epid);
    return record ? endpointOf(record) : undefined;
  }

  /** Forgets an SA (logout, administrative reset). */
  revoke(opaque: string): void {
    this.#registry.remove(opaque);
  }

  /** Drops expired half-open contexts and SAs (call from a periodic timer). */
  sweep(): { pending: number; established: number } {
    return this.#registry.sweep();
  }

  // -------------------------------------------------------------------------------------------

  /**
   * The first Authorization / Proxy-Authorization addressed to this server: a scheme it
   * supports with its realm and targetname (MS-SIPAE §3.3.5.1). Values that cannot be read at
   * all may belong to another hop and are skipped; a value naming this server but malformed
   * is a 400.
   */
  #ownCredentials(request: SipRequest): OwnCredentials | undefined {
    for (const [header, family] of CREDENTIAL_HEADERS) {
      for (const value of request.headerValues(header)) {
        let generic;
        try {
          generic = parseAuthHeaderValue(value);
        } catch {
          continue;
        }
        const scheme = canonicalScheme(generic.scheme);
        const factory = this.#mechanisms.find((m) => m.scheme === scheme);
        if (
          !factory || authParam(generic, "realm") !== this.realm ||
          authParam(generic, "targetname") !== factory.targetNameFor(this.fqdn)
        ) continue;
        try {
          return { credentials: parseCredentials(value), family, factory };
        } catch (e) {
          if (!(e instanceof SipaeHeaderError)) throw e;
          throw this.#reject(400, "auth-malformed-credentials", e.message);
        }
      }
    }
    return undefined;
  }

  /** An establishment leg: `gssapi-data` present (MS-SIPAE §3.3.5.2). */
  #handshake(request: SipRequest, own: OwnCredentials): ServerVerdict {
    const { credentials, family, factory } = own;
    const ids = this.#checkedEndpoint(request);
    const token = credentials.gssapiData!;
    let record: ServerSecurityAssociationRecord;
    if (credentials.opaque === undefined || token === "") {
      record = this.#newRecord(factory, family);
    } else {
      const found = this.#registry.lookup(credentials.opaque);
      if (found.status !== "pending" || found.record.scheme !== factory.scheme) {
        const kind = found.status === "expired" ? "auth-expired-sa" : "auth-unknown-sa";
        throw this.#challenge(family, kind, `no pending context "${credentials.opaque}"`);
      }
      record = found.record;
    }

    const result = this.#mechanismStep(record, () => record.mechanism.accept(token), family);
    if (result.kind === "continue") {
      if (record.state === "pending" && !this.#registry.has(record.opaque)) {
        this.#registry.addPending(record);
      }
      return {
        kind: "reject",
        status: AUTH_HEADER_NAMES[family].status,
        reason: AUTH_HEADER_NAMES[family].reason,
        diagnosticKind: "auth-continue",
        detail: `${factory.scheme} handshake continues under opaque ${record.opaque}`,
        headers: [
          { name: "Date", value: new Date(this.#now()).toUTCString() },
          {
            name: AUTH_HEADER_NAMES[family].challenge,
            value: formatChallenge({
              scheme: factory.scheme,
              realm: this.realm,
              targetname: factory.targetNameFor(this.fqdn),
              version: this.protocolVersion,
              opaque: record.opaque,
              gssapiData: result.token,
            }),
          },
        ],
      };
    }

    const user = result.user;
    if (!this.#authorizeEndpoint(user, ids.aor)) {
      this.#registry.remove(record.opaque);
      throw this.#reject(
        403,
        "auth-identity-mismatch",
        `${user.domainName}\\${user.userName} may not register as ${ids.aor}`,
      );
    }
    // Version ≥ 4: the request carrying the last token may already be signed (guide §3.1 step 5).
    if (credentials.response !== undefined) {
      this.#verify(request, record, credentials, family, true);
    }
    this.#registry.establish(
      record,
      { aor: ids.aor, epid: ids.epid, instance: ids.instance },
      user,
    );
    return { kind: "accept", sa: endpointOf(record), established: true };
  }

  /** A signed request on an established SA (MS-SIP §3.1.5.1–§3.1.5.2). */
  #signedRequest(request: SipRequest, own: OwnCredentials): ServerVerdict {
    const { credentials, family } = own;
    if (credentials.opaque === undefined) {
      throw this.#challenge(family, "auth-unknown-sa", "signed credentials without opaque");
    }
    const found = this.#registry.lookup(credentials.opaque);
    if (found.status !== "established") {
      const kind = found.status === "expired" ? "auth-expired-sa" : "auth-unknown-sa";
      throw this.#challenge(family, kind, `no security association "${credentials.opaque}"`);
    }
    const record = found.record;
    const endpoint = record.endpoint!;
    const from = request.from;
    const epid = paramValue(from.params, "epid");
    if (aorKey(from) !== endpoint.aor || (epid !== undefined && epid !== endpoint.epid)) {
      throw this.#reject(
        403,
        "auth-identity-mismatch",
        `SA ${record.opaque} belongs to ${endpoint.aor}, not to this From`,
      );
    }
    this.#verify(request, record, credentials, family, false);
    return { kind: "accept", sa: endpointOf(record), established: false };
  }

  #verify(
    request: SipRequest,
    record: ServerSecurityAssociationRecord,
    credentials: SipaeCredentials,
    family: AuthHeaderFamily,
    dropOnFailure: boolean,
  ): void {
    const { crand, cnum, response } = credentials;
    if (crand === undefined || cnum === undefined || response === undefined) {
      if (dropOnFailure) this.#registry.remove(record.opaque);
      throw this.#reject(400, "auth-malformed-credentials", "crand, cnum or response missing");
    }
    this.#mechanismStep(
      record,
      () =>
        record.mechanism.verify(request, {
          rand: crand,
          num: cnum,
          signature: response,
          realm: credentials.realm,
          targetname: credentials.targetname,
        }),
      family,
      dropOnFailure,
    );
  }

  /**
   * Runs a mechanism call, turning its failure into a verdict. A failed establishment step
   * drops the context; a failed verification of an established SA keeps it (the genuine client
   * still holds it, and a forged message must not end its session).
   */
  #mechanismStep<T>(
    record: ServerSecurityAssociationRecord,
    step: () => T,
    family: AuthHeaderFamily,
    dropOnFailure = true,
  ): T {
    try {
      return step();
    } catch (e) {
      if (!(e instanceof SecurityMechanismError)) throw e;
      if (dropOnFailure) this.#registry.remove(record.opaque);
      const { diagnosticKind, answer } = mechanismFailure(e.code);
      if (answer === "bad-request") throw this.#reject(400, diagnosticKind, e.message);
      const logonFailure = diagnosticKind === "auth-wrong-password" ||
        diagnosticKind === "auth-unknown-user";
      if (logonFailure && this.#logonFailure === 403) {
        throw this.#reject(403, diagnosticKind, e.message);
      }
      throw this.#challenge(family, diagnosticKind, e.message);
    }
  }

  /** Endpoint identifiers of a handshake request, or a 400 (MS-SIPAE §3.3.5.2). */
  #checkedEndpoint(request: SipRequest): EndpointIdentifiers {
    const ids = endpointIdentifiers(request);
    const problem = checkEndpointIdentifiers(ids);
    if (problem === "missing") {
      // MS-SIPREGE §3.1.2.5.1: ms-diagnostics 4010, missing endpoint identifier.
      throw this.#reject(400, "auth-missing-endpoint-id", "no epid and no +sip.instance");
    }
    if (problem !== undefined) {
      throw this.#reject(400, "auth-endpoint-mismatch", `endpoint identifiers: ${problem}`);
    }
    return ids;
  }

  /** A new context with an opaque no live SA uses. */
  #newRecord(
    factory: ServerMechanismFactory,
    family: AuthHeaderFamily,
  ): ServerSecurityAssociationRecord {
    for (let attempt = 0; attempt < OPAQUE_ATTEMPTS; attempt++) {
      const mechanism: ServerSecurityMechanism = factory.create({
        realm: this.realm,
        targetName: factory.targetNameFor(this.fqdn),
        protocolVersion: this.protocolVersion,
      });
      if (this.#registry.has(mechanism.opaque)) continue;
      const now = this.#now();
      return {
        opaque: mechanism.opaque,
        scheme: factory.scheme,
        family,
        mechanism,
        createdAt: now,
        lastUsedAt: now,
        state: "pending",
      };
    }
    throw new Error(`no unused opaque after ${OPAQUE_ATTEMPTS} attempts`);
  }

  #established(opaque: string): ServerSecurityAssociationRecord | undefined {
    const found = this.#registry.lookup(opaque);
    return found.status === "established" ? found.record : undefined;
  }

  #forNameAddr(
    message: SipRequest | SipResponse,
    header: "From" | "To",
  ): ServerSecurityAssociationRecord | undefined {
    const nameAddr = header === "From" ? message.from : message.to;
    return this.#registry.forEndpoint(aorKey(nameAddr), paramValue(nameAddr.params, "epid"));
  }

  #sign(message: SipRequest | SipResponse, record: ServerSecurityAssociationRecord): boolean {
    const { rand, num, signature } = record.mechanism.sign(message);
    const factory = this.#mechanisms.find((m) => m.scheme === record.scheme)!;
    message.addHeader(
      AUTH_HEADER_NAMES[record.family].info,
      formatAuthenticationInfo({
        scheme: record.scheme,
        qop: "auth",
        opaque: record.opaque,
        srand: rand,
        snum: num,
        rspauth: signature,
        targetname: factory.targetNameFor(this.fqdn),
        realm: this.realm,
        version: this.protocolVersion >= 4 ? this.protocolVersion : undefined,
      }),
    );
    return true;
  }

  #challenge(family: AuthHeaderFamily, kind: SipaeDiagnosticKind, detail: string): VerdictSignal {
    const names = AUTH_HEADER_NAMES[family];
    return new VerdictSignal({
      kind: "reject",
      status: names.status,
      reason: names.reason,
      diagnosticKind: kind,
      detail,
      headers: this.challengeHeaders(family),
    });
  }

  #reject(status: 400 | 403, kind: SipaeDiagnosticKind, detail: string): VerdictSignal {
    return new VerdictSignal({
      kind: "reject",
      status,
      reason: status === 400 ? "Bad Request" : "Forbidden",
      diagnosticKind: kind,
      detail,
      headers: [],
    });
  }
}

function endpointOf(record: ServerSecurityAssociationRecord): AuthenticatedEndpoint {
  const endpoint = record.endpoint!;
  return {
    opaque: record.opaque,
    scheme: record.scheme,
    user: record.user!,
    aor: endpoint.aor,
    epid: endpoint.epid,
    instance: endpoint.instance,
  };
}
