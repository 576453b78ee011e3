/**
 * The server's deregistration NOTIFY (MS-SIPREGE §2.2.1.13, §3.2): `Event: registration-notify`,
 * `Content-Type: text/registration-event`, body `deregistered;event=<reason>`. What the client
 * does depends on the reason (MS-SIPREGE §7.1): `unregistered` (endpoint quota) and `rejected`
 * (user disabled) stop the endpoint for good; `deactivated` and `preferred-registrar-change`
 * (user moved) make it register again, at the `P-Preferred-Registrar` when one is given.
 *
 * @example
 * ```ts
 * readDeregistration(notify); // { reason: "rejected", preferredRegistrar: undefined }
 * ```
 *
 * @module
 */
import type { SipRequest } from "../../lab/sip/message/mod.ts";

/** MS-SIPREGE §4: the `event` values of the body. */
export type DeregistrationReason =
  | "unregistered"
  | "rejected"
  | "deactivated"
  | "preferred-registrar-change";

/** A deregistration NOTIFY, read. */
export interface Deregistration {
  reason: DeregistrationReason;
  /** MS-SIPREGE §2.2.1.8: where to register instead (with preferred-registrar-change). */
  preferredRegistrar?: string;
}

const REASONS: ReadonlySet<string> = new Set([
  "unregistered",
  "rejected",
  "deactivated",
  "preferred-registrar-change",
]);

/** True when the request is a registration-notify NOTIFY (MS-SIPREGE §2.2.1.13). */
export function isDeregistrationNotify(request: SipRequest): boolean {
  const event = request.header("event")?.split(";")[0].trim().toLowerCase();
  return request.method === "NOTIFY" && event === "registration-notify";
}

/**
 * Reads the body `deregistered;event=<reason>`; undefined when the body is not that (the
 * NOTIFY is then answered 400 by the caller).
 *
 * @example
 * ```ts
 * // Body of the MS-SIPREGE §4.1.3 example (Content-Length 27):
 * readDeregistration(notify)?.reason; // "rejected"
 * ```
 */
export function readDeregistration(request: SipRequest): Deregistration | undefined {
  const body = new TextDecoder().decode(request.body).trim();
  const m = /^deregistered\s*;\s*event\s*=\s*([A-Za-z-]+)$/i.exec(body);
  if (!m) return undefined;
  const reason = m[1].toLowerCase();
  if (!REASONS.has(reason)) return undefined;
  const registrar = request.header("p-preferred-registrar")?.trim();
  return registrar
    ? { reason: reason as DeregistrationReason, preferredRegistrar: registrar }
    : { reason: reason as DeregistrationReason };
}

/** MS-SIPREGE §7.1: whether the endpoint should register again (the user moved). */
export function shouldRegisterAgain(reason: DeregistrationReason): boolean {
  return reason === "deactivated" || reason === "preferred-registrar-change";
}
