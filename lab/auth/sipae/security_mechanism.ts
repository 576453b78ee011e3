/**
 * The pluggable security mechanisms of MS-SIPAE (§3.1: NTLM, Kerberos, TLS-DSK). The client and
 * server pipelines only move tokens and signatures between SIP headers and a mechanism; a
 * mechanism owns the GSS-style context of one security association (SA): it produces and
 * consumes `gssapi-data` tokens during establishment and signs / verifies the MS-SIPAE signature
 * buffer afterwards (MS-SIP §3.1.4.2, §3.1.5.2).
 *
 * Token flow per scheme (MS-SIPAE §3.1, guide §3):
 * - NTLM (connectionless, 3 round trips): client `initial()` = "" → server `accept("")` returns
 *   the CHALLENGE_MESSAGE → client `step()` returns the AUTHENTICATE_MESSAGE → server
 *   `accept()` completes.
 * - Kerberos (2 round trips): client `initial()` = AP-REQ → server `accept()` completes.
 * - TLS-DSK: TLS records tunnelled through several `step()` / `accept()` rounds.
 *
 * Mechanisms throw {@link SecurityMechanismError}; the pipelines turn the code into the SIP
 * answer.
 *
 * @example
 * ```ts
 * const factory: ClientMechanismFactory = ntlmClientMechanism({ credentials });
 * const mech = factory.create({ realm, targetName, protocolVersion: 4 });
 * const first = mech.initial(); // "" for NTLM
 * ```
 *
 * @module
 */
import type { SignableMessage } from "../ntlm/mod.ts";
import type { SipaeScheme } from "./auth_headers.ts";

export type { SignableMessage };

/** What a challenge names: the SA's realm, targetname and auth protocol version. */
export interface SecurityAssociationTarget {
  realm: string;
  /** As in the challenge (Kerberos: the SPN `sip/<fqdn>`). */
  targetName: string;
  /** The `version` the server offered (3 or 4), or 2 when it offered none (legacy buffer). */
  protocolVersion: number;
}

/** A signature as carried by crand/cnum/response (client) or srand/snum/rspauth (server). */
export interface MessageSignature {
  rand: string;
  num: string;
  signature: string;
}

/** A received signature with the realm and targetname of its header. */
export interface ReceivedMessageSignature extends MessageSignature {
  realm: string;
  targetname: string;
}

/** The client half of one SA. */
export interface ClientSecurityMechanism {
  readonly scheme: SipaeScheme;
  /** True once session keys exist: requests can be signed and responses verified. */
  readonly canSign: boolean;
  /** The gssapi-data of the first credentials ("" for connectionless NTLM). */
  initial(): string;
  /**
   * Consumes the server's gssapi-data (sent under `opaque`) and returns the next token for the
   * following credentials.
   */
  step(serverToken: string, opaque: string): string;
  /** Signs an outgoing message (next cnum, fresh crand). */
  sign(message: SignableMessage): MessageSignature;
  /** Verifies a server-signed message and its snum; throws SecurityMechanismError. */
  verify(message: SignableMessage, received: ReceivedMessageSignature): void;
}

/** Who a server mechanism authenticated. */
export interface AuthenticatedUser {
  userName: string;
  domainName: string;
  /** The client machine when the mechanism reports it (NTLM Workstation). */
  workstation?: string;
}

/** The result of one server-side establishment step. */
export type AcceptResult =
  | { kind: "continue"; token: string }
  | { kind: "complete"; user: AuthenticatedUser };

/** The server half of one SA. */
export interface ServerSecurityMechanism {
  readonly scheme: SipaeScheme;
  /** The SA identifier sent in `opaque` (unique among this server's live SAs). */
  readonly opaque: string;
  /** Consumes a client token; returns the next server token or the authenticated user. */
  accept(clientToken: string): AcceptResult;
  /** Verifies a client-signed message and its cnum; throws SecurityMechanismError. */
  verify(message: SignableMessage, received: ReceivedMessageSignature): void;
  /** Signs an outgoing message (next snum, fresh srand). */
  sign(message: SignableMessage): MessageSignature;
}

/** Creates client mechanisms of one scheme; listed in preference order on the client. */
export interface ClientMechanismFactory {
  readonly scheme: SipaeScheme;
  create(target: SecurityAssociationTarget): ClientSecurityMechanism;
}

/** Creates server mechanisms of one scheme; each factory is offered in the challenge. */
export interface ServerMechanismFactory {
  readonly scheme: SipaeScheme;
  /** The targetname this scheme advertises for a server FQDN (Kerberos: `sip/<fqdn>`). */
  targetNameFor(serverFqdn: string): string;
  /**
   * TLS-DSK: the certificate provisioning web service (MS-OCAUTHWS) advertised as `sts-uri` in
   * the challenge, where a client without a certificate gets one (MS-SIPAE §2.2.1).
   */
  readonly stsUri?: string;
  create(target: SecurityAssociationTarget): ServerSecurityMechanism;
}
