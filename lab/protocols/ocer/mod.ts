/**
 * MS-OCER, the Client Error Reporting Protocol: the `ms-diagnostics`,
 * `ms-diagnostics-public` and `ms-client-diagnostics` headers (§2.2.1), the ErrorId catalogue
 * and the status/diagnostics plan per failure kind, the edge rules, and the reportError SERVICE
 * document (§2.2.2) with its client and server procedures (§3.1.4.1).
 *
 * @example
 * ```ts
 * import { acceptReportError, diagnosticsFor, setDiagnostics } from "./mod.ts";
 *
 * // Server refusing a REGISTER for an unknown user:
 * const plan = diagnosticsFor("user-not-found", { source: "fe01.sipfleet.test" });
 * const response = new SipResponse(plan.status, "Not Found");
 * setDiagnostics(response, plan.diagnostics, plan.header);
 *
 * // Server receiving a reportError SERVICE:
 * const verdict = acceptReportError(service, { source: "fe01.sipfleet.test" });
 * ```
 *
 * @module
 */
export {
  type DiagnosticParam,
  type DiagnosticsHeaderName,
  type DiagnosticsParseFailure,
  type DiagnosticsParseResult,
  formatMsDiagnostics,
  type MsDiagnostics,
  msDiagnostics,
  parseMsDiagnostics,
} from "./diagnostics_header.ts";
export {
  forExternalPeer,
  readDiagnostics,
  setDiagnostics,
  stripClientPublicDiagnostics,
} from "./message_diagnostics.ts";
export { componentOf, ERROR_ID_RANGES, type ErrorIdRange } from "./error_ranges.ts";
export {
  DIAGNOSTIC_CATALOGUE,
  type DiagnosticDefinition,
  diagnosticDefinition,
} from "./catalogue.ts";
export {
  DIAGNOSTIC_ERROR_KINDS,
  type DiagnosticErrorKind,
  diagnosticsFor,
  type DiagnosticsPlan,
  digestFailureKind,
} from "./error_kinds.ts";
export {
  formatReportError,
  parseReportError,
  type ProgressReport,
  REPORT_ERROR_CONTENT_TYPE,
  REPORT_ERROR_LIMITS,
  REPORT_ERROR_NAMESPACE,
  type ReportedError,
  reportedErrorProblems,
  type ReportError,
  type ReportErrorParseResult,
  type ReportErrorProblem,
} from "./report_error.ts";
export {
  acceptReportError,
  isReportableFailure,
  reportedErrorFrom,
  type ReportErrorAccepted,
  type ReportErrorRefused,
} from "./report_error_service.ts";
