/**
 * The `application/msrtc-reporterror+xml` document (MS-OCER §2.2.2) carried by the reportError
 * SERVICE request (§3.1.4.1): model, writer, and a reader that validates and reports every
 * problem as data.
 *
 * MS-OCER §2.2.2: `reportError` contains `error` (the guide: one or more). `error` attributes:
 * `fromUri` (optional; defaults to the SERVICE request's From URI), `toUri` (optional), `callId`
 * (required), `fromTag`, `toTag` (optional), `requestType` (required, at most 33 characters),
 * `contentType` (optional, at most 257 characters), `responseCode` (required, unsigned integer
 * range). Children: `diagHeader` (optional, the ms-diagnostics value received, at most 65,535
 * characters) and `progressReports` (required) holding `progressReport` elements (optional),
 * each with a `diagHeader`. Whitespace around a diagHeader's text is not part of it (the §3.1.4.1
 * example breaks the line before `</diagHeader>`).
 *
 * @example
 * ```ts
 * const xml = formatReportError({ errors: [{ callId: "5ec5a21ab8bb4960b98de162f45cd204",
 *   requestType: "INVITE", responseCode: 408, progressReports: [] }] });
 * const back = parseReportError(xml);
 * back.ok && back.report.errors[0].responseCode; // 408
 * ```
 *
 * @module
 */
import {
  attributeValue,
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  type XmlElement,
  XmlSyntaxError,
} from "../xml/mod.ts";

/** The namespace of the document (MS-OCER §2.2.2, §3.1.4.1 example). */
export const REPORT_ERROR_NAMESPACE = "http://schemas.microsoft.com/2006/09/sip/error-reporting";
/** The Content-Type of the SERVICE body (MS-OCER §2.2.2). */
export const REPORT_ERROR_CONTENT_TYPE = "application/msrtc-reporterror+xml";

/** MS-OCER §2.2.2 length limits. */
export const REPORT_ERROR_LIMITS = {
  requestType: 33,
  contentType: 257,
  diagHeader: 65_535,
} as const;

/** One provisional response's diagnostics. */
export interface ProgressReport {
  diagHeader?: string;
}

/** One failed request. */
export interface ReportedError {
  fromUri?: string;
  toUri?: string;
  callId: string;
  fromTag?: string;
  toTag?: string;
  contentType?: string;
  responseCode: number;
  requestType: string;
  /** The ms-diagnostics value of the final response. */
  diagHeader?: string;
  progressReports: ProgressReport[];
}

/** The whole document. */
export interface ReportError {
  errors: ReportedError[];
}

/** What is wrong with a document; `errorIndex` is the 0-based `error` element. */
export interface ReportErrorProblem {
  code:
    | "xml-syntax"
    | "wrong-root"
    | "no-error-element"
    | "unexpected-element"
    | "duplicate-element"
    | "missing-attribute"
    | "invalid-attribute"
    | "too-long"
    | "missing-progress-reports";
  errorIndex?: number;
  detail: string;
}

/** The outcome of {@link parseReportError}. */
export type ReportErrorParseResult =
  | { ok: true; report: ReportError }
  | { ok: false; problems: ReportErrorProblem[] };

const MAX_UINT32 = 0xffffffff;
// RFC 3261 §25.1: Method = token.
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

const OPTIONAL_ATTRIBUTES = ["fromUri", "toUri", "fromTag", "toTag", "contentType"] as const;

/**
 * Checks one error record against MS-OCER §2.2.2; returns its problems (none when valid).
 *
 * @example
 * ```ts
 * reportedErrorProblems({ callId: "c", requestType: "INVITE", responseCode: -1,
 *   progressReports: [] })[0].code; // "invalid-attribute"
 * ```
 */
