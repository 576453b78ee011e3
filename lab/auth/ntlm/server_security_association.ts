/**
 * The server side of an MS-SIPAE NTLM security association (MS-SIPAE §3.3; MS-SIP §3.1): the
 * registrar/proxy challenges with a CHALLENGE_MESSAGE under a fresh `opaque`, verifies the
 * AUTHENTICATE_MESSAGE against the user's NT hash, then signs every message to the endpoint
 * (srand/snum/rspauth) and verifies every message from it (crand/cnum/response, cnum window).
 *
 * States: `initial` → (challenge) `challenged` → (acceptAuthenticate ok) `established`;
 * a rejected AUTHENTICATE_MESSAGE → `failed` (the SIP layer re-challenges with a new SA).
 *
 * Error codes and the usual SIP answer (MS-SIPAE guide §5, §8): "malformed-token" → 400;
 * "wrong-password", "unknown-user", "mic-mismatch", "clock-skew", "insufficient-flags",
 * "unsupported-response" → 401/407 re-challenge (or 403); on signed requests "bad-signature",
 * "replayed-sequence", "sequence-below-window", "sa-mismatch" → re-challenge (ACK/CANCEL: drop).
 *
 * @example
 * ```ts
 * const sa = new NtlmServerSecurityAssociation({ realm, targetName: "fe01.contoso.com",
 *   protocolVersion: 4, names, lookupNtHash });
 * const gssapiData = sa.challenge(); // 401: WWW-Authenticate: NTLM opaque=sa.opaque, gssapi-data=…
 * sa.acceptAuthenticate(tokenFromRegister);
 * sa.verify(register, { crand, cnum, response, realm, targetname, opaque });
 * const { srand, snum, rspauth } = sa.sign(ok200); // Authentication-Info
 * ```
 *
 * @module
 */
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import { NtlmAuthError } from "./errors.ts";
import { decodeGssapiData, encodeGssapiData } from "./gssapi_data.ts";
import { deriveSessionKeys } from "./keys.ts";
import {
  createChallenge,
  type NtHashLookup,
  type ServerNames,
  SIP_REQUIRED_AUTHENTICATE_FLAGS,
  SIP_SERVER_CHALLENGE_FLAGS,
  verifyAuthenticate,
} from "./server.ts";
import { formatSalt } from "./sip_auth_params.ts";
import type { SignableMessage } from "./sip_signature.ts";
import { type SecurityAssociationNames, SipSigningSession } from "./sip_signing_session.ts";
import type { NtlmVersion } from "./version.ts";

/** MS-SIP §3.1.5.1: client and server clocks within 15 minutes for NTLM. */
export const NTLM_MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/** Options of an {@link NtlmServerSecurityAssociation}. */
export interface ServerSecurityAssociationOptions extends SecurityAssociationNames {
  /** The credential store: NT hash of (user, domain), undefined for an unknown user. */
  lookupNtHash: NtHashLookup;
  /** Names for the CHALLENGE TargetInfo. */
  names: ServerNames;
  /** CHALLENGE flags (default SIP_SERVER_CHALLENGE_FLAGS). */
  challengeFlags?: number;
  /** Required AUTHENTICATE flags (default SIP_REQUIRED_AUTHENTICATE_FLAGS). */
  requiredFlags?: number;
  /** Send MsvAvTimestamp, making clients add a MIC (default true). */
  includeTimestamp?: boolean;
  /** Accepted NTLMv2 timestamp distance (default 15 minutes); null disables the check. */
  maxClockSkewMs?: number | null;
  version?: NtlmVersion;
  random?: RandomBytes;
  now?: () => number;
}

/** Values for the Authentication-Info / Proxy-Authentication-Info header. */
export interface ServerSignature {
  srand: string;
  snum: string;
  rspauth: string;
}

/** Values of a received Authorization / Proxy-Authorization header. */
export interface ClientSignatureParams {
  crand: string;
  cnum: string;
  response: string;
  realm: string;
  targetname: string;
  /** Checked against the SA's opaque when present. */
  opaque?: string;
}

/** Who the SA authenticated. */
export interface AuthenticatedIdentity {
  userName: string;
  domainName: string;
  workstation: string;
}

/** Lifecycle of a server SA. */
export type ServerSecurityAssociationState = "initial" | "challenged" | "established" | "failed";

/**
 * One server-side NTLM SA (one per client endpoint and scheme).
 *
 * @example
 * ```ts
 * const sa = new NtlmServerSecurityAssociation(options);
 * sa.opaque; // "2BDBAC9D"-style identifier for the opaque parameter
 * ```
 */
