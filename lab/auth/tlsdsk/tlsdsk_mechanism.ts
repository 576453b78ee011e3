/**
 * TLS-DSK as an MS-SIPAE security mechanism (MS-SIPAE §3.3, guide §3.3): the TLS 1.0 handshake
 * of this folder tunnelled base64 in `gssapi-data`, then HMAC signing with the derived keys.
 *
 * Legs as the MS-SIPAE pipelines run them (lab/auth/sipae client.ts / server.ts):
 *
 * 1. REGISTER → 401 with `TLS-DSK realm, targetname, version[, sts-uri]`.
 * 2. REGISTER `gssapi-data=<ClientHello>` → 401 `opaque`, `gssapi-data=<ServerHello,
 *    Certificate, CertificateRequest, ServerHelloDone>`.
 * 3. REGISTER `gssapi-data=<Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished>`,
 *    signed already (version 4: the client's keys exist once its Finished is written) → the
 *    server checks the certificate chain to the lab CA, CertificateVerify and Finished, derives
 *    the keys, verifies the signature → 200 OK signed with `rspauth`.
 *
 * The server's own ChangeCipherSpec + Finished has no leg to travel in: the pipeline completes
 * the SA on the request that carries the client's Finished and the 200 carries no gssapi-data.
 * The client authenticates the server by its `rspauth` instead: only the holder of the server
 * certificate's private key can decrypt the pre-master secret behind the server signing key.
 *
 * @example
 * ```ts
 * const server = new SipaeServer({ fqdn: "fe01.contoso.com",
 *   mechanisms: [tlsDskServerMechanism({ caPem, certPem, keyPem, stsUri })] });
 * const client = new SipaeClient({
 *   mechanisms: [tlsDskClientMechanism({ certificate, privateKey, caPem })] });
 * ```
 *
 * @module
 */
import { toHex } from "../crypto/bytes.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";
import { SecurityMechanismError } from "../sipae/errors.ts";
import type {
  AcceptResult,
  AuthenticatedUser,
  ClientMechanismFactory,
  ClientSecurityMechanism,
  MessageSignature,
  ReceivedMessageSignature,
  SecurityAssociationTarget,
  ServerMechanismFactory,
  ServerSecurityMechanism,
  SignableMessage,
} from "../sipae/security_mechanism.ts";
import type { X509Certificate } from "node:crypto";
import { pemCertificates } from "./certificate_chain.ts";
import { TlsHandshakeError } from "./errors.ts";
import type { TlsSession } from "./session.ts";
import { deriveTlsDskSigningKeys } from "./signing_keys.ts";
import { TlsDskSigningSession } from "./signing_session.ts";
import { TlsClientHandshake } from "./tls_client.ts";
import { TlsServerHandshake } from "./tls_server.ts";

/** Runs `fn`, turning a TlsHandshakeError into the SecurityMechanismError of the same code. */
function translated<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof TlsHandshakeError) throw new SecurityMechanismError(e.code, e.message);
    throw e;
  }
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Decodes a gssapi-data token; anything but non-empty canonical base64 is `malformed-token`. */
function decodeToken(token: string): Uint8Array {
  if (token === "" || !BASE64.test(token)) {
    throw new SecurityMechanismError("malformed-token", "gssapi-data is not a base64 TLS token");
  }
  return Uint8Array.from(atob(token), (c) => c.charCodeAt(0));
}

