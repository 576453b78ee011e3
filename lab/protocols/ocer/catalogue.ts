/**
 * The ErrorIds this lab emits or recognises, with their reason text, the header that carries
 * them, where the pairing comes from, and the SIP status the material pairs them with.
 *
 * Sources:
 * - MS-OCER §8.2 (SipStack, 1000–1014), §8.3 (presence, 2000–2016), the front-end 4000–4013
 *   table, §8.6 (API applications), §8.11 (outbound routing), the inbound routing table and
 *   §8.16 (client version filter) — read on learn.microsoft.com. Those tables give ErrorId,
 *   header and reason only, never the SIP status. They print each reason with a final period;
 *   servers send it without one (e.g. `4005;reason="Destination URI either not enabled for SIP
 *   or does not exist"` in Lync logs), so the reasons here have none.
 * - MS-OCER §7.25 (Call Park Service 35000–35017) and §3.1.4.1 (the reportError example: 10000,
 *   12006), as quoted by the guide.
 * - Protocol guides of this project: MS-SIPREGE.md §4–§5 (4010 → 400, 4055 → 489, 2057 → 421,
 *   4141 on deregistration NOTIFY), MS-PRES.md §4.2/§8 (2141 → 409), IM.md §5 and MS-OCER.md §2.3
 *   (51004, 51007 in ms-client-diagnostics).
 *
 * `verify` marks text taken from a guide that the MS-OCER tables read here do not confirm.
 *
 * @example
 * ```ts
 * diagnosticDefinition(4010)?.statuses; // [400]
 * diagnosticDefinition(2014)?.header; // "ms-diagnostics-public"
 * ```
 *
 * @module
 */
import type { DiagnosticsHeaderName } from "./diagnostics_header.ts";

/** One ErrorId and what goes with it. */
export interface DiagnosticDefinition {
  errorId: number;
  /** reason-value as sent (no trailing period). */
  reason: string;
  /** The header the source table names for it. */
  header: DiagnosticsHeaderName;
  /** Where the pairing of id and reason is stated. */
  reference: string;
  /** SIP status codes the material pairs it with; empty when it names none. */
  statuses: readonly number[];
  /** What is not confirmed by the MS-OCER tables read for this catalogue. */
  verify?: string;
}

type Row = [number, string, DiagnosticsHeaderName, string, number[]?, string?];

const MS = "ms-diagnostics";
const PUB = "ms-diagnostics-public";
const CLIENT = "ms-client-diagnostics";

const EN_DASH = "dash as the guide writes it (U+2013); MS-OCER §7.25 itself not read";