export class NtlmServerSecurityAssociation {
  readonly scheme = "NTLM";
  readonly realm: string;
  readonly targetName: string;
  readonly protocolVersion: number;
  /** The SA identifier sent in `opaque` (8 uppercase hex digits). */
  readonly opaque: string;
  #state: ServerSecurityAssociationState = "initial";
  #challenge: Uint8Array | undefined;
  #session: SipSigningSession | undefined;
  #identity: AuthenticatedIdentity | undefined;
  readonly #options: ServerSecurityAssociationOptions;
  readonly #random: RandomBytes;

  constructor(options: ServerSecurityAssociationOptions) {
    this.#options = options;
    this.#random = options.random ?? secureRandomBytes;
    this.realm = options.realm;
    this.targetName = options.targetName;
    this.protocolVersion = options.protocolVersion;
    this.opaque = formatSalt(this.#random(4), "upper");
  }

  get state(): ServerSecurityAssociationState {
    return this.#state;
  }

  /** The authenticated user, once `established`. */
  get identity(): AuthenticatedIdentity | undefined {
    return this.#identity;
  }

  /**
   * A new base64 CHALLENGE_MESSAGE for the 401/407 (MS-NLMP §3.2.5.2.1), answering the
   * client's empty gssapi-data. May be repeated before authentication (a fresh nonce each
   * time); throws NtlmAuthError("invalid-state") afterwards.
   */
  challenge(): string {
    if (this.#state !== "initial" && this.#state !== "challenged") {
      throw new NtlmAuthError("invalid-state", `cannot challenge in state ${this.#state}`);
    }
    const options = this.#options;
    const { message } = createChallenge({
      negotiateFlags: options.challengeFlags ?? SIP_SERVER_CHALLENGE_FLAGS,
      names: options.names,
      includeTimestamp: options.includeTimestamp,
      version: options.version,
      random: this.#random,
      now: options.now,
    });
    this.#challenge = message;
    this.#state = "challenged";
    return encodeGssapiData(message);
  }

  /**
   * Verifies the client's base64 AUTHENTICATE_MESSAGE and derives the keys. Throws
   * NtlmAuthError ("invalid-state", "malformed-token", "unsupported-response",
   * "insufficient-flags", "unknown-user", "wrong-password", "mic-mismatch", "clock-skew"); the SA
   * is then `failed`.
   */
  acceptAuthenticate(gssapiData: string): AuthenticatedIdentity {
    if (this.#state !== "challenged" || !this.#challenge) {
      throw new NtlmAuthError("invalid-state", `AUTHENTICATE received in state ${this.#state}`);
    }
    try {
      const options = this.#options;
      const result = verifyAuthenticate({
        challenge: this.#challenge,
        authenticate: decodeGssapiData(gssapiData),
        lookupNtHash: options.lookupNtHash,
        requiredFlags: options.requiredFlags ?? SIP_REQUIRED_AUTHENTICATE_FLAGS,
        maxLifetimeMs: options.maxClockSkewMs === undefined
          ? NTLM_MAX_CLOCK_SKEW_MS
          : options.maxClockSkewMs,
        now: options.now,
      });
      const flags = result.negotiateFlags;
      const keys = deriveSessionKeys(flags, result.exportedSessionKey);
      this.#session = new SipSigningSession({
        realm: this.realm,
        targetName: this.targetName,
        protocolVersion: this.protocolVersion,
        own: { signingKey: keys.serverSigningKey, sealingKey: keys.serverSealingKey, flags },
        peer: { signingKey: keys.clientSigningKey, sealingKey: keys.clientSealingKey, flags },
        saltCase: "upper",
        random: this.#random,
      });
      this.#identity = {
        userName: result.userName,
        domainName: result.domainName,
        workstation: result.workstation,
      };
      this.#state = "established";
      return this.#identity;
    } catch (e) {
      this.#state = "failed";
      throw e;
    }
  }

  /**
   * Verifies a client-signed message and its cnum. Throws NtlmAuthError ("sa-mismatch",
   * "malformed-auth-param", "bad-signature", "replayed-sequence", "sequence-below-window",
   * "invalid-state").
   */
  verify(message: SignableMessage, params: ClientSignatureParams): void {
    const session = this.#requireSession();
    if (params.opaque !== undefined && params.opaque !== this.opaque) {
      throw new NtlmAuthError("sa-mismatch", "opaque does not name this SA");
    }
    session.verify(message, {
      rand: params.crand,
      num: params.cnum,
      signature: params.response,
      realm: params.realm,
      targetname: params.targetname,
    });
  }

  /** Signs an outgoing message: srand, snum (1, 2, …) and rspauth. */
  sign(message: SignableMessage): ServerSignature {
    const { rand, num, signature } = this.#requireSession().sign(message);
    return { srand: rand, snum: num, rspauth: signature };
  }

  #requireSession(): SipSigningSession {
    if (this.#state !== "established" || !this.#session) {
      throw new NtlmAuthError("invalid-state", `no established SA (state ${this.#state})`);
    }
    return this.#session;
  }
}
