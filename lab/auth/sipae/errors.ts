/**
 * The typed failures of the MS-SIPAE framework: a header that cannot be read
 * ({@link SipaeHeaderError}) and a security mechanism that rejects a token or a signature
 * ({@link SecurityMechanismError}). Both carry a machine-readable code so the client and server
 * pipelines choose the SIP answer (MS-SIPAE §3.2.5, §3.3.5) without parsing messages.
 *
 * @example
 * ```ts
 * try {
 *   parseCredentials(value);
 * } catch (e) {
 *   if (e instanceof SipaeHeaderError) answer400(e.message);
 * }
 * ```
 *
 * @module
 */

/**
 * An Authorization / WWW-Authenticate / Authentication-Info value (or one of their Proxy-
 * variants) that does not follow MS-SIPAE §2.2: unterminated quotes, a parameter without `=`, a
 * duplicated parameter, a missing realm or targetname, a non-numeric version.
 *
 * @example
 * ```ts
 * throw new SipaeHeaderError('unterminated quoted value of "realm"');
 * ```
 */
export class SipaeHeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SipaeHeaderError";
  }
}

/**
 * Why a security mechanism refused something (scheme-independent; the NTLM adapter maps the
 * MS-NLMP failures onto these one to one).
 *
 * - `malformed-token`: gssapi-data is not base64 or not a token of the expected kind.
 * - `insufficient-flags`, `unsupported-response`, `mic-mismatch`: the handshake is not
 *   acceptable (too weak, NTLMv1 or anonymous, tampered AUTHENTICATE_MESSAGE).
 * - `unknown-user`, `wrong-password`: the credential check failed.
 * - `clock-skew`: the token's time is too far from this side's clock (MS-SIP §3.1.5.1).
 * - `bad-signature`, `replayed-sequence`, `sequence-below-window`: a signed message failed
 *   verification or the cnum/snum replay window (MS-SIP §3.1.5.1–§3.1.5.2).
 * - `malformed-auth-param`: crand/srand, cnum/snum or response/rspauth is not in the §2.2
 *   syntax, or the message lacks a header the signature buffer needs.
 * - `sa-mismatch`: realm, targetname or opaque name another security association.
 * - `invalid-state`: the call does not fit the mechanism's state (e.g. signing before keys).
 */
export type MechanismErrorCode =
  | "malformed-token"
  | "insufficient-flags"
  | "unsupported-response"
  | "unknown-user"
  | "wrong-password"
  | "mic-mismatch"
  | "clock-skew"
  | "bad-signature"
  | "replayed-sequence"
  | "sequence-below-window"
  | "malformed-auth-param"
  | "sa-mismatch"
  | "invalid-state";

/**
 * A rejection by a client or server security mechanism (security_mechanism.ts).
 *
 * @example
 * ```ts
 * throw new SecurityMechanismError("bad-signature", "rspauth does not verify");
 * ```
 */
export class SecurityMechanismError extends Error {
  constructor(readonly code: MechanismErrorCode, message: string) {
    super(message);
    this.name = "SecurityMechanismError";
  }
}
