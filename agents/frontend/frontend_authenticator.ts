/**
 * Who sent a request: the front end's authentication gate, run on every request before the
 * registrar, the services or routing see it.
 *
 * Two families of schemes share one user store:
 * - MS-SIPAE (NTLM built in; Kerberos and TLS-DSK plugged in as lab/auth/sipae
 *   `ServerMechanismFactory`s): lab/auth/sipae's {@link SipaeServer} runs the SA establishment
 *   legs and, once an endpoint has an SA, verifies the signature and cnum of every request it
 *   sends (MS-SIPAE §3.3.5.1–§3.3.5.2).
 * - Digest (RFC 3261 §22, RFC 7616) for clients that are not Microsoft's (SIPp).
 *
 * A request carrying Digest credentials goes to the Digest verifier; any other request goes to
 * the MS-SIPAE server. A request with no credentials for this server gets 401 with one
 * WWW-Authenticate per configured scheme, Digest first (SIPp answers the first challenge it
 * reads; a Microsoft client picks its scheme among all of them), plus `Date` (MS-SIP §3.1.5.1).
 * Refusals carry ms-diagnostics (auth_diagnostics.ts; lab/protocols/ocer for Digest) and are
 * counted by scheme and reason. ACK and CANCEL that fail MS-SIPAE are dropped (§3.3.5.1).
 *
 * @example
 * ```ts
 * const gate = new FrontendAuthenticator({ domain: "lab.test", users, schemes: ["NTLM", "Digest"] });
 * const decision = gate.authenticate(request);
 * if (decision.kind === "authenticated") gate.signResponse(ok, decision.requester);
 * ```
 *
 * @module
 */
