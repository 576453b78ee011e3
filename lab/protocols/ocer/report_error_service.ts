/**
 * The reportError SERVICE exchange (MS-OCER §3.1.4.1; guide §3): what a client puts in the
 * report after a failed request, and how a server accepts, validates and answers it.
 *
 * Client: after a final failure response carrying ms-diagnostics (guide §3 "When": failed
 * session setup, typically A/V, conferencing and PSTN calls), one `error` record is built from
 * the failed request, its final response and the diagnostics of its provisional responses; the
 * SERVICE goes to the reporting user's own URI (Request-URI = To = From, §3.1.4.1 example).
 *
 * Server: Content-Type other than application/msrtc-reporterror+xml → 415 with Accept (RFC 3261
 * §21.4.13; guide §3 [verify]); a body that is not UTF-8 XML of §2.2.2 → 400 (guide §3); else
 * 200, with each record's missing `fromUri` taken from the SERVICE's From (§2.2.2). Refusals
 * carry ms-diagnostics (4013 / 4001, see error_kinds.ts).
 *
 * @example
 * ```ts
 * const verdict = acceptReportError(service, { source: "fe01.sipfleet.test" });
 * if (verdict.ok) metrics.count("report_error", verdict.report.errors.length);
 * else reply(verdict.status, verdict.plan); // and Accept when verdict.accept is set
 * ```
 *
 * @module
 */
import type { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { diagnosticsFor, type DiagnosticsPlan } from "./error_kinds.ts";
import { readDiagnostics } from "./message_diagnostics.ts";
import {
  parseReportError,
  REPORT_ERROR_CONTENT_TYPE,
  REPORT_ERROR_LIMITS,
  type ReportedError,
  type ReportError,
  type ReportErrorProblem,
} from "./report_error.ts";

/** A report taken: answer 200. */
export interface ReportErrorAccepted {
  ok: true;
  status: 200;
  report: ReportError;
  /** The reporting user: the SERVICE's From URI. */
  reporter: string;
}

/** A report refused: answer `status` with `plan`'s diagnostics (and Accept for 415). */
export interface ReportErrorRefused {
  ok: false;
  status: 400 | 415;
  failure: "unsupported-content-type" | "malformed-body";
  problems: ReportErrorProblem[];
  plan: DiagnosticsPlan;
  /** The Accept value a 415 must carry (RFC 3261 §21.4.13). */
  accept?: string;
}

/** The media type of a Content-Type value, lowercase, parameters dropped. */
function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(";")[0].trim().toLowerCase();
}

/**
 * Validates a reportError SERVICE request (server side).
 *
 * @example
 * ```ts
 * acceptReportError(service).ok; // true for the MS-OCER §3.1.4.1 example
 * ```
 */
export function acceptReportError(
  request: SipRequest,
  options: { source?: string } = {},
): ReportErrorAccepted | ReportErrorRefused {
  if (mediaType(request.header("Content-Type")) !== REPORT_ERROR_CONTENT_TYPE) {
    return {
      ok: false,
      status: 415,
      failure: "unsupported-content-type",
      problems: [],
      plan: diagnosticsFor("content-type-mismatch", options),
      accept: REPORT_ERROR_CONTENT_TYPE,
    };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(request.body);
  } catch {
    return refusedBody([{ code: "xml-syntax", detail: "body is not UTF-8" }], options);
  }
  const parsed = parseReportError(text);
  if (!parsed.ok) return refusedBody(parsed.problems, options);
  const reporter = request.from.uriText;
  for (const e of parsed.report.errors) e.fromUri ??= reporter;
  return { ok: true, status: 200, report: parsed.report, reporter };
}

function refusedBody(
  problems: ReportErrorProblem[],
  options: { source?: string },
): ReportErrorRefused {
  return {
    ok: false,
    status: 400,
    failure: "malformed-body",
    problems,
    plan: diagnosticsFor("xml-parse-failure", options),
  };
}

/**
 * Whether a response is a failure worth reporting (guide §3 "When"): a final response ≥ 300
 * with a readable ms-diagnostics (or ms-diagnostics-public) value.
 *
 * @example
 * ```ts
 * isReportableFailure(response480WithDiagnostics); // true
 * ```
 */
export function isReportableFailure(response: SipResponse): boolean {
  return response.status >= 300 && diagnosticsText(response) !== undefined;
}

/** The diagnostics value to report: ms-diagnostics, else ms-diagnostics-public (if readable). */
function diagnosticsText(response: SipResponse): string | undefined {
  for (const header of ["ms-diagnostics", "ms-diagnostics-public"] as const) {
    if (readDiagnostics(response, header) !== undefined) return response.header(header)?.trim();
  }
  return undefined;
}

/**
 * The `error` record for a failed request (client side, MS-OCER §2.2.2): dialog identifiers from
 * the request and final response, the final response's diagnostics, and one progressReport per
 * provisional response that carried diagnostics. `fromUri` is left out (it defaults to the
 * SERVICE's From, the same user); a Content-Type longer than §2.2.2 allows is left out too.
 *
 * @example
 * ```ts
 * const record = reportedErrorFrom(invite, response408, [response183]);
 * formatReportError({ errors: [record] });
 * ```
 */
export function reportedErrorFrom(
  request: SipRequest,
  finalResponse: SipResponse,
  provisionalResponses: readonly SipResponse[] = [],
): ReportedError {
  const record: ReportedError = {
    toUri: request.to.uriText,
    callId: request.callId,
    responseCode: finalResponse.status,
    requestType: request.method,
    progressReports: [],
  };
  const fromTag = request.from.tag;
  if (fromTag !== undefined) record.fromTag = fromTag;
  const toTag = finalResponse.to.tag;
  if (toTag !== undefined) record.toTag = toTag;
  const contentType = request.header("Content-Type");
  if (contentType !== undefined && contentType.length <= REPORT_ERROR_LIMITS.contentType) {
    record.contentType = contentType;
  }
  const diagHeader = diagnosticsText(finalResponse);
  if (diagHeader !== undefined) record.diagHeader = diagHeader;
  for (const provisional of provisionalResponses) {
    if (provisional.status >= 200) continue;
    const text = diagnosticsText(provisional);
    if (text !== undefined) record.progressReports.push({ diagHeader: text });
  }
  return record;
}
