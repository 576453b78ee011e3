/**
 * TLS-DSK (MS-SIPAE §3.3): a TLS 1.0 handshake over memory buffers (RSA key exchange, client
 * certificate + CertificateVerify, Finished; AES-CBC/SHA-1 suites), the TLS-DSK signing keys
 * derived from its master secret, the MS-SIPAE client and server mechanisms built on them, and
 * RSA certificates from the lab CA for both sides.
 *
 * @example
 * ```ts
 * import { tlsDskClientMechanism, tlsDskServerMechanism } from "./mod.ts";
 * const server = new SipaeServer({ fqdn, mechanisms: [tlsDskServerMechanism({ caPem, certPem, keyPem })] });
 * const client = new SipaeClient({
 *   mechanisms: [tlsDskClientMechanism({ certificate, privateKey, caPem })] });
 * ```
 *
 * @module
 */

// Mechanisms (MS-SIPAE §3.3)
export {
  certificateUser,
  tlsDskClientMechanism,
  type TlsDskClientMechanismOptions,
  tlsDskServerMechanism,
  type TlsDskServerMechanismFactory,
  type TlsDskServerMechanismOptions,
} from "./tlsdsk_mechanism.ts";
export {
  deriveTlsDskSigningKeys,
  TLS_DSK_KEY_LABEL,
  tlsDskKeyMaterial,
  tlsDskSignature,
  type TlsDskSigningKeys,
} from "./signing_keys.ts";
export {
  TLS_DSK_SCHEME,
  TlsDskSigningSession,
  type TlsDskSigningSessionOptions,
} from "./signing_session.ts";

// TLS 1.0 handshake (RFC 2246)
export { TlsClientHandshake, type TlsClientOptions, type TlsClientState } from "./tls_client.ts";
export { TlsServerHandshake, type TlsServerOptions, type TlsServerState } from "./tls_server.ts";
export type { TlsSession } from "./session.ts";
export { type TlsAlertDescription, TlsHandshakeError } from "./errors.ts";
export { pHash, tls10Prf } from "./prf.ts";
export {
  type CipherSuite,
  cipherSuite,
  SUPPORTED_CIPHER_SUITES,
  TLS_RSA_WITH_AES_128_CBC_SHA,
  TLS_RSA_WITH_AES_256_CBC_SHA,
} from "./cipher_suites.ts";
export {
  pemCertificateDers,
  pemCertificates,
  verifyCertificateChain,
} from "./certificate_chain.ts";

// Certificates
export {
  generateRsaKeyPair,
  type IssuedCredentials,
  issueRsaCertificate,
  issueTlsDskServerCertificate,
  issueTlsDskUserCertificate,
  type RsaCertificateRequest,
  TLS_DSK_RSA_KEY_ALGORITHM,
} from "./certificate_issuance.ts";
