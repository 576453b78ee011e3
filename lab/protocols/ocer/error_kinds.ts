/**
 * What the lab's servers answer for each kind of failure: SIP status, diagnostic header and
 * ErrorId. `diagnosticsFor(kind)` is what the front end calls when it refuses a request.
 *
 * Every ErrorId/reason pair comes from the catalogue (catalogue.ts, MS-OCER tables and guides).
 * MS-OCER never states the SIP status; `statusBasis` says where each one comes from — a guide of
 * this project, an RFC 3261 status definition, or a lab decision (marked "lab").
 *
 * @example
 * ```ts
 * const plan = diagnosticsFor("user-not-found", { source: "fe01.sipfleet.test" });
 * plan.status; // 404
 * setDiagnostics(response, plan.diagnostics, plan.header);
 * // ms-diagnostics: 4005;reason="Destination URI either not enabled for SIP or does not exist";source="fe01.sipfleet.test"
 * ```
 *
 * @module
 */
import type { DigestFailure } from "../../auth/digest/mod.ts";
import { type DiagnosticDefinition, diagnosticDefinition } from "./catalogue.ts";
import type { DiagnosticsHeaderName, MsDiagnostics } from "./diagnostics_header.ts";

/** The failures the lab's servers report. */
export type DiagnosticErrorKind =
  | "auth-wrong-password"
  | "auth-unknown-user"
  | "auth-clock-skew"
  | "auth-identity-mismatch"
  | "user-not-found"
  | "missing-endpoint-id"
  | "registration-event-invalid"
  | "gruu-required"
  | "domain-not-routable"
  | "temporarily-cannot-route"
  | "dns-srv-failure"
  | "no-route-found"
  | "presence-delegate-version-conflict"
  | "presence-subscriber-not-authorized"
  | "presence-subscription-dialog-missing"
  | "presence-category-size-limit"
  | "xml-parse-failure"
  | "content-type-mismatch";

/** Everything needed to refuse a request with the right status and diagnostics. */
export interface DiagnosticsPlan {
  kind: DiagnosticErrorKind;
  status: number;
  header: DiagnosticsHeaderName;
  diagnostics: MsDiagnostics;
  /** Where the status comes from. */
  statusBasis: string;
  definition: DiagnosticDefinition;
}

const KINDS: Record<DiagnosticErrorKind, { errorId: number; status: number; basis: string }> = {
  // Digest (lab/auth/digest verdict "forbidden") and MS-SIPAE failures.
  "auth-wrong-password": {
    errorId: 1000,
    status: 403,
    basis: "lab: digest verdict answer 'forbidden' (RFC 3261 §21.4.4)",
  },
  "auth-unknown-user": {
    errorId: 1003,
    status: 403,
    basis: "lab: digest verdict answer 'forbidden' (RFC 3261 §21.4.4)",
  },
  "auth-clock-skew": {
    errorId: 1013,
    status: 401,
    basis: "lab: re-challenge, as MS-SIPAE.md §8 answers failed NTLM authentication",
  },
  "auth-identity-mismatch": {
    errorId: 4004,
    status: 403,
    basis: "lab: authenticated user may not use the From URI (RFC 3261 §21.4.4)",
  },
  // Registration (MS-SIPREGE.md §5).
  "user-not-found": { errorId: 4005, status: 404, basis: "MS-SIPREGE.md §5 item 6 [impl]" },
  "missing-endpoint-id": { errorId: 4010, status: 400, basis: "MS-SIPREGE.md §5 table" },
  "registration-event-invalid": { errorId: 4055, status: 489, basis: "MS-SIPREGE.md §5 table" },
  "gruu-required": { errorId: 2057, status: 421, basis: "MS-SIPREGE.md §5 table" },
  // Routing.
  "domain-not-routable": {
    errorId: 1005,
    status: 404,
    basis: "RFC 3261 §21.4.5: 404 also when the Request-URI domain is not handled here",
  },
  "temporarily-cannot-route": {
    errorId: 1007,
    status: 503,
    basis: "lab: RFC 3261 §21.5.4 temporarily unable to process",
  },
  "dns-srv-failure": {
    errorId: 1008,
    status: 504,
    basis: "lab: RFC 3261 §21.5.5 an external server (DNS) failed the request",
  },
  "no-route-found": { errorId: 12004, status: 404, basis: "lab: no PSTN route for the number" },
  // Presence (MS-PRES.md §7–§8).
  "presence-delegate-version-conflict": {
    errorId: 2141,
    status: 409,
    basis: "MS-PRES.md §8 (setDelegate version mismatch)",
  },
  "presence-subscriber-not-authorized": {
    errorId: 2004,
    status: 403,
    basis: "lab: RFC 3261 §21.4.4",
  },
  "presence-subscription-dialog-missing": {
    errorId: 2014,
    status: 481,
    basis: "MS-PRES.md §8 (subscription dialog gone → 481)",
  },
  "presence-category-size-limit": {
    errorId: 2010,
    status: 413,
    basis: "MS-PRES.md §7 (cap exceeded → 413/503)",
  },
  // Bodies (MS-PRES.md §8, MS-OCER.md §3 for reportError).
  "xml-parse-failure": { errorId: 4001, status: 400, basis: "MS-PRES.md §8; MS-OCER.md §3" },
  "content-type-mismatch": {
    errorId: 4013,
    status: 415,
    basis: "MS-PRES.md §8; MS-OCER.md §3 [verify]",
  },
};

/**
 * The status and diagnostics for a failure kind. `source` (the server's FQDN) is put in
 * `ms-diagnostics` values and left out of `ms-diagnostics-public` ones (MS-OCER §2.2.1.2).
 *
 * @example
 * ```ts
 * diagnosticsFor("presence-subscription-dialog-missing").header; // "ms-diagnostics-public"
 * ```
 */
export function diagnosticsFor(
  kind: DiagnosticErrorKind,
  options: { source?: string } = {},
): DiagnosticsPlan {
  const { errorId, status, basis } = KINDS[kind];
  const definition = diagnosticDefinition(errorId);
  if (definition === undefined) throw new Error(`ErrorId ${errorId} missing from the catalogue`);
  const diagnostics: MsDiagnostics = {
    errorId,
    subErrorIds: [],
    reason: definition.reason,
    params: [],
  };
  if (options.source !== undefined && definition.header === "ms-diagnostics") {
    diagnostics.source = options.source;
  }
  return { kind, status, header: definition.header, diagnostics, statusBasis: basis, definition };
}

/** Every kind, for exhaustive tests and metric label sets. */
export const DIAGNOSTIC_ERROR_KINDS: readonly DiagnosticErrorKind[] = Object.keys(
  KINDS,
) as DiagnosticErrorKind[];

/**
 * The kind for a Digest rejection that ends the request (`forbidden` answers). Challenges
 * (401/407) and 400s get none: the MS-OCER material read names no ErrorId for them.
 *
 * @example
 * ```ts
 * digestFailureKind("wrong-password"); // "auth-wrong-password"
 * digestFailureKind("stale-nonce"); // undefined
 * ```
 */
export function digestFailureKind(failure: DigestFailure): DiagnosticErrorKind | undefined {
  switch (failure) {
    case "wrong-password":
      return "auth-wrong-password";
    case "unknown-user":
      return "auth-unknown-user";
    default:
      return undefined;
  }
}
