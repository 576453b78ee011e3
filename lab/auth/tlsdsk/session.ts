/**
 * What a completed TLS-DSK handshake leaves behind: the negotiated suite, both randoms and the
 * master secret (the input of the MS-SIPAE signing keys), and the peer's certificate.
 *
 * @example
 * ```ts
 * const keys = deriveTlsDskSigningKeys(session);
 * ```
 *
 * @module
 */
import type { X509Certificate } from "node:crypto";
import type { CipherSuite } from "./cipher_suites.ts";

/** The security parameters of a finished handshake (RFC 2246 §6.1). */
export interface TlsSession {
  suite: CipherSuite;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  masterSecret: Uint8Array;
  /** The peer's verified leaf certificate (the client's, on the server). */
  peerCertificate: X509Certificate;
}
