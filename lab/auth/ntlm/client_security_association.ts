/**
 * The client side of an MS-SIPAE NTLM security association (MS-SIPAE §3.2; MS-SIP §3.1): one
 * per (realm, targetname) the client was challenged for. Connectionless NTLM: the client answers
 * the server's first token (the CHALLENGE_MESSAGE) with the AUTHENTICATE_MESSAGE and has its keys
 * at once, so it can sign the request carrying that token (auth version ≥ 4); the SA is
 * established when the first server signature verifies.
 *
 * States: `initial` → (acceptChallenge) `authenticating` → (verify ok) `established`;
 * a failed acceptChallenge → `failed`. Verification failures never change the state: the SIP
 * layer discards the message (MS-SIP §3.1.5.2).
 *
 * @example
 * ```ts
 * const sa = new NtlmClientSecurityAssociation({
 *   realm: "SIP Communications Service", targetName: "fe01.contoso.com", protocolVersion: 4,
 *   credentials: { user: "alice", domain: "CONTOSO", password: "secret" },
 * });
 * // REGISTER with gssapi-data="" → 401 with gssapi-data + opaque:
 * const token = sa.acceptChallenge(gssapiData, opaque);
 * const { crand, cnum, response } = sa.sign(register); // Authorization: NTLM ..., gssapi-data=token
 * sa.verify(okResponse, { srand, snum, rspauth, realm, targetname, opaque }); // → established
 * ```
 *
 * @module
 */
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import {
  type NtlmCredentials,
  respondToChallenge,
  SIP_REQUIRED_CHALLENGE_FLAGS,
} from "./client.ts";
import { NtlmAuthError } from "./errors.ts";
import { decodeGssapiData, encodeGssapiData } from "./gssapi_data.ts";
import { deriveSessionKeys } from "./keys.ts";
import type { SignableMessage } from "./sip_signature.ts";
import { type SecurityAssociationNames, SipSigningSession } from "./sip_signing_session.ts";
import type { NtlmVersion } from "./version.ts";

/** Options of an {@link NtlmClientSecurityAssociation}. */
export interface ClientSecurityAssociationOptions extends SecurityAssociationNames {
  credentials: NtlmCredentials;
  /** Workstation (NbMachineName) sent in the AUTHENTICATE_MESSAGE. */
  workstation?: string;
  /** VERSION sent in the AUTHENTICATE_MESSAGE (the client's OS). */
  version?: NtlmVersion;
  /** CHALLENGE flags required (default SIP_REQUIRED_CHALLENGE_FLAGS). */
  requiredChallengeFlags?: number;
  random?: RandomBytes;
  now?: () => number;
}

/** Values for the Authorization / Proxy-Authorization header of a signed request. */
export interface ClientSignature {
  crand: string;
  cnum: string;
  response: string;
}

/** Values of a received Authentication-Info / Proxy-Authentication-Info header. */
export interface ServerSignatureParams {
  srand: string;
  snum: string;
  rspauth: string;
  realm: string;
  targetname: string;
  /** Checked against the SA's opaque when present. */
  opaque?: string;
}

/** Lifecycle of a client SA. */
export type ClientSecurityAssociationState =
  | "initial"
  | "authenticating"
  | "established"
  | "failed";

/**
 * One client-side NTLM SA.
 *
 * @example
 * ```ts
 * if (sa.matches(params.realm, params.targetname)) sa.verify(message, params);
 * ```
 */
export class NtlmClientSecurityAssociation {
  readonly scheme = "NTLM";
  readonly realm: string;
  readonly targetName: string;
  readonly protocolVersion: number;
  #state: ClientSecurityAssociationState = "initial";
  #opaque: string | undefined;
  #session: SipSigningSession | undefined;
  readonly #options: ClientSecurityAssociationOptions;

  constructor(options: ClientSecurityAssociationOptions) {
    this.#options = options;
    this.realm = options.realm;
    this.targetName = options.targetName;
    this.protocolVersion = options.protocolVersion;
  }

  get state(): ClientSecurityAssociationState {
    return this.#state;
  }

  /** The server's SA identifier, known once the challenge arrived (echoed in later headers). */
  get opaque(): string | undefined {
    return this.#opaque;
  }

  /** True when a header with this realm and targetname belongs to this SA (MS-SIPAE §3.2.5.2). */
  matches(realm: string, targetName: string): boolean {
    return realm === this.realm && targetName === this.targetName;
  }

  /**
   * Answers the server's gssapi-data (base64 CHALLENGE_MESSAGE) with the base64
   * AUTHENTICATE_MESSAGE and derives the session keys. Throws NtlmAuthError "invalid-state",
   * "malformed-token" or "insufficient-flags"; the SA is then `failed`.
   */
  acceptChallenge(gssapiData: string, opaque: string): string {
    if (this.#state !== "initial") {
      throw new NtlmAuthError("invalid-state", `challenge received in state ${this.#state}`);
    }
    try {
      const options = this.#options;
      const random = options.random ?? secureRandomBytes;
      const reply = respondToChallenge({
        challenge: decodeGssapiData(gssapiData),
        credentials: options.credentials,
        workstation: options.workstation,
        version: options.version,
        requiredChallengeFlags: options.requiredChallengeFlags ?? SIP_REQUIRED_CHALLENGE_FLAGS,
        random,
        now: options.now,
      });
      const keys = deriveSessionKeys(reply.negotiateFlags, reply.exportedSessionKey);
      const flags = reply.negotiateFlags;
      this.#session = new SipSigningSession({
        realm: this.realm,
        targetName: this.targetName,
        protocolVersion: this.protocolVersion,
        own: { signingKey: keys.clientSigningKey, sealingKey: keys.clientSealingKey, flags },
        peer: { signingKey: keys.serverSigningKey, sealingKey: keys.serverSealingKey, flags },
        saltCase: "lower",
        random,
      });
      this.#opaque = opaque;
      this.#state = "authenticating";
      return encodeGssapiData(reply.message);
    } catch (e) {
      this.#state = "failed";
      throw e;
    }
  }

  /**
   * Signs an outgoing message: crand, cnum (1, 2, …) and response for the Authorization header.
   * Throws NtlmAuthError("invalid-state") before the keys exist.
   */
  sign(message: SignableMessage): ClientSignature {
    const { rand, num, signature } = this.#requireSession().sign(message);
    return { crand: rand, cnum: num, response: signature };
  }

  /**
   * Verifies a server-signed message; on the first success the SA is `established`. Throws
   * NtlmAuthError ("sa-mismatch", "malformed-auth-param", "bad-signature",
   * "replayed-sequence", "sequence-below-window", "invalid-state"): discard the message.
   */
  verify(message: SignableMessage, params: ServerSignatureParams): void {
    const session = this.#requireSession();
    if (params.opaque !== undefined && params.opaque !== this.#opaque) {
      throw new NtlmAuthError("sa-mismatch", "opaque does not name this SA");
    }
    session.verify(message, {
      rand: params.srand,
      num: params.snum,
      signature: params.rspauth,
      realm: params.realm,
      targetname: params.targetname,
    });
    this.#state = "established";
  }

  #requireSession(): SipSigningSession {
    if (!this.#session || this.#state === "failed") {
      throw new NtlmAuthError("invalid-state", `no session keys in state ${this.#state}`);
    }
    return this.#session;
  }
}
