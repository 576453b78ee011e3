/**
 * Why the MS-SIPAE server turned a request away, as a stable string key. The SIP answer is chosen
 * here (MS-SIPAE §3.3.5.1–§3.3.5.2, guide §5 and §8); the key is what the MS-OCER catalogue maps
 * to an `ms-diagnostics` ErrorId and reason, so the two stay independent.
 *
 * | kind | answer |
 * |---|---|
 * | auth-required | 401/407 challenge: no credentials for this server, or an unknown scheme |
 * | auth-continue | 401/407 carrying the next server token (handshake in progress) |
 * | auth-wrong-password, auth-unknown-user | fresh challenge (or 403 by configuration) |
 * | auth-clock-skew | fresh challenge: token time too far from the server clock |
 * | auth-handshake-failed | fresh challenge: too weak / NTLMv1 / tampered AUTHENTICATE |
 * | auth-unknown-sa, auth-expired-sa | fresh challenge: opaque unknown, pending context or SA expired |
 * | auth-bad-signature, auth-replay | fresh challenge (ACK/CANCEL: dropped) |
 * | auth-malformed-gssapi, auth-malformed-credentials | 400 |
 * | auth-missing-endpoint-id, auth-endpoint-mismatch | 400 (MS-SIPREGE 4010 for the first) |
 * | auth-identity-mismatch | 403: the authenticated user may not act as the From AOR |
 * | auth-preferred-identity-rejected | 403: P-Preferred-Identity is not the user's (RFC 3325) |
 * | auth-identity-malformed | 400: P-Preferred-Identity unreadable or more than one per scheme |
 *
 * @example
 * ```ts
 * const verdict = server.inspect(request);
 * if (verdict.kind === "reject") ocerCatalogue.lookup(verdict.diagnosticKind);
 * ```
 *
 * @module
 */
import type { MechanismErrorCode } from "./errors.ts";

/** The diagnostic keys of every server verdict that is not an acceptance. */
export type SipaeDiagnosticKind =
  | "auth-required"
  | "auth-continue"
  | "auth-wrong-password"
  | "auth-unknown-user"
  | "auth-clock-skew"
  | "auth-handshake-failed"
  | "auth-unknown-sa"
  | "auth-expired-sa"
  | "auth-bad-signature"
  | "auth-replay"
  | "auth-malformed-gssapi"
  | "auth-malformed-credentials"
  | "auth-missing-endpoint-id"
  | "auth-endpoint-mismatch"
  | "auth-identity-mismatch"
  | "auth-preferred-identity-rejected"
  | "auth-identity-malformed";

/** How a mechanism failure is answered: a fresh challenge or 400. */
export type FailureAnswer = "challenge" | "bad-request";

/** The diagnostic and answer for a mechanism failure. */
export interface MechanismFailure {
  diagnosticKind: SipaeDiagnosticKind;
  answer: FailureAnswer;
}

/**
 * Maps a mechanism error to its diagnostic key and answer (MS-SIPAE guide §5, §8: failed
 * logons and bad or replayed signatures are re-challenged, malformed tokens get 400).
 *
 * @example
 * ```ts
 * mechanismFailure("replayed-sequence"); // { diagnosticKind: "auth-replay", answer: "challenge" }
 * ```
 */
export function mechanismFailure(code: MechanismErrorCode): MechanismFailure {
  switch (code) {
    case "wrong-password":
      return { diagnosticKind: "auth-wrong-password", answer: "challenge" };
    case "unknown-user":
      return { diagnosticKind: "auth-unknown-user", answer: "challenge" };
    case "clock-skew":
      return { diagnosticKind: "auth-clock-skew", answer: "challenge" };
    case "insufficient-flags":
    case "unsupported-response":
    case "mic-mismatch":
    case "invalid-state":
      return { diagnosticKind: "auth-handshake-failed", answer: "challenge" };
    case "bad-signature":
      return { diagnosticKind: "auth-bad-signature", answer: "challenge" };
    case "replayed-sequence":
    case "sequence-below-window":
      return { diagnosticKind: "auth-replay", answer: "challenge" };
    case "sa-mismatch":
      return { diagnosticKind: "auth-unknown-sa", answer: "challenge" };
    case "malformed-token":
      return { diagnosticKind: "auth-malformed-gssapi", answer: "bad-request" };
    case "malformed-auth-param":
      return { diagnosticKind: "auth-malformed-credentials", answer: "bad-request" };
  }
}
