/**
 * NTLM as an MS-SIPAE security mechanism: adapters from the NTLM security associations of
 * lab/auth/ntlm to the scheme-independent {@link ClientSecurityMechanism} and
 * {@link ServerSecurityMechanism} interfaces.
 *
 * Connectionless NTLM (MS-NLMP §3.1.5.2, MS-SIPAE §3.1): the client sends no NEGOTIATE_MESSAGE —
 * its first token is the empty `gssapi-data=""` — and the server answers with the
 * CHALLENGE_MESSAGE. A server also accepts a NEGOTIATE_MESSAGE as the opening token (answered
 * with the same CHALLENGE), so a connection-oriented client is not turned away.
 *
 * @example
 * ```ts
 * const server = new SipaeServer({ targetName: "fe01.contoso.com",
 *   mechanisms: [ntlmServerMechanism({ lookupNtHash, names })] });
 * const client = new SipaeClient({ mechanisms: [ntlmClientMechanism({ credentials })] });
 * ```
 *
 * @module
 */
import type { RandomBytes } from "../crypto/random.ts";
import {
  decodeGssapiData,
  decodeNegotiateMessage,
  type NtHashLookup,
  NtlmAuthError,
  NtlmClientSecurityAssociation,
  type NtlmCredentials,
  NtlmServerSecurityAssociation,
  type NtlmVersion,
  type ServerNames,
  type SignableMessage,
} from "../ntlm/mod.ts";
import { SecurityMechanismError } from "./errors.ts";
import type {
  AcceptResult,
  ClientMechanismFactory,
  ClientSecurityMechanism,
  MessageSignature,
  ReceivedMessageSignature,
  SecurityAssociationTarget,
  ServerMechanismFactory,
  ServerSecurityMechanism,
} from "./security_mechanism.ts";

/** Runs `fn`, turning an NtlmAuthError into the SecurityMechanismError with the same code. */
function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof NtlmAuthError) throw new SecurityMechanismError(e.code, e.message);
    throw e;
  }
}

/** Options of {@link ntlmClientMechanism}. */
export interface NtlmClientMechanismOptions {
  credentials: NtlmCredentials;
  /** NbMachineName sent in the AUTHENTICATE_MESSAGE. */
  workstation?: string;
  /** VERSION (the client OS) sent in the AUTHENTICATE_MESSAGE. */
  version?: NtlmVersion;
  random?: RandomBytes;
  now?: () => number;
}

class NtlmClientMechanism implements ClientSecurityMechanism {
  readonly scheme = "NTLM";
  readonly #sa: NtlmClientSecurityAssociation;

  constructor(sa: NtlmClientSecurityAssociation) {
    this.#sa = sa;
  }

  get canSign(): boolean {
    return this.#sa.state === "authenticating" || this.#sa.state === "established";
  }

  initial(): string {
    // MS-SIPAE §3.1: connectionless NTLM opens with an empty token, no NEGOTIATE_MESSAGE.
    return "";
  }

  step(serverToken: string, opaque: string): string {
    return translated(() => this.#sa.acceptChallenge(serverToken, opaque));
  }

  sign(message: SignableMessage): MessageSignature {
    const { crand, cnum, response } = translated(() => this.#sa.sign(message));
    return { rand: crand, num: cnum, signature: response };
  }

  verify(message: SignableMessage, received: ReceivedMessageSignature): void {
    translated(() =>
      this.#sa.verify(message, {
        srand: received.rand,
        snum: received.num,
        rspauth: received.signature,
        realm: received.realm,
        targetname: received.targetname,
      })
    );
  }
}

/**
 * The client-side NTLM factory for {@link SipaeClient}.
 *
 * @example
 * ```ts
 * ntlmClientMechanism({ credentials: { user: "alice", domain: "CONTOSO", password: "…" },
 *   workstation: "ALICE-PC" });
 * ```
 */
