/**
 * Diagnostic headers on SIP messages (MS-OCER §2.2.1): reading them tolerantly, stamping at most
 * one, and the enterprise-edge rules.
 *
 * - A server adds at most one `ms-diagnostics` to a response (or to a BYE/CANCEL it sends), and
 *   at most one `ms-diagnostics-public` (§2.2.1.1, §2.2.1.2): {@link setDiagnostics} replaces.
 * - Unparsable values are treated as absent (guide §6): {@link readDiagnostics} skips them.
 * - `ms-diagnostics` holds internal topology and must not leave the enterprise; a client must not
 *   send `ms-diagnostics-public` (§2.2.1.2; guide §5 item 2): {@link forExternalPeer} and
 *   {@link stripClientPublicDiagnostics}.
 *
 * @example
 * ```ts
 * setDiagnostics(response, msDiagnostics(4005,
 *   "Destination URI either not enabled for SIP or does not exist", "fe01.contoso.com"));
 * readDiagnostics(response)?.errorId; // 4005
 * ```
 *
 * @module
 */
import type { SipMessage } from "../../sip/message/mod.ts";
import {
  type DiagnosticsHeaderName,
  formatMsDiagnostics,
  type MsDiagnostics,
  parseMsDiagnostics,
} from "./diagnostics_header.ts";

/**
 * The first parsable value of `header` in `message`, or undefined (absent or unparsable).
 *
 * @example
 * ```ts
 * readDiagnostics(bye, "ms-client-diagnostics")?.reason; // "Action initiated by user"
 * ```
 */
export function readDiagnostics(
  message: SipMessage,
  header: DiagnosticsHeaderName = "ms-diagnostics",
): MsDiagnostics | undefined {
  for (const value of message.headerValues(header)) {
    const parsed = parseMsDiagnostics(value, header);
    if (parsed.ok) return parsed.value;
  }
  return undefined;
}

/**
 * Puts exactly one `header` with `diagnostics` on `message`, replacing any there.
 *
 * @example
 * ```ts
 * setDiagnostics(response, msDiagnostics(1003, "User does not exist", "fe01.contoso.com"));
 * ```
 */
export function setDiagnostics(
  message: SipMessage,
  diagnostics: MsDiagnostics,
  header: DiagnosticsHeaderName = "ms-diagnostics",
): void {
  message.setHeader(header, formatMsDiagnostics(diagnostics, header));
}

/**
 * Makes a message fit to cross the enterprise boundary (guide §4 "server header stamping",
 * MS-OCER §2.2.1.2): removes every `ms-diagnostics`; keeps only the first valid
 * `ms-diagnostics-public`; when there was none and `publicFallback` is set, derives one from the
 * internal value (ErrorId, reason and generic params; no source, no sub-errors, which the public
 * grammar lacks). Returns the public value left on the message, if any.
 *
 * @example
 * ```ts
 * forExternalPeer(response, { publicFallback: true })?.errorId; // the internal ErrorId
 * response.hasHeader("ms-diagnostics"); // false
 * ```
 */
export function forExternalPeer(
  message: SipMessage,
  options: { publicFallback?: boolean } = {},
): MsDiagnostics | undefined {
  const internal = readDiagnostics(message, "ms-diagnostics");
  let publicValue = readDiagnostics(message, "ms-diagnostics-public");
  message.removeHeader("ms-diagnostics");
  message.removeHeader("ms-diagnostics-public");
  if (publicValue === undefined && options.publicFallback && internal !== undefined) {
    publicValue = {
      errorId: internal.errorId,
      subErrorIds: [],
      reason: internal.reason,
      params: internal.params.map((p) => ({ ...p })),
    };
  }
  if (publicValue !== undefined) setDiagnostics(message, publicValue, "ms-diagnostics-public");
  return publicValue;
}

/**
 * Removes `ms-diagnostics-public` a client put on a request or response it sent (MS-OCER
 * §2.2.1.2: the protocol client MUST NOT add it). Returns how many were removed.
 *
 * @example
 * ```ts
 * stripClientPublicDiagnostics(incomingRequest); // 0 for a conforming client
 * ```
 */
export function stripClientPublicDiagnostics(message: SipMessage): number {
  return message.removeHeader("ms-diagnostics-public");
}
