/**
 * Why the presence server refuses a request, and how: the SIP status, the reason phrase and the
 * MS-OCER ErrorId of the `ms-diagnostics` header (MS-PRES.md §8: presence failures use the
 * 2000–2999 range; body faults the front-end 4000 range), from the ocer catalogue. A 409 also
 * carries the `application/msrtc-fault+xml` body (MS-PRES.md §4.2).
 *
 * MS-PRES does not state every status; each entry says where its status comes from ("lab"
 * marks a decision of this lab).
 *
 * @example
 * ```ts
 * const refusal = presenceRefusal("unknown-subscriber");
 * refusal.status; // 400
 * diagnosticsHeader(refusal, "fe01.lab.test"); // ["ms-diagnostics", "2000;reason=…;source=…"]
 * ```
 *
 * @module
 */
import {
  diagnosticDefinition,
  type DiagnosticsHeaderName,
  formatMsDiagnostics,
  msDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";

/** The failures of the presence server. */
export type PresenceFailureKind =
  | "malformed-body"
  | "unsupported-content-type"
  | "body-too-large"
  | "too-many-resources"
  | "uri-mismatch"
  | "unknown-user"
  | "unknown-container"
  | "read-only-publication"
  | "version-conflict"
  | "unknown-subscriber"
  | "container-member-limit"
  | "unknown-contact"
  | "unknown-group"
  | "protected-group"
  | "group-not-empty"
  | "duplicate-group-name"
  | "contact-limit"
  | "group-limit"
  | "dialog-missing"
  | "bad-subscribe"
  | "event-categories-required";

const PLAN: Record<
  PresenceFailureKind,
  { status: number; reason: string; errorId: number; basis: string }
> = {
  "malformed-body": {
    status: 400,
    reason: "Bad Request - Malformed XML",
    errorId: 4001,
    basis: "MS-PRES.md §5 item 1, §8",
  },
  "unsupported-content-type": {
    status: 415,
    reason: "Unsupported Media Type",
    errorId: 4013,
    basis: "MS-PRES.md §8",
  },
  "body-too-large": {
    status: 413,
    reason: "Request Entity Too Large",
    errorId: 2010,
    basis: "MS-PRES.md §7 (configurable cap → 413)",
  },
  "too-many-resources": {
    status: 413,
    reason: "Request Entity Too Large - Too Many Resources",
    errorId: 2012,
    basis: "MS-PRES.md §7 (configurable cap → 413)",
  },
  "uri-mismatch": {
    status: 403,
    reason: "Forbidden - URI Mismatch",
    errorId: 2004,
    basis: "MS-PRES.md §5 item 1, §8 (To/From/Request-URI must be the user; 403 [verify])",
  },
  "unknown-user": {
    status: 404,
    reason: "Not Found",
    errorId: 4005,
    basis: "MS-PRES.md §8; RFC 3261 §21.4.5",
  },
  "unknown-container": {
    status: 400,
    reason: "Bad Request - Unknown Container",
    errorId: 4000,
    basis: "lab: the container id is not in the publication grammar (MS-PRES.md §3)",
  },
  "read-only-publication": {
    status: 403,
    reason: "Forbidden - Read Only Publication",
    errorId: 2003,
    basis: "MS-OCER §8.3 2003; lab: 403 (RFC 3261 §21.4.4)",
  },
  "version-conflict": {
    status: 409,
    reason: "Conflict",
    errorId: 2141,
    basis: "MS-PRES.md §4.2, §8 (409 + WrongDelta fault; 2141 as in the delegate example)",
  },
  "unknown-subscriber": {
    status: 400,
    reason: "Bad Request - Unknown Subscriber",
    errorId: 2000,
    basis: "MS-PRES.md §5 item 8, §8",
  },
  "container-member-limit": {
    status: 403,
    reason: "Forbidden - Container Member Limit",
    errorId: 2006,
    basis: "lab: 403 (RFC 3261 §21.4.4)",
  },
  "unknown-contact": {
    status: 400,
    reason: "Bad Request - Contact Does Not Exist",
    errorId: 2001,
    basis: "lab: 400",
  },
  "unknown-group": {
    status: 400,
    reason: "Bad Request - Group Does Not Exist",
    errorId: 2002,
    basis: "lab: 400",
  },
  "protected-group": {
    status: 403,
    reason: "Forbidden - Default Group",
    errorId: 2002,
    basis: "MS-SIP §3.7.4.4 (group 1 MUST NOT be created or deleted); lab: 403",
  },
  "group-not-empty": {
    status: 400,
    reason: "Bad Request - Group Not Empty",
    errorId: 2002,
    basis: "MS-PRES.md §4.9 (a group must be empty before delete); lab: 400",
  },
  "duplicate-group-name": {
    status: 400,
    reason: "Bad Request - Duplicate Group Name",
    errorId: 2015,
    basis: "lab: 400",
  },
  "contact-limit": {
    status: 403,
    reason: "Forbidden - Contact Limit",
    errorId: 2007,
    basis: "lab: 403",
  },
  "group-limit": {
    status: 403,
    reason: "Forbidden - Group Limit",
    errorId: 2008,
    basis: "MS-SIP §3.7.4.4 (group ids 1–63); lab: 403",
  },
  "dialog-missing": {
    status: 481,
    reason: "Subscription Does Not Exist",
    errorId: 2014,
    basis: "MS-PRES.md §8",
  },
  "bad-subscribe": {
    status: 400,
    reason: "Bad Request",
    errorId: 4000,
    basis:
      "RFC 6665 §4.2.1.1 checks (Event, Expires); the status is the Notifier's (489, 423, 400)",
  },
  "event-categories-required": {
    status: 400,
    reason: "Bad Request - Category List Required",
    errorId: 2013,
    basis: "MS-PRES.md §5 item 5 (batched SUBSCRIBE requires adhoclist, categoryList)",
  },
};

/** A refusal: status, reason phrase, ErrorId and an optional body (the 409 fault). */
export interface PresenceRefusal {
  kind: PresenceFailureKind;
  status: number;
  reason: string;
  errorId: number;
  /** What went wrong in this request (logged and carried in the reason of the test output). */
  detail?: string;
  body?: { contentType: string; text: string };
}

/**
 * The refusal for `kind`.
 *
 * @example
 * ```ts
 * presenceRefusal("malformed-body", "publication of note holds <state>").status; // 400
 * ```
 */
export function presenceRefusal(
  kind: PresenceFailureKind,
  detail?: string,
  body?: PresenceRefusal["body"],
): PresenceRefusal {
  const { status, reason, errorId } = PLAN[kind];
  const refusal: PresenceRefusal = { kind, status, reason, errorId };
  if (detail !== undefined) refusal.detail = detail;
  if (body !== undefined) refusal.body = body;
  return refusal;
}

/**
 * The diagnostics header of a refusal: name (`ms-diagnostics` or `ms-diagnostics-public` as the
 * catalogue says, MS-OCER §2.2.1) and value, with `source` only in the private header.
 *
 * @example
 * ```ts
 * diagnosticsHeader(presenceRefusal("dialog-missing"), "fe01.lab.test")[0]; // "ms-diagnostics-public"
 * ```
 */
export function diagnosticsHeader(
  refusal: PresenceRefusal,
  source: string,
): [DiagnosticsHeaderName, string] {
  const definition = diagnosticDefinition(refusal.errorId);
  if (definition === undefined) throw new Error(`ErrorId ${refusal.errorId} not catalogued`);
  const header = definition.header;
  const value = msDiagnostics(
    refusal.errorId,
    definition.reason,
    header === "ms-diagnostics" ? source : undefined,
  );
  return [header, formatMsDiagnostics(value, header)];
}
