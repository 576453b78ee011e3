/**
 * The MS-SIPAE client pipeline (MS-SIPAE §3.2; MS-SIP §3.1) for one user: it answers 401/407
 * challenges, runs the SA establishment legs, signs every request it sends, and verifies every
 * message the server signs. It holds one security association per (scheme, realm, targetname)
 * (MS-SIPAE §3.2.5.2), e.g. one for the Edge and one for the Front End.
 *
 * The caller (the user agent) drives it with three calls:
 *
 * 1. {@link SipaeClient.authorize}(request) — last thing before a request is sent: adds one
 *    Authorization / Proxy-Authorization per SA (the first `gssapi-data=""`, the next token, or
 *    a signature `crand` / `cnum` / `response`).
 * 2. {@link SipaeClient.handleChallenge}(request, response) — for a 401/407: `retry` means "send
 *    the request again with the next CSeq (and authorize it)", `fail` ends the attempt.
 * 3. {@link SipaeClient.verifyIncoming}(message) — for every response and request from the
 *    server: `accept: false` means discard the message (MS-SIP §3.1.5.2).
 *
 * NTLM (connectionless, guide §3.1): REGISTER → 401 (realm, targetname, version) → REGISTER with
 * `gssapi-data=""` → 401 with `opaque` and the CHALLENGE_MESSAGE → REGISTER with the
 * AUTHENTICATE_MESSAGE (signed already with version ≥ 4) → 200 OK signed
 * (`rspauth`, `srand`, `snum`): the SA is established.
 *
 * A fresh challenge to a request that carried the last token means the credentials were
 * refused (clients give up after one failure, guide §8); a fresh challenge to a signed request
 * means the server dropped the SA: the client starts over (MS-SIPAE guide §5, §7.1).
 *
 * @example
 * ```ts
 * const client = new SipaeClient({ mechanisms: [ntlmClientMechanism({ credentials })] });
 * client.authorize(register);
 * // … 401 arrives:
 * if (client.handleChallenge(register, challenge).action === "retry") {
 *   const next = nextRegister(); // CSeq + 1
 *   client.authorize(next);
 * }
 * // … 200 OK arrives:
 * client.verifyIncoming(ok).accept; // true once rspauth verifies
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import {
  AUTH_HEADER_NAMES,
  type AuthHeaderFamily,
  canonicalScheme,
  familyOfStatus,
  formatCredentials,
  parseAuthenticationInfo,
  parseChallenge,
  parseCredentials,
  type SipaeAuthenticationInfo,
  type SipaeChallenge,
  type SipaeScheme,
} from "./auth_headers.ts";
import { type MechanismErrorCode, SecurityMechanismError, SipaeHeaderError } from "./errors.ts";
import type { ClientMechanismFactory, ClientSecurityMechanism } from "./security_mechanism.ts";

/**
 * Lifecycle of a client SA:
 * - `offered`: chosen from a challenge; the first token goes with the next request;
 * - `awaiting-token`: the first token was sent; waiting for the server's token;
 * - `token-ready`: the next token is computed; it goes with the next request;
 * - `authenticating`: the last token was sent, keys exist; waiting for a server signature;
 * - `established`: a server signature verified.
 */
export type ClientSaState =
  | "offered"
  | "awaiting-token"
  | "token-ready"
  | "authenticating"
  | "established";

/** A client SA as reported by {@link SipaeClient.securityAssociations}. */
export interface ClientSaInfo {
  scheme: SipaeScheme;
  realm: string;
  targetName: string;
  family: AuthHeaderFamily;
  state: ClientSaState;
  protocolVersion: number;
  opaque?: string;
}

/** Why a challenge ends the attempt. */
export type ClientFailureReason =
  /** None of the offered schemes has a configured mechanism. */
  | "no-supported-scheme"
  /** The server refused the last token (wrong password, unknown user, …). */
  | "credentials-rejected"
  /** As credentials-rejected, with the server's Date beyond the scheme's skew limit. */
  | "clock-skew"
  /** The handshake broke: a bad server token, or the server restarted it mid-way. */
  | "handshake-failed";

/** What to do after a 401/407. */
export type ChallengeOutcome =
  | {
    action: "retry";
    scheme: SipaeScheme;
    /** Server Date minus local time, when the challenge had a Date. */
    clockSkewMs?: number;
  }
  | {
    action: "fail";
    reason: ClientFailureReason;
    detail: string;
    clockSkewMs?: number;
  };