export function ntlmClientMechanism(options: NtlmClientMechanismOptions): ClientMechanismFactory {
  return {
    scheme: "NTLM",
    create: (target: SecurityAssociationTarget) =>
      new NtlmClientMechanism(
        new NtlmClientSecurityAssociation({
          realm: target.realm,
          targetName: target.targetName,
          protocolVersion: target.protocolVersion,
          credentials: options.credentials,
          workstation: options.workstation,
          version: options.version,
          random: options.random,
          now: options.now,
        }),
      ),
  };
}

/** Options of {@link ntlmServerMechanism}. */
export interface NtlmServerMechanismOptions {
  /** The credential store: NT hash of (user, domain), undefined for an unknown user. */
  lookupNtHash: NtHashLookup;
  /** NetBIOS and DNS names for the CHALLENGE TargetInfo. */
  names: ServerNames;
  /** Send MsvAvTimestamp (default true; clients then use the server's time and add a MIC). */
  includeTimestamp?: boolean;
  /** Accepted NTLMv2 timestamp distance (default 15 minutes, MS-SIP §3.1.5.1). */
  maxClockSkewMs?: number | null;
  version?: NtlmVersion;
  random?: RandomBytes;
  now?: () => number;
}

class NtlmServerMechanism implements ServerSecurityMechanism {
  readonly scheme = "NTLM";
  readonly #sa: NtlmServerSecurityAssociation;

  constructor(sa: NtlmServerSecurityAssociation) {
    this.#sa = sa;
  }

  get opaque(): string {
    return this.#sa.opaque;
  }

  accept(clientToken: string): AcceptResult {
    return translated(() => {
      const sa = this.#sa;
      if (clientToken === "") return { kind: "continue", token: sa.challenge() };
      if (sa.state === "initial") {
        // A connection-oriented client opens with a NEGOTIATE_MESSAGE; anything else is not a
        // first token (throws malformed-token).
        decodeNegotiateMessage(decodeGssapiData(clientToken));
        return { kind: "continue", token: sa.challenge() };
      }
      const identity = sa.acceptAuthenticate(clientToken);
      return {
        kind: "complete",
        user: {
          userName: identity.userName,
          domainName: identity.domainName,
          workstation: identity.workstation,
        },
      };
    });
  }

  verify(message: SignableMessage, received: ReceivedMessageSignature): void {
    translated(() =>
      this.#sa.verify(message, {
        crand: received.rand,
        cnum: received.num,
        response: received.signature,
        realm: received.realm,
        targetname: received.targetname,
      })
    );
  }

  sign(message: SignableMessage): MessageSignature {
    const { srand, snum, rspauth } = translated(() => this.#sa.sign(message));
    return { rand: srand, num: snum, signature: rspauth };
  }
}

/**
 * The server-side NTLM factory for {@link SipaeServer}; NTLM's targetname is the server FQDN.
 *
 * @example
 * ```ts
 * ntlmServerMechanism({
 *   lookupNtHash: (user) => hashes.get(user.toLowerCase()),
 *   names: { nbDomainName: "CONTOSO", nbComputerName: "FE01", dnsComputerName: "fe01.contoso.com" },
 * });
 * ```
 */
export function ntlmServerMechanism(options: NtlmServerMechanismOptions): ServerMechanismFactory {
  return {
    scheme: "NTLM",
    targetNameFor: (serverFqdn) => serverFqdn,
    create: (target: SecurityAssociationTarget) =>
      new NtlmServerMechanism(
        new NtlmServerSecurityAssociation({
          realm: target.realm,
          targetName: target.targetName,
          protocolVersion: target.protocolVersion,
          lookupNtHash: options.lookupNtHash,
          names: options.names,
          includeTimestamp: options.includeTimestamp,
          maxClockSkewMs: options.maxClockSkewMs,
          version: options.version,
          random: options.random,
          now: options.now,
        }),
      ),
  };
}