const ROWS: Row[] = [
  // MS-OCER §8.2 SipStack (the current-release table of §7 repeats these rows).
  [1000, "Final handshake failed", MS, "MS-OCER §8.2"],
  [1001, "From URI not authorized to communicate with public IM providers", MS, "MS-OCER §8.2"],
  [1002, "From URI not authorized to communicate with federated partners", MS, "MS-OCER §8.2"],
  [1003, "User does not exist", MS, "MS-OCER §8.2"],
  [1004, "Route set is no longer valid", MS, "MS-OCER §8.2"],
  [1005, "Cannot route to destination domain", MS, "MS-OCER §8.2"],
  // Current-release wording; §8.2 (earlier releases) says "protocol client connection".
  [1006, "Error routing on client connection", MS, "MS-OCER §7 SipStack table"],
  [1007, "Temporarily cannot route", MS, "MS-OCER §8.2"],
  [1008, "Unable to resolve DNS SRV record", MS, "MS-OCER §8.2"],
  [1009, "Conflicting SRV and host domains in DNS", MS, "MS-OCER §8.2"],
  [1010, "Certificate trust with next-hop server could not be established", MS, "MS-OCER §8.2"],
  [1011, "ms-diagnostics header not provided by previous hop", MS, "MS-OCER §8.2"],
  [
    1012,
    "From URI is not authorized to communicate with users outside the enterprise",
    MS,
    "MS-OCER §8.2",
  ],
  [1013, "Significant time skew detected during authentication", MS, "MS-OCER §8.2"],
  [1014, "Unable to resolve DNS A record", MS, "MS-OCER §8.2"],
  // MS-OCER §8.3 Presence.
  [2000, "Prompted subscriber does not exist", MS, "MS-OCER §8.3"],
  [2001, "Contact does not exist", MS, "MS-OCER §8.3"],
  [2002, "Group does not exist", MS, "MS-OCER §8.3"],
  [
    2003,
    "Category publication failed - Cannot overwrite read only publication",
    MS,
    "MS-OCER §8.3",
  ],
  [2004, "Subscriber is not authorized to subscribe", MS, "MS-OCER §8.3"],
  [2005, "The user in the FROM URI is not found", MS, "MS-OCER §8.3"],
  [2006, "Container member limit exceeded", MS, "MS-OCER §8.3"],
  [2007, "Contact limit exceeded", MS, "MS-OCER §8.3"],
  [2008, "Group limit exceeded", MS, "MS-OCER §8.3"],
  [2009, "Contact extension too large", MS, "MS-OCER §8.3"],
  // MS-PRES.md §8: a configurable cap answered 413/503 + ms-diagnostics.
  [2010, "Category size limit exceeded", MS, "MS-OCER §8.3", [413]],
  [2011, "Delivery context per subscriber limit exceeded", PUB, "MS-OCER §8.3"],
  [2012, "Category subscription limit exceeded", MS, "MS-OCER §8.3"],
  [2013, "msrtc-event-categories extension required", PUB, "MS-OCER §8.3"],
  // MS-PRES.md §8: "Existing subscription dialog gone → 481".
  [2014, "Subscription dialog does not exist", PUB, "MS-OCER §8.3", [481]],
  [2015, "Duplicate group name", MS, "MS-OCER §8.3"],
  [2016, "New subscription is required", PUB, "MS-OCER §8.3"],
  [
    2057,
    "Supported lacks gruu-10 but msrtc-event-categories is present",
    MS,
    "MS-SIPREGE.md §5 (MS-SIPREGE §3.1.2.5.1)",
    [421],
    "reason text as the guide paraphrases it; the MS-OCER presence row for 2057 was not read",
  ],
  [
    2141,
    "Delegate version is out of date",
    MS,
    "MS-PRES.md §4.2 (MS-PRES delegate 409 example); MS-OCER.md §2.1",
    [409],
    "the MS-OCER presence row for 2141 was not read",
  ],
  // MS-OCER front-end table 4000–4999 (current release; the earlier-release table matches).
  [4000, "User services default", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [4001, "XML parse failure", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [
    4002,
    "Multiple users associated with the source phone number",
    MS,
    "MS-OCER §7 front-end 4000–4999 table",
  ],
  [4003, "From URI not enabled for remote access", PUB, "MS-OCER §7 front-end 4000–4999 table"],
  [
    4004,
    "Credentials provided are not authorized to act as specified from URI",
    PUB,
    "MS-OCER §7 front-end 4000–4999 table",
  ],
  // MS-SIPREGE.md §5 item 6: 404 when the user is not SIP enabled [impl].
  [
    4005,
    "Destination URI either not enabled for SIP or does not exist",
    MS,
    "MS-OCER §7 front-end 4000–4999 table",
    [404],
  ],
  [4006, "User not found in pool", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [4007, "Resource is unknown in this deployment", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [
    4009,
    "Multiple users associated with the destination phone number",
    MS,
    "MS-OCER §7 front-end 4000–4999 table",
  ],
  // MS-SIPREGE.md §5: 400 + 4010 for a REGISTER without Epid and +sip.instance.
  [4010, "Missing endpoint identifier", MS, "MS-OCER §7 front-end 4000–4999 table", [400]],
  [4011, "Epid not present", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [4012, "Epid too long", MS, "MS-OCER §7 front-end 4000–4999 table"],
  [
    4013,
    "Content-type does not match the expected content-type",
    MS,
    "MS-OCER §7 front-end 4000–4999 table",
    [],
    "the current-release row was read truncated; the earlier-release row reads " +
    '"content type header does not match the expected content-type"',
  ],
  [
    4055,
    'Event header is not set to "registration"',
    MS,
    "MS-SIPREGE.md §5 (MS-SIPREGE §3.1.2.5.1)",
    [489],
    "reason text as the guide paraphrases it; the MS-OCER row for 4055 was not read",
  ],
  [
    4141,
    "User disabled",
    PUB,
    "MS-SIPREGE.md §4 (MS-SIPREGE §4.1.3 deregistration NOTIFY example)",
    [],
    "the MS-OCER row for 4141 was not read",
  ],
  // MS-OCER §8.6 OCS server API and applications.
  [5000, "One or more critical applications are not running", MS, "MS-OCER §8.6"],
  [5001, "Request timed out", MS, "MS-OCER §8.6"],
  [5002, "Request was cancelled", MS, "MS-OCER §8.6"],
  [5003, "Internal processing failure", MS, "MS-OCER §8.6"],
  [5004, "Failed parsing the incoming request", MS, "MS-OCER §8.6"],
  // MS-OCER §3.1.4.1 example (a 408 answered to an INVITE).
  [10000, "Gateway returned a SIP failure code", MS, "MS-OCER §3.1.4.1 example", [408]],
  // MS-OCER §8.11 VoIP outbound routing.
  [
    12000,
    "Routes available for this request but no available gateway at this point",
    MS,
    "MS-OCER §8.11",
  ],
  [12001, "User Policy does not contain phone route usage", MS, "MS-OCER §8.11"],
  [12002, "Phone number not valid or too large", MS, "MS-OCER §8.11"],
  [12004, "No route found", MS, "MS-OCER §8.11"],
  [12006, "Trying next hop", MS, "MS-OCER §8.11; §3.1.4.1 example (with appName)"],
  // MS-OCER inbound routing table 13000–13999.
  [13000, "Call to self loop", MS, "MS-OCER §7 inbound routing table"],
  [
    13004,
    "Request was proxied to one or more registered endpoints",
    MS,
    "MS-OCER §7 inbound routing table",
  ],
  [13008, "Diagnostic headers removed for privacy", MS, "MS-OCER §7 inbound routing table"],
  // MS-OCER §8.16 client version filter.
  [17000, "Server overloaded", MS, "MS-OCER §8.16"],
  [17002, "Invalid protocol client version", MS, "MS-OCER §8.16"],
  // MS-OCER §7.25 Call Park Service, as the guide lists it (MS-OCER.md §2.5).
  [35000, "Orbit not found", MS, "MS-OCER §7.25"],
  [35001, "General processing error", MS, "MS-OCER §7.25"],
  [35002, "No more available orbits", MS, "MS-OCER §7.25"],
  [35003, "Cannot un-park from outside of enterprise", MS, "MS-OCER §7.25"],
  [35004, "Park request time-out", MS, "MS-OCER §7.25"],
  [35005, "Error accessing UCAS", MS, "MS-OCER §7.25"],
  [35006, "Double park", MS, "MS-OCER §7.25"],
  [35007, "Invite with replaces error", MS, "MS-OCER §7.25"],
  [35008, "Version not understood", MS, "MS-OCER §7.25"],
  [35009, "Bad request", MS, "MS-OCER §7.25"],
  [35010, "Could not safe retrieve", MS, "MS-OCER §7.25"],
  [35011, "Could not forward to parking server", MS, "MS-OCER §7.25"],
  [35012, "Parking server is in draining mode", MS, "MS-OCER §7.25"],
  [35013, "Park time expired – terminating parkee leg", MS, "MS-OCER §7.25", [], EN_DASH],
  [35014, "Terminating dialog with parker", MS, "MS-OCER §7.25"],
  [35015, "Park time expired – terminating parkee leg", MS, "MS-OCER §7.25", [], EN_DASH],
  [35016, "No valid conversation to park", MS, "MS-OCER §7.25"],
  [35017, "Retrieve failed", MS, "MS-OCER §7.25", [], "the guide's list is cut after this reason"],
  // Client-originated (guide §2.3, IM.md §5).
  [
    51004,
    "Action initiated by user",
    CLIENT,
    "MS-OCER.md §2.3; IM.md §5",
    [],
    "client table of MS-OCER §8 not read",
  ],
  [
    51007,
    "Callee media connectivity failure",
    CLIENT,
    "MS-OCER.md §2.3",
    [],
    "client table of MS-OCER §8 not read",
  ],
];

function toDefinition(row: Row): DiagnosticDefinition {
  const [errorId, reason, header, reference, statuses = [], verify] = row;
  const d: DiagnosticDefinition = { errorId, reason, header, reference, statuses };
  if (verify !== undefined) d.verify = verify;
  return d;
}

/** Every catalogued ErrorId. */
export const DIAGNOSTIC_CATALOGUE: ReadonlyMap<number, DiagnosticDefinition> = new Map(
  ROWS.map((row) => [row[0], toDefinition(row)]),
);

/**
 * The catalogue entry for `errorId`, or undefined.
 *
 * @example
 * ```ts
 * diagnosticDefinition(1003)?.reason; // "User does not exist"
 * ```
 */
export function diagnosticDefinition(errorId: number): DiagnosticDefinition | undefined {
  return DIAGNOSTIC_CATALOGUE.get(errorId);
}