export function reportedErrorProblems(e: ReportedError, errorIndex = 0): ReportErrorProblem[] {
  const problems: ReportErrorProblem[] = [];
  const add = (code: ReportErrorProblem["code"], detail: string) =>
    problems.push({ code, errorIndex, detail });
  if (e.callId.length === 0) add("missing-attribute", "callId is empty");
  if (!TOKEN.test(e.requestType)) {
    add("invalid-attribute", `requestType "${e.requestType}" is not a method`);
  }
  if (e.requestType.length > REPORT_ERROR_LIMITS.requestType) {
    add("invalid-attribute", `requestType longer than ${REPORT_ERROR_LIMITS.requestType}`);
  }
  if (!Number.isInteger(e.responseCode) || e.responseCode < 0 || e.responseCode > MAX_UINT32) {
    add("invalid-attribute", `responseCode ${e.responseCode} outside the unsigned integer range`);
  }
  if ((e.contentType?.length ?? 0) > REPORT_ERROR_LIMITS.contentType) {
    add("invalid-attribute", `contentType longer than ${REPORT_ERROR_LIMITS.contentType}`);
  }
  const diagHeaders = [e.diagHeader, ...e.progressReports.map((p) => p.diagHeader)];
  if (diagHeaders.some((d) => (d?.length ?? 0) > REPORT_ERROR_LIMITS.diagHeader)) {
    add("too-long", `a diagHeader is longer than ${REPORT_ERROR_LIMITS.diagHeader}`);
  }
  return problems;
}

/**
 * Writes the document, indented, attributes in the order of the §3.1.4.1 example. Throws
 * RangeError when a record breaks MS-OCER §2.2.2 (see {@link reportedErrorProblems}) or there is
 * no record.
 *
 * @example
 * ```ts
 * formatReportError({ errors: [{ callId: "c1", requestType: "INVITE", responseCode: 486,
 *   diagHeader: '1003;reason="User does not exist"', progressReports: [] }] });
 * ```
 */
export function formatReportError(report: ReportError): string {
  if (report.errors.length === 0) throw new RangeError("reportError needs at least one error");
  const problems = report.errors.flatMap((e, i) => reportedErrorProblems(e, i));
  if (problems.length > 0) throw new RangeError(problems.map((p) => p.detail).join("; "));
  const lines = [`<reportError xmlns="${REPORT_ERROR_NAMESPACE}">`];
  for (const e of report.errors) {
    const attrs: [string, string | undefined][] = [
      ["fromUri", e.fromUri],
      ["toUri", e.toUri],
      ["callId", e.callId],
      ["fromTag", e.fromTag],
      ["toTag", e.toTag],
      ["contentType", e.contentType],
      ["responseCode", String(e.responseCode)],
      ["requestType", e.requestType],
    ];
    const attrText = attrs.filter(([, v]) => v !== undefined)
      .map(([n, v]) => ` ${n}="${escapeXmlAttribute(v!)}"`).join("");
    lines.push(`  <error${attrText}>`);
    if (e.diagHeader !== undefined) {
      lines.push(`    <diagHeader>${escapeXmlText(e.diagHeader)}</diagHeader>`);
    }
    if (e.progressReports.length === 0) {
      lines.push("    <progressReports/>");
    } else {
      lines.push("    <progressReports>");
      for (const p of e.progressReports) {
        if (p.diagHeader === undefined) {
          lines.push("      <progressReport/>");
        } else {
          lines.push("      <progressReport>");
          lines.push(`        <diagHeader>${escapeXmlText(p.diagHeader)}</diagHeader>`);
          lines.push("      </progressReport>");
        }
      }
      lines.push("    </progressReports>");
    }
    lines.push("  </error>");
  }
  lines.push("</reportError>");
  return lines.join("\r\n");
}

/** The children of `element` in the report namespace; others are extensions and skipped. */
function ownChildren(element: XmlElement): XmlElement[] {
  return element.children.filter((c) => c.namespace === REPORT_ERROR_NAMESPACE);
}

