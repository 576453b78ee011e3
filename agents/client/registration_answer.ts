/**
 * What a client reads from the 200 to its REGISTER (RFC 3261 §10.2.4, MS-SIPREGE §3.4 / §5,
 * MS-SIPRE §2.4): the expiry the registrar granted to *this* endpoint's binding (the Contact with
 * its `+sip.instance`, else the Expires header), the GRUU issued for it, and the negotiated
 * keep-alive interval (MS-CONMGMT §3.4).
 *
 * @example
 * ```ts
 * const answer = readRegistrationAnswer(ok, instance, 3600);
 * answer.expiresSeconds; answer.gruu; answer.keepAliveMs;
 * ```
 *
 * @module
 */
import { paramValue } from "../../lab/auth/sipae/mod.ts";
import type { SipResponse } from "../../lab/sip/message/mod.ts";
import { negotiatedKeepAliveMs } from "./keep_alive.ts";

/** The parts of a REGISTER 200 the endpoint keeps. */
export interface RegistrationAnswer {
  /** Seconds the binding lives. */
  expiresSeconds: number;
  /** MS-SIPRE §2.4: the `gruu` Contact parameter for this instance, when issued. */
  gruu?: string;
  /** MS-CONMGMT §3.4: ping interval once idle. */
  keepAliveMs: number;
}

/**
 * Reads a 2xx to REGISTER for the endpoint whose `+sip.instance` is `instance` (GUID, any case).
 * `requestedSeconds` is what the REGISTER asked for (RFC 3261 §10.2.4: used when the answer
 * names no expiry; 3600 when nothing was asked).
 */
export function readRegistrationAnswer(
  response: SipResponse,
  instance: string,
  requestedSeconds: number | undefined,
): RegistrationAnswer {
  const want = `<urn:uuid:${instance}>`.toLowerCase();
  let expires: number | undefined;
  let gruu: string | undefined;
  for (const contact of response.contacts) {
    if (contact.star) continue;
    if (paramValue(contact.params, "+sip.instance")?.toLowerCase() !== want) continue;
    const value = paramValue(contact.params, "expires");
    if (value !== undefined && /^\d+$/.test(value)) expires = Number(value);
    gruu = paramValue(contact.params, "gruu") ?? gruu;
    break;
  }
  if (expires === undefined) {
    const header = response.header("expires");
    if (header !== undefined && /^\s*\d+\s*$/.test(header)) expires = Number(header);
  }
  return {
    expiresSeconds: expires ?? requestedSeconds ?? 3600,
    gruu,
    keepAliveMs: negotiatedKeepAliveMs(response.headerValues("ms-keep-alive")),
  };
}
