/**
 * The faults of the lab's authentication web services (MS-OCAUTHWS §3.2.4.1, guide §2.5): a
 * SOAP 1.2 Fault whose `detail` holds `af:OCSDiagnosticsFaultType` →
 * `af:Ms-Diagnostics-Fault` → `af:ErrorId` + `af:Reason`, sent with the HTTP status of the
 * SOAP 1.2 HTTP binding (Sender → 400, Receiver → 500) or 401 for a refused credential, and
 * the same diagnostics in an `X-Ms-diagnostics` header (errorId;source;reason;fault ABNF).
 *
 * The ErrorIds are this lab's: MS-OCER §7.22 (the real table) was not available; the 28000
 * range follows the guide's illustrative example. [verify: MS-OCER §7.22]
 *
 * @example
 * ```ts
 * throw new OcAuthFault("bad-credentials", "password does not match");
 * ```
 *
 * @module
 */
import { writeXml, xmlNode } from "../../../lab/protocols/xml/mod.ts";
import { NS } from "./namespaces.ts";

/** Why a request is refused. */
export type OcAuthFaultKind =
  | "malformed-request"
  | "unsupported-action"
  | "bad-credentials"
  | "missing-ticket"
  | "invalid-ticket"
  | "expired-ticket"
  | "identity-mismatch"
  | "bad-certificate-request";

interface FaultDefinition {
  errorId: number;
  reason: string;
  /** SOAP 1.2 fault code (Part 1 §5.4.6) and WS-Trust subcode (WS-Trust 1.3 §11). */
  code: "s:Sender" | "s:Receiver";
  subcode: string;
  status: 400 | 401 | 403 | 500;
}

/** The lab's fault table. */
export const OC_AUTH_FAULTS: Readonly<Record<OcAuthFaultKind, FaultDefinition>> = {
  "malformed-request": {
    errorId: 28000,
    reason: "The request is not a well-formed SOAP message",
    code: "s:Sender",
    subcode: "wst:InvalidRequest",
    status: 400,
  },
  "unsupported-action": {
    errorId: 28001,
    reason: "The action is not supported by this endpoint",
    code: "s:Sender",
    subcode: "wst:InvalidRequest",
    status: 400,
  },
  "bad-credentials": {
    errorId: 28020,
    reason: "The user name or password is incorrect",
    code: "s:Sender",
    subcode: "wst:FailedAuthentication",
    status: 401,
  },
  "missing-ticket": {
    errorId: 28030,
    reason: "No web ticket was presented",
    code: "s:Sender",
    subcode: "wst:FailedAuthentication",
    status: 401,
  },
  "invalid-ticket": {
    errorId: 28031,
    reason: "The web ticket signature is not valid",
    code: "s:Sender",
    subcode: "wst:InvalidSecurityToken",
    status: 401,
  },
  "expired-ticket": {
    errorId: 28032,
    reason: "The web ticket has expired",
    code: "s:Sender",
    subcode: "wst:ExpiredData",
    status: 401,
  },
  "identity-mismatch": {
    errorId: 28040,
    reason: "The requested identity is not the authenticated user",
    code: "s:Sender",
    subcode: "wst:FailedAuthentication",
    status: 403,
  },
  "bad-certificate-request": {
    errorId: 28050,
    reason: "The certificate request is not valid",
    code: "s:Sender",
    subcode: "wst:BadRequest",
    status: 400,
  },
};

/**
 * A refusal, carried from a handler to the HTTP answer.
 *
 * @example
 * ```ts
 * new OcAuthFault("expired-ticket", "expired at 2026-01-01T00:00:00Z").definition.errorId; // 28032
 * ```
 */
export class OcAuthFault extends Error {
  constructor(readonly kind: OcAuthFaultKind, readonly detail: string) {
    super(`${kind}: ${detail}`);
    this.name = "OcAuthFault";
  }

  get definition(): FaultDefinition {
    return OC_AUTH_FAULTS[this.kind];
  }
}

/**
 * `X-Ms-diagnostics` value (MS-OCAUTHWS §3.2.4.1 ABNF): reason and source are tokens in quotes
 * (spaces become `-`, other characters outside the token set are dropped).
 *
 * @example
 * ```ts
 * xMsDiagnostics(fault, "pool.lab.test"); // '28020;source="pool.lab.test";reason="…";fault="s:Sender"'
 * ```
 */
export function xMsDiagnostics(fault: OcAuthFault, source: string): string {
  const token = (s: string) => s.replace(/\s+/g, "-").replace(/[^A-Za-z0-9._~-]/g, "");
  const { errorId, reason, code } = fault.definition;
  return `${errorId};source="${token(source)}";reason="${token(reason)}";fault="${code}"`;
}

/**
 * The SOAP 1.2 Fault envelope with the OCSDiagnosticsFaultType detail.
 *
 * @example
 * ```ts
 * faultEnvelope(new OcAuthFault("bad-credentials", "…")); // "<s:Envelope …><s:Fault>…"
 * ```
 */
export function faultEnvelope(fault: OcAuthFault): string {
  const { errorId, reason, code, subcode } = fault.definition;
  return writeXml(
    xmlNode("s:Envelope", [["xmlns:s", NS.s], ["xmlns:wst", NS.wst]], [
      xmlNode("s:Body", [], [
        xmlNode("s:Fault", [], [
          xmlNode("s:Code", [], [
            xmlNode("s:Value", [], [code]),
            xmlNode("s:Subcode", [], [xmlNode("s:Value", [], [subcode])]),
          ]),
          xmlNode("s:Reason", [], [
            xmlNode("s:Text", [["xml:lang", "en-US"]], [`${reason}: ${fault.detail}`]),
          ]),
          xmlNode("s:Detail", [], [
            xmlNode("af:OCSDiagnosticsFault", [["xmlns:af", NS.af]], [
              xmlNode("af:Ms-Diagnostics-Fault", [], [
                xmlNode("af:ErrorId", [], [String(errorId)]),
                xmlNode("af:Reason", [], [reason]),
              ]),
            ]),
          ]),
        ]),
      ]),
    ]),
    { declaration: true },
  );
}
