/**
 * The `ms-diagnostics` header the front end adds when it turns a request away for an MS-SIPAE
 * reason (MS-OCER 2.2.1; the keys come from lab/auth/sipae's verdicts).
 *
 * MS-SIPAE states the status (§3.3.5.1–§3.3.5.2: re-challenge, 400, 403) but names no ErrorId.
 * The ids below are the nearest entries of the MS-OCER catalogue (lab/protocols/ocer):
 *
 * | MS-SIPAE key | ErrorId | basis |
 * |---|---|---|
 * | auth-wrong-password | 1000 Final handshake failed | as lab/protocols/ocer maps a wrong password |
 * | auth-unknown-user | 1003 User does not exist | MS-OCER §8.2 |
 * | auth-clock-skew | 1013 Significant time skew … | MS-OCER §8.2 |
 * | auth-identity-mismatch, auth-preferred-identity-rejected | 4004 Credentials … not authorized to act as specified from URI | MS-OCER front-end table |
 * | auth-missing-endpoint-id | 4010 Missing endpoint identifier | MS-SIPREGE 3.1.2.5.1 |
 * | auth-endpoint-mismatch | 4010 | lab: the nearest catalogued id for an inconsistent epid / +sip.instance / GRUU |
 * | every other failure (bad or replayed signature, unknown or expired SA, malformed or refused token) | 1000 Final handshake failed | lab: the SIP stack's authentication failure |
 *
 * `auth-required` (a first challenge) and `auth-continue` (the next handshake token) are not
 * failures and get none.
 *
 * @example
 * ```ts
 * authDiagnostics("auth-replay", "fe01.lab.test");
 * // ["ms-diagnostics", '1000;reason="Final handshake failed";source="fe01.lab.test"']
 * ```
 *
 * @module
 */
import type { SipaeDiagnosticKind } from "../../lab/auth/sipae/mod.ts";
import {
  diagnosticDefinition,
  formatMsDiagnostics,
  type MsDiagnostics,
} from "../../lab/protocols/ocer/mod.ts";

const ERROR_IDS: Readonly<Record<SipaeDiagnosticKind, number | undefined>> = {
  "auth-required": undefined,
  "auth-continue": undefined,
  "auth-wrong-password": 1000,
  "auth-unknown-user": 1003,
  "auth-clock-skew": 1013,
  "auth-handshake-failed": 1000,
  "auth-unknown-sa": 1000,
  "auth-expired-sa": 1000,
  "auth-bad-signature": 1000,
  "auth-replay": 1000,
  "auth-malformed-gssapi": 1000,
  "auth-malformed-credentials": 1000,
  "auth-missing-endpoint-id": 4010,
  "auth-endpoint-mismatch": 4010,
  "auth-identity-mismatch": 4004,
  "auth-preferred-identity-rejected": 4004,
  "auth-identity-malformed": 1000,
};

/**
 * The diagnostics header (name, value) for an MS-SIPAE refusal, or undefined for `auth-required`
 * and `auth-continue`. `source` is the server FQDN (only in `ms-diagnostics`, MS-OCER 2.2.1.2).
 *
 * @example
 * ```ts
 * authDiagnostics("auth-identity-mismatch", "fe01")?.[0]; // "ms-diagnostics-public"
 * ```
 */
export function authDiagnostics(
  kind: SipaeDiagnosticKind,
  source: string,
): [string, string] | undefined {
  const errorId = ERROR_IDS[kind];
  if (errorId === undefined) return undefined;
  return diagnosticsHeader(errorId, source);
}

/**
 * The diagnostics header (name, value) of a catalogued ErrorId, with `source` when the
 * catalogue puts it in `ms-diagnostics`.
 *
 * @example
 * ```ts
 * diagnosticsHeader(4141, "fe01"); // ["ms-diagnostics-public", '4141;reason="User disabled"']
 * ```
 */
export function diagnosticsHeader(errorId: number, source: string): [string, string] {
  const definition = diagnosticDefinition(errorId);
  if (definition === undefined) throw new Error(`ErrorId ${errorId} missing from the catalogue`);
  const diagnostics: MsDiagnostics = {
    errorId,
    subErrorIds: [],
    reason: definition.reason,
    params: [],
  };
  if (definition.header === "ms-diagnostics") diagnostics.source = source;
  return [definition.header, formatMsDiagnostics(diagnostics, definition.header)];
}
