/**
 * The server-initiated deregistration NOTIFY (MS-SIPREGE 2.2.1.13, 3.2, example 4.1.3): sent to
 * an endpoint whose binding the registrar removes by policy, on the implicit subscription its
 * REGISTER opened with `Event: registration` (MS-SIPREGE 2.2.1.1).
 *
 * ```text
 * NOTIFY <binding contact> SIP/2.0
 * To: <sip:aor>;epid=<endpoint epid>
 * Event: registration-notify
 * subscription-state: terminated;expires=0
 * Content-Type: text/registration-event
 * [ms-diagnostics-public: 4141;reason="User disabled"]      (rejected)
 * [P-Preferred-Registrar: <sip:fe02…>]                      (preferred-registrar-change)
 *
 * deregistered;event=<reason>
 * ```
 *
 * The To carries the endpoint's epid so the request reaches that endpoint and is signed with its
 * SA (MS-SIPAE §3.3.5.2). It is sent outside any dialog (no To tag): the REGISTER's implicit
 * subscription has no dialog state on the client.
 *
 * @example
 * ```ts
 * const notify = deregistrationNotify(binding, { reason: "rejected", contact, diagnostics });
 * host.sendRequest(notify, binding.source);
 * ```
 *
 * @module
 */
import { newTag } from "../../lab/sip/dialog/mod.ts";
import { SipRequest } from "../../lab/sip/message/mod.ts";
import type { Binding } from "./location_service.ts";

/** MS-SIPREGE 2.2.1.13: why the registrar removed the binding (the body's `event`). */
export type DeregistrationReason =
  /** Endpoint quota exceeded: the oldest endpoint is removed. */
  | "unregistered"
  /** The user was disabled (ms-diagnostics-public 4141). */
  | "rejected"
  /** The user moved to another home server. */
  | "deactivated"
  /** The user moved to another registrar, named in P-Preferred-Registrar. */
  | "preferred-registrar-change";

/** MS-SIPREGE 2.2.1.13: the body's content type. */
export const REGISTRATION_EVENT_CONTENT_TYPE = "text/registration-event";

/** What the NOTIFY says beyond the binding. */
export interface DeregistrationDetails {
  reason: DeregistrationReason;
  /** The front end's Contact URI. */
  contact: string;
  /** MS-SIPREGE 2.2.1.8: the registrar to use instead (preferred-registrar-change only). */
  preferredRegistrar?: string;
  /** A diagnostics header (name, value), e.g. 4141 "User disabled" for `rejected`. */
  diagnostics?: [string, string];
}

/**
 * The NOTIFY telling the endpoint of `binding` that it is deregistered.
 *
 * @example
 * ```ts
 * new TextDecoder().decode(deregistrationNotify(binding, { reason: "rejected", contact }).body);
 * // "deregistered;event=rejected"
 * ```
 */
export function deregistrationNotify(binding: Binding, details: DeregistrationDetails): SipRequest {
  const epid = binding.endpoint.epid;
  const notify = new SipRequest("NOTIFY", binding.contact.uriText)
    .addHeader("From", `<${binding.aor}>;tag=${newTag()}`)
    .addHeader("To", `<${binding.aor}>` + (epid === undefined ? "" : `;epid=${epid}`))
    .addHeader("Call-ID", `dereg-${crypto.randomUUID()}`)
    .addHeader("CSeq", "1 NOTIFY")
    .addHeader("Max-Forwards", "70")
    .addHeader("Contact", `<${details.contact}>`)
    .addHeader("Event", "registration-notify")
    .addHeader("subscription-state", "terminated;expires=0")
    .addHeader("Content-Type", REGISTRATION_EVENT_CONTENT_TYPE);
  if (details.diagnostics !== undefined) notify.addHeader(...details.diagnostics);
  if (details.reason === "preferred-registrar-change" && details.preferredRegistrar) {
    // MS-SIPREGE 2.2.1.8: at most one, an addr-spec.
    notify.addHeader("P-Preferred-Registrar", details.preferredRegistrar);
  }
  notify.body = new TextEncoder().encode(`deregistered;event=${details.reason}`);
  return notify;
}
