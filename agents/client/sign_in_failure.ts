/**
 * Why a simulated endpoint could not sign in or stay signed in, as one typed value: the kind of
 * failure, the SIP status that decided it and the MS-OCER diagnostic id the server gave
 * (`ms-diagnostics` or `ms-diagnostics-public`, MS-OCER §2.2.1), so that load results can be
 * counted by cause.
 *
 * @example
 * ```ts
 * const failure = failureFromResponse("refused", forbidden);
 * failure.diagnosticsId; // 1000
 * ```
 *
 * @module
 */
import type { SipResponse } from "../../lab/sip/message/mod.ts";
import { readDiagnostics } from "../../lab/protocols/ocer/mod.ts";

/** The causes a sign-in ends with. */
export type SignInFailureKind =
  /** No connection to any server (refused, TLS failure, timeout). */
  | "connect"
  /** The connection dropped and no reconnection attempt was left. */
  | "connection-lost"
  /** MS-SIPAE guide §8 / RFC 3261 §22: the credentials were refused. */
  | "credentials-rejected"
  /** The security-association handshake broke (no common scheme, bad server token). */
  | "auth-failed"
  /** A final non-2xx answer to REGISTER that is not a challenge (403, 404, 489…). */
  | "refused"
  /** No final response in time (RFC 3261 §17.1.2.2 Timer F). */
  | "timeout"
  /** MS-SIP §3.1.5.2: the server's signature did not verify. */
  | "unverified"
  /** The provisioning SUBSCRIBE failed (MS-SIPREGE §7.3). */
  | "provisioning"
  /** MS-SIPREGE §4: the server ended the registration (`rejected` / `unregistered`). */
  | "deregistered";

/** A typed sign-in failure. */
export interface SignInFailure {
  readonly kind: SignInFailureKind;
  /** The SIP status that decided it, when one did. */
  readonly status?: number;
  /** The ErrorId of the server's ms-diagnostics(-public) header, when it sent one. */
  readonly diagnosticsId?: number;
  /** The reason text of that header (MS-OCER: for people, never acted on). */
  readonly diagnosticsReason?: string;
  /** A few words for logs and error examples. */
  readonly reason: string;
}

/**
 * The failure a response stands for: its status, and the ErrorId and reason of its
 * `ms-diagnostics` (or, from an edge, `ms-diagnostics-public`) header.
 *
 * @example
 * ```ts
 * failureFromResponse("refused", notFound); // { kind: "refused", status: 404, diagnosticsId: 4005, … }
 * ```
 */
export function failureFromResponse(kind: SignInFailureKind, response: SipResponse): SignInFailure {
  const diagnostics = readDiagnostics(response) ??
    readDiagnostics(response, "ms-diagnostics-public");
  const reason = diagnostics === undefined
    ? `${response.status} ${response.reason}`
    : `${response.status} ${response.reason} (${diagnostics.errorId} ${diagnostics.reason})`;
  return diagnostics === undefined ? { kind, status: response.status, reason } : {
    kind,
    status: response.status,
    diagnosticsId: diagnostics.errorId,
    diagnosticsReason: diagnostics.reason,
    reason,
  };
}

/**
 * One line naming a failure, for iteration outcomes.
 *
 * @example
 * ```ts
 * describeFailure({ kind: "refused", status: 403, diagnosticsId: 1000, reason: "…" });
 * // "refused: …"
 * ```
 */
export function describeFailure(failure: SignInFailure): string {
  return `${failure.kind}: ${failure.reason}`;
}