function encodeToken(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

function signingSession(
  session: TlsSession,
  target: SecurityAssociationTarget,
  side: "client" | "server",
  random: RandomBytes | undefined,
): TlsDskSigningSession {
  const keys = deriveTlsDskSigningKeys(session);
  return new TlsDskSigningSession({
    realm: target.realm,
    targetName: target.targetName,
    protocolVersion: target.protocolVersion,
    own: side === "client" ? keys.client : keys.server,
    peer: side === "client" ? keys.server : keys.client,
    hash: keys.hash,
    saltCase: side === "client" ? "lower" : "upper",
    random,
  });
}

function requireSigning(session: TlsDskSigningSession | undefined): TlsDskSigningSession {
  if (!session) throw new SecurityMechanismError("invalid-state", "no TLS-DSK keys yet");
  return session;
}

/** Options of {@link tlsDskClientMechanism}. */
export interface TlsDskClientMechanismOptions {
  /** The user certificate from the certificate provisioning service (PEM). */
  certificate: string;
  /** Its private key (PEM). */
  privateKey: string;
  /** The CA the server certificate must chain to (the lab CA, PEM). */
  caPem: string;
  random?: RandomBytes;
  now?: () => number;
}

class TlsDskClientMechanism implements ClientSecurityMechanism {
  readonly scheme = "TLS-DSK";
  readonly #handshake: TlsClientHandshake;
  readonly #target: SecurityAssociationTarget;
  readonly #random?: RandomBytes;
  #signing?: TlsDskSigningSession;

  constructor(
    handshake: TlsClientHandshake,
    target: SecurityAssociationTarget,
    random?: RandomBytes,
  ) {
    this.#handshake = handshake;
    this.#target = target;
    this.#random = random;
  }

  get canSign(): boolean {
    return this.#signing !== undefined;
  }

  initial(): string {
    // MS-SIPAE §3.3: the first TLS-DSK token is the ClientHello.
    return translated(() => encodeToken(this.#handshake.start()));
  }

  step(serverToken: string, _opaque: string): string {
    return translated(() => {
      const next = this.#handshake.receive(decodeToken(serverToken));
      const session = this.#handshake.session;
      if (session && !this.#signing) {
        this.#signing = signingSession(session, this.#target, "client", this.#random);
      }
      return encodeToken(next);
    });
  }

  sign(message: SignableMessage): MessageSignature {
    return requireSigning(this.#signing).sign(message);
  }

  verify(message: SignableMessage, received: ReceivedMessageSignature): void {
    requireSigning(this.#signing).verify(message, received);
  }
}

/**
 * The client-side TLS-DSK factory for {@link SipaeClient}.
 *
 * @example
 * ```ts
 * const cert = await obtainUserCertificate({ url: stsUri, user, password, caPem });
 * tlsDskClientMechanism({ certificate: cert.certPem, privateKey: cert.keyPem, caPem });
 * ```
 */
export function tlsDskClientMechanism(
  options: TlsDskClientMechanismOptions,
): ClientMechanismFactory {
  const trustAnchors = pemCertificates(options.caPem);
  return {
    scheme: "TLS-DSK",
    create: (target) =>
      new TlsDskClientMechanism(
        new TlsClientHandshake({
          certificatePem: options.certificate,
          privateKeyPem: options.privateKey,
          trustAnchors,
          random: options.random,
          now: options.now,
        }),
        target,
        options.random,
      ),
  };
}

/** Options of {@link tlsDskServerMechanism}. */
export interface TlsDskServerMechanismOptions {
  /** The CA user certificates must chain to (the lab CA), PEM. */
  caPem: string;
  /** The server's RSA certificate (issueTlsDskServerCertificate) and key, PEM. */
  certPem: string;
  keyPem: string;
  /** The certificate provisioning URL for the challenge's `sts-uri` ([MS-OCAUTHWS]). */
  stsUri?: string;
  random?: RandomBytes;
  now?: () => number;
}

/** A server factory that also names its certificate provisioning service. */
export interface TlsDskServerMechanismFactory extends ServerMechanismFactory {
  /** Value of the TLS-DSK challenge's `sts-uri` parameter. */
  readonly stsUri?: string;
}

/**
 * Who a user certificate names: the `sip:` URI of its subjectAltName (what the certificate
 * provisioning service puts there), as user name and domain. Throws `unknown-user` without one.
 *
 * @example
 * ```ts
 * certificateUser(leaf); // { userName: "alice", domainName: "contoso.com" }
 * ```
 */
export function certificateUser(certificate: X509Certificate): AuthenticatedUser {
  const uri = /(?:^|,\s*)URI:sips?:([^@,\s]+)@([^,;\s]+)/i.exec(certificate.subjectAltName ?? "");
  if (!uri) {
    throw new SecurityMechanismError("unknown-user", "the certificate names no SIP URI");
  }
  return { userName: uri[1], domainName: uri[2] };
}

class TlsDskServerMechanism implements ServerSecurityMechanism {
  readonly scheme = "TLS-DSK";
  readonly opaque: string;
  readonly #handshake: TlsServerHandshake;
  readonly #target: SecurityAssociationTarget;
  readonly #random?: RandomBytes;
  #signing?: TlsDskSigningSession;

  constructor(
    handshake: TlsServerHandshake,
    target: SecurityAssociationTarget,
    random: RandomBytes | undefined,
  ) {
    this.#handshake = handshake;
    this.#target = target;
    this.#random = random;
    // Guide §2.1: opaque is 8 hex digits identifying the SA.
    this.opaque = toHex((random ?? secureRandomBytes)(4)).toUpperCase();
  }

  accept(clientToken: string): AcceptResult {
    return translated(() => {
      const flight = this.#handshake.receive(decodeToken(clientToken));
      const session = this.#handshake.session;
      if (!session) return { kind: "continue", token: encodeToken(flight) };
      const user = certificateUser(session.peerCertificate);
      this.#signing = signingSession(session, this.#target, "server", this.#random);
      return { kind: "complete", user };
    });
  }

  verify(message: SignableMessage, received: ReceivedMessageSignature): void {
    requireSigning(this.#signing).verify(message, received);
  }

  sign(message: SignableMessage): MessageSignature {
    return requireSigning(this.#signing).sign(message);
  }
}

/**
 * The server-side TLS-DSK factory for {@link SipaeServer}; TLS-DSK's targetname is the server
 * FQDN (guide §2.1).
 *
 * @example
 * ```ts
 * const { certPem, keyPem } = await issueTlsDskServerCertificate(ca, { dnsNames: [fqdn] });
 * tlsDskServerMechanism({ caPem: ca.certPem, certPem, keyPem,
 *   stsUri: "https://127.0.0.1:8443/CertProv/CertProvisioningService.svc" });
 * ```
 */
export function tlsDskServerMechanism(
  options: TlsDskServerMechanismOptions,
): TlsDskServerMechanismFactory {
  const trustAnchors = pemCertificates(options.caPem);
  return {
    scheme: "TLS-DSK",
    stsUri: options.stsUri,
    targetNameFor: (serverFqdn) => serverFqdn,
    create: (target) =>
      new TlsDskServerMechanism(
        new TlsServerHandshake({
          certificatePem: options.certPem,
          privateKeyPem: options.keyPem,
          trustAnchors,
          random: options.random,
          now: options.now,
        }),
        target,
        options.random,
      ),
  };
}
