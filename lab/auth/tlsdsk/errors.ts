/**
 * The failure of a TLS handshake step (RFC 2246 §7.2 alerts) with the MS-SIPAE mechanism code
 * the pipelines answer by (lab/auth/sipae/errors.ts): unreadable records are
 * `malformed-token`, a tampered Finished / CertificateVerify / record MAC is `mic-mismatch`, a
 * certificate that does not chain to the lab CA is `unknown-user`, an unsupported version or
 * cipher suite is `unsupported-response`, a message out of order is `invalid-state`.
 *
 * @example
 * ```ts
 * throw new TlsHandshakeError("mic-mismatch", "decrypt_error", "client Finished does not verify");
 * ```
 *
 * @module
 */
import type { MechanismErrorCode } from "../sipae/errors.ts";

/** RFC 2246 §7.2.2 alert descriptions this implementation raises. */
export type TlsAlertDescription =
  | "unexpected_message"
  | "bad_record_mac"
  | "handshake_failure"
  | "bad_certificate"
  | "unknown_ca"
  | "certificate_expired"
  | "decode_error"
  | "decrypt_error"
  | "protocol_version"
  | "illegal_parameter";

/**
 * A refused handshake step.
 *
 * @example
 * ```ts
 * new TlsHandshakeError("unknown-user", "unknown_ca", "not issued by the lab CA").code;
 * ```
 */
export class TlsHandshakeError extends Error {
  constructor(
    readonly code: MechanismErrorCode,
    readonly alert: TlsAlertDescription,
    message: string,
  ) {
    super(`${alert}: ${message}`);
    this.name = "TlsHandshakeError";
  }
}