/** Why an incoming message is discarded (MS-SIP §3.1.5.1–§3.1.5.2, MS-SIPAE §3.2.5.2). */
export type ClientDropReason =
  /** No SA with the header's scheme, realm and targetname (or opaque). */
  | "no-security-association"
  | "bad-signature"
  /** snum already seen, or below the 256-wide window. */
  | "replay"
  | "malformed-auth-info"
  /** No signature although the server has an established SA with this client. */
  | "unsigned";

/** Whether to deliver an incoming message. */
export type IncomingVerdict =
  | { accept: true; signed: false }
  | { accept: true; signed: true; scheme: SipaeScheme; realm: string; targetName: string }
  | { accept: false; reason: ClientDropReason; detail: string };

/** Options of a {@link SipaeClient}. */
export interface SipaeClientOptions {
  /** Mechanisms in preference order (the first offered one is used). */
  mechanisms: ClientMechanismFactory[];
  now?: () => number;
}

/** MS-SIP §3.1.5.1: clocks within 15 minutes for NTLM, 5 minutes for Kerberos. */
const CLOCK_SKEW_LIMIT_MS: Partial<Record<SipaeScheme, number>> = {
  NTLM: 15 * 60 * 1000,
  Kerberos: 5 * 60 * 1000,
};

interface ClientSaEntry {
  scheme: SipaeScheme;
  realm: string;
  targetName: string;
  family: AuthHeaderFamily;
  /** The version the challenge offered (echoed in credentials), undefined when none. */
  offeredVersion?: number;
  protocolVersion: number;
  mechanism: ClientSecurityMechanism;
  state: ClientSaState;
  opaque?: string;
  pendingToken?: string;
}

/** What a request carried for one SA. */
type SentLeg = "initial" | "token" | "signed";

function saKey(scheme: string, realm: string, targetName: string): string {
  return `${scheme}\u0000${realm}\u0000${targetName}`;
}

function dropReasonOf(code: MechanismErrorCode): ClientDropReason {
  switch (code) {
    case "replayed-sequence":
    case "sequence-below-window":
      return "replay";
    case "malformed-auth-param":
      return "malformed-auth-info";
    case "sa-mismatch":
    case "invalid-state":
      return "no-security-association";
    default:
      return "bad-signature";
  }
}

/**
 * The client side of MS-SIPAE for one user.
 *
 * @example
 * ```ts
 * client.securityAssociations(); // [{ scheme: "NTLM", state: "established", opaque: "2BDBAC9D", … }]
 * ```
 */
export class SipaeClient {
  readonly #factories: ClientMechanismFactory[];
  readonly #now: () => number;
  readonly #entries = new Map<string, ClientSaEntry>();
  readonly #dropped = new Map<ClientDropReason, number>();

  constructor(options: SipaeClientOptions) {
    if (options.mechanisms.length === 0) throw new Error("SipaeClient needs a mechanism");
    this.#factories = options.mechanisms;
    this.#now = options.now ?? Date.now;
  }

