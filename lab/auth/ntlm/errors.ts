/**
 * The typed failures of NTLM authentication and of MS-SIPAE message signing. Every rejection is
 * an {@link NtlmAuthError} whose `code` says what went wrong, so the SIP layer can choose the
 * answer (MS-SIPAE §3.3.5: re-challenge with 401/407, 403, 400, or silently discard on the
 * client side) and the ms-diagnostics text without parsing messages.
 *
 * @example
 * ```ts
 * try {
 *   server.acceptAuthenticate(gssapiData);
 * } catch (e) {
 *   if (e instanceof NtlmAuthError && e.code === "wrong-password") sendChallengeAgain();
 * }
 * ```
 *
 * @module
 */

/**
 * Why authentication or verification failed.
 *
 * - `malformed-token`: gssapi-data is not base64, not an NTLM message, the wrong message type,
 *   truncated, or has field offsets outside the message (MS-NLMP §2.2; SEC_E_INVALID_TOKEN).
 * - `insufficient-flags`: the peer did not negotiate the flags local policy requires
 *   (MS-NLMP §3.1.5.1.2 / §3.2.5.1.2 "not strong enough").
 * - `unsupported-response`: anonymous logon or an NTLMv1 response where NTLMv2 is required.
 * - `unknown-user`: the credential lookup knows no such user.
 * - `wrong-password`: the NTLMv2 response does not match (MS-NLMP §3.2.5.1.2 "deny access").
 * - `mic-mismatch`: the AUTHENTICATE_MESSAGE MIC does not verify (MS-NLMP §3.2.5.2.2).
 * - `clock-skew`: the NTLMv2 timestamp is too far from server time (MS-NLMP §3.2.5.2.2
 *   MaxLifetime; MS-SIP §3.1.5.1: 15 minutes for NTLM).
 * - `bad-signature`: a SIP message signature does not verify (MS-SIP §3.1.5.2).
 * - `replayed-sequence`: cnum/snum already seen inside the window (MS-SIP §3.1.5.1).
 * - `sequence-below-window`: cnum/snum older than the 256-wide window (MS-SIP §3.1.5.1).
 * - `malformed-auth-param`: crand/srand, cnum/snum or response/rspauth is not in the MS-SIPAE
 *   §2.2 syntax, or the message lacks a header the signature buffer needs.
 * - `sa-mismatch`: the realm/targetname/opaque of the message are not this security
 *   association's (MS-SIPAE §3.2.5.2: no SA → discard / re-challenge).
 * - `invalid-state`: the call does not fit the association's state (e.g. signing before keys).
 */
export type NtlmAuthErrorCode =
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
 * An authentication or signature verification failure with a machine-readable code.
 *
 * @example
 * ```ts
 * throw new NtlmAuthError("malformed-token", "gssapi-data is not base64");
 * ```
 */
export class NtlmAuthError extends Error {
  constructor(readonly code: NtlmAuthErrorCode, message: string) {
    super(message);
    this.name = "NtlmAuthError";
  }
}