function readProgressReports(
  element: XmlElement,
  errorIndex: number,
  problems: ReportErrorProblem[],
): ProgressReport[] {
  const reports: ProgressReport[] = [];
  for (const child of ownChildren(element)) {
    if (child.localName !== "progressReport") {
      problems.push({
        code: "unexpected-element",
        errorIndex,
        detail: `<${child.localName}> in progressReports`,
      });
      continue;
    }
    const report: ProgressReport = {};
    for (const d of ownChildren(child)) {
      if (d.localName !== "diagHeader") {
        problems.push({
          code: "unexpected-element",
          errorIndex,
          detail: `<${d.localName}> in progressReport`,
        });
      } else if (report.diagHeader !== undefined) {
        problems.push({
          code: "duplicate-element",
          errorIndex,
          detail: "two diagHeaders in a progressReport",
        });
      } else {
        report.diagHeader = d.text.trim();
      }
    }
    reports.push(report);
  }
  return reports;
}

function readError(
  element: XmlElement,
  errorIndex: number,
  problems: ReportErrorProblem[],
): ReportedError | undefined {
  const before = problems.length;
  const required = (name: string): string => {
    const v = attributeValue(element, name);
    if (v === undefined) {
      problems.push({ code: "missing-attribute", errorIndex, detail: `${name} is required` });
    }
    return v ?? "";
  };
  const callId = required("callId");
  const requestType = required("requestType");
  const responseCodeText = required("responseCode");
  const attributesPresent = problems.length === before;
  // Unsigned decimal only; anything else becomes NaN and is reported by reportedErrorProblems.
  const responseCode = /^[0-9]{1,10}$/.test(responseCodeText) ? Number(responseCodeText) : NaN;
  const record: ReportedError = { callId, requestType, responseCode, progressReports: [] };
  for (const name of OPTIONAL_ATTRIBUTES) {
    const v = attributeValue(element, name);
    if (v !== undefined) record[name] = v;
  }
  let sawProgressReports = false;
  for (const child of ownChildren(element)) {
    if (child.localName === "diagHeader") {
      if (record.diagHeader !== undefined) {
        problems.push({ code: "duplicate-element", errorIndex, detail: "two diagHeaders" });
      }
      record.diagHeader = child.text.trim();
    } else if (child.localName === "progressReports") {
      if (sawProgressReports) {
        problems.push({ code: "duplicate-element", errorIndex, detail: "two progressReports" });
      }
      sawProgressReports = true;
      record.progressReports.push(...readProgressReports(child, errorIndex, problems));
    } else {
      problems.push({
        code: "unexpected-element",
        errorIndex,
        detail: `<${child.localName}> in error`,
      });
    }
  }
  if (!sawProgressReports) {
    problems.push({
      code: "missing-progress-reports",
      errorIndex,
      detail: "progressReports is required",
    });
  }
  if (attributesPresent) problems.push(...reportedErrorProblems(record, errorIndex));
  return problems.length === before ? record : undefined;
}

/**
 * Reads and validates a reportError document; on failure returns every problem found.
 *
 * @example
 * ```ts
 * parseReportError("<reportError/>"); // { ok: false, problems: [{ code: "wrong-root", ... }] }
 * ```
 */
export function parseReportError(xml: string): ReportErrorParseResult {
  let root: XmlElement;
  try {
    root = parseXml(xml);
  } catch (e) {
    if (!(e instanceof XmlSyntaxError)) throw e;
    return { ok: false, problems: [{ code: "xml-syntax", detail: e.message }] };
  }
  if (root.localName !== "reportError" || root.namespace !== REPORT_ERROR_NAMESPACE) {
    const found = `{${root.namespace ?? ""}}${root.localName}`;
    return { ok: false, problems: [{ code: "wrong-root", detail: `root element ${found}` }] };
  }
  const problems: ReportErrorProblem[] = [];
  const errors: ReportedError[] = [];
  let index = 0;
  for (const child of ownChildren(root)) {
    if (child.localName !== "error") {
      problems.push({ code: "unexpected-element", detail: `<${child.localName}> in reportError` });
      continue;
    }
    const record = readError(child, index++, problems);
    if (record !== undefined) errors.push(record);
  }
  if (index === 0) {
    problems.push({ code: "no-error-element", detail: "reportError holds no error" });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, report: { errors } };
}