  /** The SAs held, in creation order. */
  securityAssociations(): ClientSaInfo[] {
    return [...this.#entries.values()].map((e) => ({
      scheme: e.scheme,
      realm: e.realm,
      targetName: e.targetName,
      family: e.family,
      state: e.state,
      protocolVersion: e.protocolVersion,
      opaque: e.opaque,
    }));
  }

  /** How many incoming messages were discarded, per reason. */
  get dropped(): ReadonlyMap<ClientDropReason, number> {
    return this.#dropped;
  }

  /** Forgets every SA (sign-out, new connection to another server). */
  reset(): void {
    this.#entries.clear();
  }

  /**
   * Adds the credentials of every SA to an outgoing request, replacing any it already had.
   * Call it last, when From, To, Call-ID, CSeq, Expires and P-Preferred/Asserted-Identity are
   * final: the signature covers them (MS-SIP §3.1.4.2). Throws
   * SecurityMechanismError("malformed-auth-param") when the request lacks one of them.
   */
  authorize(request: SipRequest): void {
    request.removeHeader(AUTH_HEADER_NAMES.www.credentials);
    request.removeHeader(AUTH_HEADER_NAMES.proxy.credentials);
    for (const entry of this.#entries.values()) {
      const value = this.#credentialsFor(entry, request);
      if (value !== undefined) {
        request.addHeader(AUTH_HEADER_NAMES[entry.family].credentials, value);
      }
    }
  }

  /**
   * Processes a 401 (WWW-Authenticate) or 407 (Proxy-Authenticate) answering `request`
   * (see the module description). Throws TypeError for any other status.
   */
  handleChallenge(request: SipRequest, response: SipResponse): ChallengeOutcome {
    const family = familyOfStatus(response.status);
    if (!family) throw new TypeError(`status ${response.status} is not a challenge`);
    const clockSkewMs = this.#clockSkew(response);
    const challenges = this.#challenges(response, family);

    // A challenge carrying a server token continues a handshake we started.
    let continued: SipaeScheme | undefined;
    for (const ch of challenges) {
      if (!ch.gssapiData) continue;
      const entry = this.#entries.get(saKey(ch.scheme, ch.realm, ch.targetname));
      if (!entry || entry.state !== "awaiting-token" || entry.family !== family) continue;
      if (ch.opaque === undefined) {
        return this.#fail(entry, "handshake-failed", "server token without opaque", clockSkewMs);
      }
      try {
        entry.pendingToken = entry.mechanism.step(ch.gssapiData, ch.opaque);
      } catch (e) {
        if (!(e instanceof SecurityMechanismError)) throw e;
        // Guide §8: a malformed server token aborts the SA.
        return this.#fail(entry, "handshake-failed", e.message, clockSkewMs);
      }
      entry.opaque = ch.opaque;
      entry.state = "token-ready";
      continued = entry.scheme;
    }
    if (continued) return { action: "retry", scheme: continued, clockSkewMs };

    // A fresh challenge: judge what the request carried for each SA of this family.
    const sent = this.#sentLegs(request, family);
    for (const [key, entry] of [...this.#entries]) {
      if (entry.family !== family) continue;
      const leg = sent.get(key);
      if (leg === "token") {
        const limit = CLOCK_SKEW_LIMIT_MS[entry.scheme];
        const skewed = clockSkewMs !== undefined && limit !== undefined &&
          Math.abs(clockSkewMs) > limit;
        return this.#fail(
          entry,
          skewed ? "clock-skew" : "credentials-rejected",
          `${entry.scheme} credentials for ${entry.targetName} were refused`,
          clockSkewMs,
        );
      }
      if (leg === "initial") {
        return this.#fail(
          entry,
          "handshake-failed",
          "the server answered the first token with a new challenge",
          clockSkewMs,
        );
      }
      // Signatures the server no longer accepts: it dropped the SA, start over (guide §5).
      if (leg === "signed") this.#entries.delete(key);
      // Nothing sent for it (the request left while its handshake was running): keep it.
    }

    for (const factory of this.#factories) {
      const ch = challenges.find((c) => c.scheme === factory.scheme && !c.gssapiData);
      if (!ch) continue;
      const key = saKey(ch.scheme, ch.realm, ch.targetname);
      if (!this.#entries.has(key)) {
        const protocolVersion = ch.version ?? 2;
        this.#entries.set(key, {
          scheme: factory.scheme,
          realm: ch.realm,
          targetName: ch.targetname,
          family,
          offeredVersion: ch.version,
          protocolVersion,
          mechanism: factory.create({
            realm: ch.realm,
            targetName: ch.targetname,
            protocolVersion,
          }),
          state: "offered",
        });
      }
      return { action: "retry", scheme: factory.scheme, clockSkewMs };
    }
    const offered = challenges.map((c) => c.scheme).join(", ") || "none";
    return {
      action: "fail",
      reason: "no-supported-scheme",
      detail: `offered: ${offered}`,
      clockSkewMs,
    };
  }

  /**
   * Checks the Authentication-Info / Proxy-Authentication-Info of a message from the server
   * (MS-SIPAE §3.2.5.2): the SA with the same scheme, realm and targetname verifies rspauth and
   * snum; the first success establishes the SA. A message without one is delivered while no SA
   * is established, and always for 100 (hop-by-hop) and 401/407 (challenges are not signed).
   */
  verifyIncoming(message: SipRequest | SipResponse): IncomingVerdict {
    const values = [
      ...message.headerValues(AUTH_HEADER_NAMES.www.info),
      ...message.headerValues(AUTH_HEADER_NAMES.proxy.info),
    ];
    if (values.length === 0) {
      const exempt = message.kind === "response" &&
        (message.status === 100 || message.status === 401 || message.status === 407);
      const established = [...this.#entries.values()].some((e) => e.state === "established");
      if (exempt || !established) return { accept: true, signed: false };
      return this.#drop("unsigned", "no Authentication-Info from an authenticated server");
    }

    let last: SipaeAuthenticationInfo | undefined;
    for (const value of values) {
      let info: SipaeAuthenticationInfo;
      try {
        info = parseAuthenticationInfo(value);
      } catch (e) {
        if (!(e instanceof SipaeHeaderError)) throw e;
        return this.#drop("malformed-auth-info", e.message);
      }
      const entry = this.#entries.get(saKey(info.scheme, info.realm, info.targetname));
      if (
        !entry || !entry.mechanism.canSign ||
        (info.opaque !== undefined && entry.opaque !== undefined && info.opaque !== entry.opaque)
      ) {
        return this.#drop(
          "no-security-association",
          `no SA for ${info.scheme} ${info.targetname}`,
        );
      }
      try {
        entry.mechanism.verify(message, {
          rand: info.srand,
          num: info.snum,
          signature: info.rspauth,
          realm: info.realm,
          targetname: info.targetname,
        });
      } catch (e) {
        if (!(e instanceof SecurityMechanismError)) throw e;
        return this.#drop(dropReasonOf(e.code), e.message);
      }
      entry.state = "established";
      last = info;
    }
    return {
      accept: true,
      signed: true,
      scheme: last!.scheme as SipaeScheme,
      realm: last!.realm,
      targetName: last!.targetname,
    };
  }

  // -------------------------------------------------------------------------------------------

  /** The credentials value for one SA in its current state, advancing the state. */
  #credentialsFor(entry: ClientSaEntry, request: SipRequest): string | undefined {
    const base = {
      scheme: entry.scheme,
      qop: "auth",
      realm: entry.realm,
      targetname: entry.targetName,
    };
    switch (entry.state) {
      case "offered": {
        const gssapiData = entry.mechanism.initial();
        entry.state = entry.mechanism.canSign ? "authenticating" : "awaiting-token";
        return formatCredentials({ ...base, version: entry.offeredVersion, gssapiData });
      }
      case "awaiting-token":
        // The server's token has not arrived; a second opening would fork the handshake.
        return undefined;
      case "token-ready": {
        // Guide §3.1 step 5: with version ≥ 4 the request carrying the token is signed too.
        const signature = entry.protocolVersion >= 4 && entry.mechanism.canSign
          ? entry.mechanism.sign(request)
          : undefined;
        const gssapiData = entry.pendingToken!;
        entry.pendingToken = undefined;
        entry.state = "authenticating";
        return formatCredentials({
          ...base,
          opaque: entry.opaque,
          version: entry.offeredVersion,
          gssapiData,
          crand: signature?.rand,
          cnum: signature?.num,
          response: signature?.signature,
        });
      }
      case "authenticating":
      case "established": {
        if (!entry.mechanism.canSign) return undefined;
        const signature = entry.mechanism.sign(request);
        return formatCredentials({
          ...base,
          opaque: entry.opaque,
          crand: signature.rand,
          cnum: signature.num,
          response: signature.signature,
        });
      }
    }
  }

  /** MS-SIPAE challenges of a family, unreadable or foreign ones skipped. */
  #challenges(response: SipResponse, family: AuthHeaderFamily): SipaeChallenge[] {
    const out: SipaeChallenge[] = [];
    for (const value of response.headerValues(AUTH_HEADER_NAMES[family].challenge)) {
      try {
        const ch = parseChallenge(value);
        if (canonicalScheme(ch.scheme)) out.push(ch);
      } catch (e) {
        if (!(e instanceof SipaeHeaderError)) throw e;
      }
    }
    return out;
  }

  /** Which leg the challenged request carried for each SA (by its own credentials). */
  #sentLegs(request: SipRequest, family: AuthHeaderFamily): Map<string, SentLeg> {
    const legs = new Map<string, SentLeg>();
    for (const value of request.headerValues(AUTH_HEADER_NAMES[family].credentials)) {
      try {
        const c = parseCredentials(value);
        const leg = c.gssapiData === undefined
          ? "signed"
          : c.gssapiData === ""
          ? "initial"
          : "token";
        legs.set(saKey(c.scheme, c.realm, c.targetname), leg);
      } catch (e) {
        if (!(e instanceof SipaeHeaderError)) throw e;
      }
    }
    return legs;
  }

  /** Server Date minus local time (MS-SIP §3.1.5.1), when the response has a valid Date. */
  #clockSkew(response: SipResponse): number | undefined {
    const date = response.header("Date");
    const at = date === undefined ? NaN : Date.parse(date);
    return Number.isNaN(at) ? undefined : at - this.#now();
  }

  #fail(
    entry: ClientSaEntry,
    reason: ClientFailureReason,
    detail: string,
    clockSkewMs: number | undefined,
  ): ChallengeOutcome {
    this.#entries.delete(saKey(entry.scheme, entry.realm, entry.targetName));
    return { action: "fail", reason, detail, clockSkewMs };
  }

  #drop(reason: ClientDropReason, detail: string): IncomingVerdict {
    this.#dropped.set(reason, (this.#dropped.get(reason) ?? 0) + 1);
    return { accept: false, reason, detail };
  }
}
