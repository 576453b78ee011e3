/**
 * The requests a Lync endpoint sends to sign in, built as the guides show them: REGISTER with
 * the MS-SIPREGE §2 additions (epid on From, `+sip.instance` and `proxy=replace` on Contact,
 * the Supported option tags of §3.1, `Event: registration`, one `Ms-Keep-Alive` proposal) and the
 * in-band provisioning SUBSCRIBE of MS-SIPREGE §6.1.
 *
 * @example
 * ```ts
 * const register = buildRegister(identity, { cseq: 1, local, expires: 3600, keepAlive: true });
 * const subscribe = buildProvisioningSubscribe(identity, { local, callId: newCallId(), tag: newTag() });
 * ```
 *
 * @module
 */
import { SipRequest } from "../../lab/sip/message/mod.ts";
import { KEEP_ALIVE_PROPOSAL } from "./keep_alive.ts";

/** Who an endpoint is: constant for its whole life (MS-SIPRE §3.4 identifiers). */
export interface EndpointIdentity {
  /** Address of record, `sip:alice@contoso.com`. */
  aor: string;
  /** The SIP domain (Request-URI of REGISTER, MS-SIPREGE §2). */
  domain: string;
  displayName?: string;
  /** MS-SIPRE §2.1: the endpoint id on From/To (10 hex digits in captures). */
  epid: string;
  /** MS-SIPRE §3: `+sip.instance` GUID derived from the epid. */
  instance: string;
  /** Call-ID kept for every REGISTER of this endpoint (RFC 3261 §10.2.4). */
  registerCallId: string;
  /** From tag of the REGISTERs. */
  registerTag: string;
  /** MS-SIPRE §2.2: `ms-opaque` of the Contact. */
  contactOpaque: string;
}

/** Where the endpoint's connection is, as written in Via and Contact. */
export interface LocalAddress {
  host: string;
  port: number;
  /** `TLS` or `TCP` (Via sent-protocol). */
  transport: "TLS" | "TCP";
}

/** The methods a Lync endpoint announces on its Contact (MS-SIPREGE §2 capture). */
const CONTACT_METHODS = "INVITE, MESSAGE, INFO, SUBSCRIBE, OPTIONS, BYE, CANCEL, NOTIFY, ACK, " +
  "REFER, BENOTIFY";

/** MS-SIPREGE §3.1: option tags a Lync client sends in REGISTER. */
const REGISTER_SUPPORTED = "gruu-10, adhoclist, msrtc-event-categories, " +
  "com.microsoft.msrtc.presence";

/** MS-SIPREGE §6.1: the provisioning content type and groups a client asks for. */
export const PROVISIONING_CONTENT_TYPE = "application/vnd-microsoft-roaming-provisioning-v2+xml";
const PROVISIONING_BODY =
  '<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist">' +
  '<provisioningGroup name="ServerConfiguration"/>' +
  '<provisioningGroup name="meetingPolicy"/>' +
  '<provisioningGroup name="persistentChatConfiguration"/>' +
  '<provisioningGroup name="ucPolicy"/>' +
  "</provisioningGroupList>";

const encoder = new TextEncoder();

function fromValue(identity: EndpointIdentity, tag: string): string {
  const name = identity.displayName ? `"${identity.displayName.replaceAll('"', "")}" ` : "";
  // MS-SIPRE §2.1: epid is a From parameter next to the tag.
  return `${name}<${identity.aor}>;tag=${tag};epid=${identity.epid}`;
}

/** The endpoint's Contact (MS-SIPREGE §2, MS-SIPRE §2.2). */
export function contactOf(identity: EndpointIdentity, local: LocalAddress): string {
  const transport = local.transport.toLowerCase();
  return `<sip:${local.host}:${local.port};transport=${transport};ms-opaque=${identity.contactOpaque}>` +
    `;methods="${CONTACT_METHODS}";proxy=replace;+sip.instance="<urn:uuid:${identity.instance}>"`;
}

/** Options of {@link buildRegister}. */
export interface RegisterOptions {
  cseq: number;
  local: LocalAddress;
  /** The Expires asked for; 0 unregisters (MS-SIPREGE §2); undefined leaves it to the server. */
  expires?: number;
  /** MS-CONMGMT §3.4: the first REGISTER on a connection proposes keep-alives. */
  keepAlive: boolean;
}

/**
 * A REGISTER of the endpoint (no credentials: the authentication client adds them last).
 *
 * @example
 * ```ts
 * buildRegister(identity, { cseq: 2, local, expires: 0, keepAlive: false }); // unregister
 * ```
 */
export function buildRegister(identity: EndpointIdentity, opts: RegisterOptions): SipRequest {
  const request = new SipRequest("REGISTER", `sip:${identity.domain}`);
  request.addHeader("Via", `SIP/2.0/${opts.local.transport} ${opts.local.host}:${opts.local.port}`)
    .addHeader("Max-Forwards", "70")
    .addHeader("From", fromValue(identity, identity.registerTag))
    .addHeader("To", `<${identity.aor}>`)
    .addHeader("Call-ID", identity.registerCallId)
    .addHeader("CSeq", `${opts.cseq} REGISTER`)
    .addHeader("Contact", contactOf(identity, opts.local))
    .addHeader("Supported", REGISTER_SUPPORTED)
    // MS-SIPREGE §2: at most one Event, and it must be `registration` (implicit subscription).
    .addHeader("Event", "registration")
    .addHeader("Allow-Events", "presence");
  if (opts.keepAlive) request.addHeader("Ms-Keep-Alive", KEEP_ALIVE_PROPOSAL);
  if (opts.expires !== undefined) request.addHeader("Expires", String(opts.expires));
  return request;
}

/** Options of {@link buildProvisioningSubscribe}. */
export interface ProvisioningOptions {
  local: LocalAddress;
  callId: string;
  tag: string;
  cseq?: number;
}

/**
 * MS-SIPREGE §6.1: the one-shot provisioning SUBSCRIBE (Expires: 0, data piggy-backed on the
 * 200), From and To the user's own AOR.
 *
 * @example
 * ```ts
 * buildProvisioningSubscribe(identity, { local, callId, tag }).header("event");
 * // "vnd-microsoft-provisioning-v2"
 * ```
 */
export function buildProvisioningSubscribe(
  identity: EndpointIdentity,
  opts: ProvisioningOptions,
): SipRequest {
  const request = new SipRequest("SUBSCRIBE", identity.aor);
  request.addHeader("Via", `SIP/2.0/${opts.local.transport} ${opts.local.host}:${opts.local.port}`)
    .addHeader("Max-Forwards", "70")
    .addHeader("From", fromValue(identity, opts.tag))
    .addHeader("To", `<${identity.aor}>`)
    .addHeader("Call-ID", opts.callId)
    .addHeader("CSeq", `${opts.cseq ?? 1} SUBSCRIBE`)
    .addHeader("Contact", contactOf(identity, opts.local))
    .addHeader("Event", "vnd-microsoft-provisioning-v2")
    .addHeader("Accept", PROVISIONING_CONTENT_TYPE)
    .addHeader("Supported", "ms-piggyback-first-notify")
    .addHeader("Supported", "ms-benotify")
    .addHeader("Expires", "0")
    .addHeader("Content-Type", PROVISIONING_CONTENT_TYPE);
  request.body = encoder.encode(PROVISIONING_BODY);
  return request;
}