import {
  type CredentialLookup,
  type DigestAlgorithm,
  type DigestRejected,
  DigestVerifier,
} from "../../lab/auth/digest/mod.ts";
import { ntowfv1 } from "../../lab/auth/ntlm/mod.ts";
import {
  type AuthenticatedEndpoint,
  endpointIdentifiers,
  ntlmServerMechanism,
  type ServerMechanismFactory,
  SipaeServer,
} from "../../lab/auth/sipae/mod.ts";
import {
  diagnosticsFor,
  digestFailureKind,
  formatMsDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";
import type { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { authDiagnostics } from "./auth_diagnostics.ts";
import type { EndpointIdentity } from "./frontend_service.ts";
import { NO_REGISTRAR_METRICS, type RegistrarMetricsSink } from "./registrar_metrics.ts";

/** A scheme the front end can offer. */
export type FrontendAuthScheme = "NTLM" | "Kerberos" | "TLS-DSK" | "Digest";

/** Digest settings of the front end. */
export interface FrontendDigestOptions {
  /** Offered algorithms, most preferred first; default ["MD5"] (SIPp 3.6.1 answers MD5 only). */
  algorithms?: readonly DigestAlgorithm[];
  /** Nonce lifetime; default 300 000 ms. */
  nonceLifetimeMs?: number;
  /** Clock of the nonces, ms; default Date.now. */
  now?: () => number;
  /** Nonce MAC key (≥ 16 bytes); default 32 random bytes per start. */
  secret?: Uint8Array;
}

/** MS-SIPAE settings of the front end. */
export interface FrontendAuthOptions {
  /**
   * Schemes offered, in this order for the MS-SIPAE ones; default ["NTLM", "Digest"]. Kerberos
   * and TLS-DSK need their factory in `mechanisms`.
   */
  schemes?: readonly FrontendAuthScheme[];
  /**
   * Server mechanism factories (lab/auth/kerberos `kerberosServerMechanism(...)`, lab/auth/tlsdsk
   * `tlsDskServerMechanism(...)`, or an NTLM one replacing the built-in); each listed scheme
   * takes the factory of the same scheme from here, NTLM defaults to one over the user store.
   */
  mechanisms?: readonly ServerMechanismFactory[];
  /** Realm (default "SIP Communications Service", MS-SIP §3.1.5.1). */
  realm?: string;
  /** Auth protocol version offered (default 4). */
  protocolVersion?: number;
  /** NTLM NetBIOS domain; default the first label of the SIP domain, upper case. */
  ntlmDomain?: string;
  /** Half-open context lifetime (default 60 s). */
  pendingTimeoutMs?: number;
  /** Clock of Date headers and NTLM timestamps, ms; default Date.now. */
  now?: () => number;
}

/** Settings of a {@link FrontendAuthenticator}. */
export interface FrontendAuthenticatorOptions {
  domain: string;
  users: CredentialLookup;
  /** The server FQDN: NTLM / TLS-DSK targetname and ms-diagnostics source. */
  serverName: string;
  auth?: FrontendAuthOptions;
  digest?: FrontendDigestOptions;
  metrics?: RegistrarMetricsSink;
}

/** The authenticated sender of a request. */
export interface Requester {
  scheme: FrontendAuthScheme;
  /** The user name as authenticated (Digest username, NTLM / Kerberos user). */
  userName: string;
  /** Canonical From AOR, `sip:user@host`. */
  aor: string;
  endpoint: EndpointIdentity;
  /** The MS-SIPAE security association, when the scheme is one of MS-SIPAE's. */
  sa?: AuthenticatedEndpoint;
}

/** What to do with a request. */
export type AuthDecision =
  | { kind: "authenticated"; requester: Requester; established: boolean }
  | {
    kind: "refused";
    status: number;
    reason?: string;
    headers: Array<[string, string]>;
    /** Scheme the failure belongs to ("none" when no credentials were sent). */
    scheme: string;
    /** Metric reason: the Digest failure or the MS-SIPAE diagnostic key. */
    cause: string;
    challenged: boolean;
  }
  /** MS-SIPAE §3.3.5.1: an unauthenticated ACK or CANCEL is discarded. */
  | { kind: "drop"; scheme: string; cause: string };

const SIPAE_SCHEMES = ["NTLM", "Kerberos", "TLS-DSK"] as const;

/**
 * The authentication gate (see the module documentation).
 *
 * @example
 * ```ts
 * gate.authenticate(registerWithoutCredentials).kind; // "refused" (401, one challenge per scheme)
 * ```
 */
export class FrontendAuthenticator {
  readonly schemes: readonly FrontendAuthScheme[];
  readonly sipae: SipaeServer | undefined;
  readonly digest: DigestVerifier | undefined;
  readonly #metrics: RegistrarMetricsSink;
  readonly #source: string;
  readonly #domain: string;

  constructor(options: FrontendAuthenticatorOptions) {
    const auth = options.auth ?? {};
    this.schemes = auth.schemes ?? ["NTLM", "Digest"];
    if (this.schemes.length === 0) throw new Error("the front end needs at least one scheme");
    this.#metrics = options.metrics ?? NO_REGISTRAR_METRICS;
    this.#source = options.serverName;
    this.#domain = options.domain.toLowerCase();
    const sipaeSchemes = this.schemes.filter((s) => s !== "Digest");
    const factories = sipaeSchemes.map((scheme) =>
      auth.mechanisms?.find((m) => m.scheme === scheme) ??
        (scheme === "NTLM" ? builtInNtlm(options) : missingMechanism(scheme))
    );
    this.sipae = factories.length === 0 ? undefined : new SipaeServer({
      fqdn: options.serverName,
      mechanisms: factories,
      realm: auth.realm,
      protocolVersion: auth.protocolVersion,
      pendingTimeoutMs: auth.pendingTimeoutMs,
      now: auth.now,
    });
    if (this.schemes.includes("Digest")) {
      const digest = options.digest ?? {};
      this.digest = new DigestVerifier({
        realm: options.domain,
        secret: digest.secret ?? crypto.getRandomValues(new Uint8Array(32)),
        lookup: options.users,
        algorithms: digest.algorithms ?? ["MD5"],
        nonceLifetimeMs: digest.nonceLifetimeMs,
        now: digest.now,
      });
    }
  }

  /** Decides who sent `request`, or how to refuse it; counts the outcome. */
  authenticate(request: SipRequest): AuthDecision {
    const decision = this.#decide(request);
    if (decision.kind === "authenticated") {
      if (decision.established) {
        this.#metrics.authentication?.(decision.requester.scheme, "established", "ok");
      }
    } else if (decision.kind === "drop") {
      this.#metrics.authentication?.(decision.scheme, "dropped", decision.cause);
    } else {
      const outcome = decision.cause === "auth-continue"
        ? "continued"
        : decision.challenged
        ? "challenged"
        : "failed";
      this.#metrics.authentication?.(decision.scheme, outcome, decision.cause);
    }
    return decision;
  }

  /** Signs a response to an authenticated MS-SIPAE requester (MS-SIPAE §3.3.4); call last. */
  signResponse(response: SipResponse, requester: Requester | undefined): boolean {
    if (requester?.sa === undefined || this.sipae === undefined) return false;
    return this.sipae.signResponse(response, requester.sa);
  }

  /** The challenge headers of every scheme, Digest first, then Date and the MS-SIPAE ones. */
  challengeHeaders(stale = false): Array<[string, string]> {
    const headers: Array<[string, string]> = [];
    if (this.digest !== undefined) {
      const name = this.digest.challengeHeader;
      for (const value of this.digest.challenges(stale)) headers.push([name, value]);
    }
    for (const h of this.sipae?.challengeHeaders() ?? []) headers.push([h.name, h.value]);
    if (this.sipae === undefined) headers.push(["Date", new Date().toUTCString()]);
    return headers;
  }

  #decide(request: SipRequest): AuthDecision {
    if (this.digest !== undefined && (this.sipae === undefined || hasDigestCredentials(request))) {
      return this.#digestDecision(request, this.digest);
    }
    const verdict = this.sipae!.inspect(request);
    switch (verdict.kind) {
      case "accept": {
        const sa = verdict.sa;
        return {
          kind: "authenticated",
          established: verdict.established,
          requester: {
            scheme: sa.scheme,
            userName: sa.user.userName,
            aor: sa.aor,
            endpoint: { epid: sa.epid, instance: sa.instance },
            sa,
          },
        };
      }
      case "drop":
        return {
          kind: "drop",
          scheme: schemeOf(request),
          cause: verdict.diagnosticKind === "auth-required"
            ? "missing-credentials"
            : verdict.diagnosticKind,
        };
      case "reject": {
        const headers: Array<[string, string]> = verdict.diagnosticKind === "auth-required"
          ? this.challengeHeaders()
          : verdict.headers.map((h) => [h.name, h.value]);
        const diagnostics = authDiagnostics(verdict.diagnosticKind, this.#source);
        if (diagnostics !== undefined) headers.push(diagnostics);
        return {
          kind: "refused",
          status: verdict.status,
          reason: verdict.reason,
          headers,
          scheme: verdict.diagnosticKind === "auth-required" ? "none" : schemeOf(request),
          // No credentials for this server: the same reason as Digest's.
          cause: verdict.diagnosticKind === "auth-required"
            ? "missing-credentials"
            : verdict.diagnosticKind,
          challenged: verdict.status === 401 || verdict.status === 407,
        };
      }
    }
  }

  #digestDecision(request: SipRequest, verifier: DigestVerifier): AuthDecision {
    const verdict = verifier.verify(request);
    if (!verdict.ok) return this.#digestRefusal(verdict);
    const ids = readableIds(request);
    // MS-OCER 4004: the credentials must be those of the From user (as MS-SIPAE binds an SA
    // to the From AOR, §3.3.5.2); the asserted identity is built from them.
    if (ids === undefined || ids.aor !== `sip:${verdict.username}@${this.#domain}`.toLowerCase()) {
      const plan = diagnosticsFor("auth-identity-mismatch", { source: this.#source });
      return {
        kind: "refused",
        status: plan.status,
        headers: [[plan.header, formatMsDiagnostics(plan.diagnostics, plan.header)]],
        scheme: "Digest",
        cause: "identity-mismatch",
        challenged: false,
      };
    }
    return {
      kind: "authenticated",
      established: false,
      requester: {
        scheme: "Digest",
        userName: verdict.username,
        aor: `sip:${verdict.username}@${this.#domain}`,
        endpoint: { epid: ids?.epid, instance: ids?.instance },
      },
    };
  }

  #digestRefusal(verdict: DigestRejected): AuthDecision {
    const scheme = verdict.failure === "missing-credentials" ? "none" : "Digest";
    const refused = (status: number, headers: Array<[string, string]>, reason?: string) => ({
      kind: "refused" as const,
      status,
      reason,
      headers,
      scheme,
      cause: verdict.failure,
      challenged: status === 401,
    });
    switch (verdict.answer) {
      case "challenge":
      case "challenge-stale":
        return refused(401, this.challengeHeaders(verdict.answer === "challenge-stale"));
      case "bad-request":
        return refused(400, [], "Bad Authorization");
      case "forbidden": {
        const kind = digestFailureKind(verdict.failure);
        if (kind === undefined) return refused(403, []);
        const plan = diagnosticsFor(kind, { source: this.#source });
        return refused(plan.status, [[
          plan.header,
          formatMsDiagnostics(plan.diagnostics, plan.header),
        ]]);
      }
    }
  }
}

/** NTLM over the user store: the NT hash of the stored password (MS-NLMP §3.3.1 NTOWFv1). */
function builtInNtlm(options: FrontendAuthenticatorOptions): ServerMechanismFactory {
  const domain = options.domain.toLowerCase();
  const nbDomain = (options.auth?.ntlmDomain ?? domain.split(".")[0]).toUpperCase();
  const now = options.auth?.now;
  return ntlmServerMechanism({
    // The NTLM domain is the NetBIOS domain or the DNS domain; user names are case-insensitive.
    lookupNtHash: (user, userDomain) => {
      const d = userDomain.toLowerCase();
      if (d !== nbDomain.toLowerCase() && d !== domain) return undefined;
      const stored = options.users(user, options.domain) ??
        options.users(user.toLowerCase(), options.domain);
      return stored !== undefined && "password" in stored ? ntowfv1(stored.password) : undefined;
    },
    names: {
      nbDomainName: nbDomain,
      nbComputerName: options.serverName.split(".")[0].toUpperCase(),
      dnsComputerName: options.serverName,
      dnsDomainName: domain,
    },
    now,
  });
}

function missingMechanism(scheme: string): never {
  throw new Error(`auth scheme ${scheme} needs its mechanism factory in auth.mechanisms`);
}

/** Whether any Authorization / Proxy-Authorization value uses the Digest scheme. */
function hasDigestCredentials(request: SipRequest): boolean {
  return [...request.headerValues("authorization"), ...request.headerValues("proxy-authorization")]
    .some((v) => /^\s*digest\s/i.test(v));
}

/** The MS-SIPAE scheme named by the request's first credentials, for metrics. */
function schemeOf(request: SipRequest): string {
  const value = request.header("authorization") ?? request.header("proxy-authorization");
  const token = value === undefined ? undefined : /^\s*([A-Za-z-]+)/.exec(value)?.[1];
  return SIPAE_SCHEMES.find((s) => s.toLowerCase() === token?.toLowerCase()) ?? "none";
}

function readableIds(request: SipRequest) {
  try {
    return endpointIdentifiers(request);
  } catch {
    return undefined;
  }
}
