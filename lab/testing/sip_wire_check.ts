/**
 * Judging captured SIP traffic from tshark's JSON dissection (`tshark -2 -T json
 * --no-duplicate-keys`): one {@link SipPacket} per SIP message, and the rule for what the lab
 * counts as a wire error.
 *
 * A message has a problem when any of these holds:
 * 1. tshark marks the frame malformed (`_ws.malformed`, "Malformed Packet") anywhere.
 * 2. An expert info inside the SIP layer (SDP bodies included) has severity Warning or Error,
 *    or belongs to the Malformed group at any severity (tshark files e.g. "Invalid
 *    content_length" or "Invalid SIP Via sent-by-port" as Malformed/Note).
 * 3. tshark reports "Unrecognised SIP header (name)" where `name` is not a token: a header line
 *    without its colon (RFC 3261 §25.1 `header-name = token`). The same Note/Undecoded info
 *    for a well-formed extension header (`X-Lab: 1`, `ms-client-diagnostics`) is NOT an error:
 *    tshark emits it for every header it has no dissector for.
 * 4. Mandatory headers missing (RFC 3261 §8.1.1: Via, Max-Forwards, From, To, Call-ID, CSeq in
 *    requests; §8.2.6.2: Via, From, To, Call-ID, CSeq in responses) or a single-valued one
 *    repeated (§7.3.1).
 * 5. CSeq not `digits SP method` with a 32-bit number (§20.16), or its method differs from the
 *    request method (§8.1.1.5, also for ACK and CANCEL: §17.1.1.3, §9.1).
 * 6. Over UDP: Content-Length missing or not equal to the octets after the empty line (§18.3,
 *    §20.14), or more than one message in the datagram (§18.1.1).
 * 7. Payload on a SIP port that tshark does not dissect as SIP, or a TCP segment that never
 *    completes a SIP message (Content-Length beyond the data sent).
 *
 * Not errors: Chat / Comment / Note expert infos outside the Malformed group (e.g. tshark's
 * "Unrecognised SIP header" for extension headers, TCP sequence analysis), tshark's resend
 * detection (`sip.resend`, UDP retransmissions are legal), and CRLF keep-alives (RFC 5626 §3.5.1).
 *
 * @module
 */
import { AssertionError } from "node:assert";

/** Which transports a capture or dissection covers. */
export type SipTransportFilter = "udp" | "tcp" | "both";

/** One SIP message (or one non-SIP payload) seen on a SIP port. */
export interface SipPacket {
  /** Frame number in the capture (several messages may share one TCP frame). */
  frame: number;
  transport: "udp" | "tcp";
  /** `keepalive`: CRLFs only (RFC 5626); `other`: a payload tshark did not dissect as SIP. */
  kind: "request" | "response" | "keepalive" | "other";
  method?: string;
  status?: number;
  callId?: string;
  /** The CSeq header as written. */
  cseq?: string;
  /** tshark considered it a resend of an earlier frame (not an error). */
  resent: boolean;
  /** tshark flagged the frame "Malformed Packet". */
  malformed: boolean;
  /** Every expert info of the message (and of its frame's lower layers), as text. */
  expert: string[];
  /** The wire errors found (module rule); empty when clean. */
  problems: string[];
}

/** Totals over a dissection. */
export interface DissectionSummary {
  /** Frames with payload on the SIP ports. */
  frames: number;
  /** SIP messages (requests + responses). */
  messages: number;
  /** Requests by method. */
  requests: Record<string, number>;
  /** Responses by status code. */
  responses: Record<string, number>;
  keepalives: number;
  /** Packets with at least one problem. */
  withProblems: number;
  /** `tshark -z expert` output for the whole capture. */
  expertReport: string;
}

/** The result of dissecting a capture. */
export interface Dissection {
  packets: SipPacket[];
  summary: DissectionSummary;
}

type Json = string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

// epan/proto.h: expert severities and groups as they appear in tshark's JSON.
const SEVERITIES: Record<number, string> = {
  0x00100000: "Comment",
  0x00200000: "Chat",
  0x00400000: "Note",
  0x00600000: "Warning",
  0x00800000: "Error",
};
const SEVERITY_WARNING = 0x00600000;
const GROUPS: Record<number, string> = {
  0x01000000: "Checksum",
  0x02000000: "Sequence",
  0x03000000: "Response",
  0x04000000: "Request",
  0x05000000: "Undecoded",
  0x06000000: "Reassemble",
  0x07000000: "Malformed",
  0x08000000: "Debug",
  0x09000000: "Protocol",
  0x0a000000: "Security",
  0x0b000000: "Comment",
  0x0c000000: "Decryption",
  0x0d000000: "Assumption",
  0x0e000000: "Deprecated",
  0x0f000000: "Receive",
  0x10000000: "Interface",
  0x11000000: "Dissector bug",
};
const GROUP_MALFORMED = 0x07000000;

interface ExpertInfo {
  severity: number;
  group: number;
  message: string;
  layer: string;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asList(value: Json | undefined): Json[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function firstString(value: Json | undefined): string | undefined {
  const first = asList(value)[0];
  return typeof first === "string" ? first : undefined;
}

/** Collects expert infos and the malformed marker anywhere under `node`. */
function scan(node: Json, layer: string, experts: ExpertInfo[]): boolean {
  let malformed = false;
  if (Array.isArray(node)) {
    for (const item of node) malformed = scan(item, layer, experts) || malformed;
    return malformed;
  }
  if (!isObject(node)) return false;
  for (const [key, value] of Object.entries(node)) {
    if (key === "_ws.malformed") malformed = true;
    if (key === "_ws.expert") {
      for (const info of asList(value)) {
        if (!isObject(info)) continue;
        experts.push({
          severity: Number(firstString(info["_ws.expert.severity"])),
          group: Number(firstString(info["_ws.expert.group"])),
          message: firstString(info["_ws.expert.message"]) ?? "",
          layer,
        });
      }
    }
    malformed = scan(value, layer, experts) || malformed;
  }
  return malformed;
}

function hasKey(node: Json, predicate: (key: string) => boolean): boolean {
  if (Array.isArray(node)) return node.some((item) => hasKey(item, predicate));
  if (!isObject(node)) return false;
  return Object.entries(node).some(([key, value]) => predicate(key) || hasKey(value, predicate));
}

function expertText(info: ExpertInfo): string {
  const severity = SEVERITIES[info.severity] ?? String(info.severity);
  const group = GROUPS[info.group] ?? String(info.group);
  return `${severity}/${group} (${info.layer}): ${info.message}`;
}

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;

/** Rule 2 and 3: the expert infos that are wire errors. */
function expertProblems(experts: ExpertInfo[]): string[] {
  const problems: string[] = [];
  for (const info of experts) {
    if (info.layer !== "sip") continue;
    if (info.severity >= SEVERITY_WARNING || info.group === GROUP_MALFORMED) {
      problems.push(`tshark: ${expertText(info)}`);
      continue;
    }
    const unrecognised = /^Unrecognised SIP header \((.*)\)$/.exec(info.message);
    if (unrecognised && !TOKEN.test(unrecognised[1])) {
      problems.push(`header line without a colon (RFC 3261 §25.1): "${unrecognised[1]}"`);
    }
  }
  return problems;
}

const REQUEST_HEADERS = ["Via", "Max-Forwards", "From", "To", "Call-ID", "CSeq"];
const RESPONSE_HEADERS = ["Via", "From", "To", "Call-ID", "CSeq"];
const SINGLE_VALUED = ["Max-Forwards", "From", "To", "Call-ID", "CSeq", "Content-Length"];
const MAX_CSEQ = 2 ** 32 - 1;

/** Rules 4 and 5 on the dissected header fields of one message. */
function headerProblems(headers: JsonObject, method: string | undefined): string[] {
  const problems: string[] = [];
  const mandatory = method === undefined ? RESPONSE_HEADERS : REQUEST_HEADERS;
  for (const name of mandatory) {
    if (headers[`sip.${name}`] === undefined) {
      problems.push(`missing ${name} (RFC 3261 §${method === undefined ? "8.2.6.2" : "8.1.1"})`);
    }
  }
  for (const name of SINGLE_VALUED) {
    const count = asList(headers[`sip.${name}`]).length;
    if (count > 1) problems.push(`${name} appears ${count} times (RFC 3261 §7.3.1)`);
  }
  const cseq = firstString(headers["sip.CSeq"]);
  if (cseq !== undefined) {
    const parsed = /^(\d{1,10})[ \t]+(\S+)$/.exec(cseq.trim());
    if (!parsed || Number(parsed[1]) > MAX_CSEQ || !TOKEN.test(parsed[2])) {
      problems.push(`CSeq "${cseq}" is not a 32-bit number and a method (RFC 3261 §20.16)`);
    } else if (method !== undefined && parsed[2] !== method) {
      problems.push(`CSeq method ${parsed[2]} differs from ${method} (RFC 3261 §8.1.1.5)`);
    }
  }
  return problems;
}

const CRLF_CRLF = [13, 10, 13, 10];

function indexOfCrlfCrlf(bytes: Uint8Array): number {
  outer: for (let i = 0; i + 3 < bytes.length; i++) {
    for (let j = 0; j < 4; j++) if (bytes[i + j] !== CRLF_CRLF[j]) continue outer;
    return i;
  }
  return -1;
}

/** tshark prints bytes as `4f:50:54`. */
function hexBytes(text: string | undefined): Uint8Array {
  if (!text) return new Uint8Array(0);
  return Uint8Array.from(text.split(":"), (h) => parseInt(h, 16));
}

/** Rule 6: a datagram holds exactly one message whose Content-Length matches its body. */
function datagramProblems(payload: Uint8Array, contentLength: string | undefined): string[] {
  if (contentLength === undefined) {
    return ["Content-Length missing (the lab always writes it; RFC 3261 §20.14)"];
  }
  const headerEnd = indexOfCrlfCrlf(payload);
  if (headerEnd < 0) return [];
  if (!/^\d+$/.test(contentLength.trim())) {
    return [`Content-Length "${contentLength}" is not a number (RFC 3261 §20.14)`];
  }
  const declared = Number(contentLength.trim());
  const body = payload.length - (headerEnd + 4);
  if (declared !== body) {
    return [`Content-Length ${declared} but the datagram carries ${body} body octets (§18.3)`];
  }
  return [];
}

function isOnlyCrlf(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes.every((b) => b === 13 || b === 10);
}

interface FrameView {
  frame: number;
  transport: "udp" | "tcp";
  payload: Uint8Array;
  layers: JsonObject;
}

function sipMessages(view: FrameView, lowerExperts: ExpertInfo[]): SipPacket[] {
  const sipLayers = asList(view.layers["sip"]).filter(isObject);
  const frameMalformed = view.layers["_ws.malformed"] !== undefined;
  const lower = lowerExperts.map(expertText);
  return sipLayers.map((sip): SipPacket => {
    const experts: ExpertInfo[] = [];
    const malformed = scan(sip, "sip", experts) || frameMalformed;
    const requestLine = sip["sip.Request-Line_tree"];
    const statusLine = sip["sip.Status-Line_tree"];
    const method = isObject(requestLine) ? firstString(requestLine["sip.Method"]) : undefined;
    const statusText = isObject(statusLine)
      ? firstString(statusLine["sip.Status-Code"])
      : undefined;
    const lineTree = isObject(requestLine) ? requestLine : isObject(statusLine) ? statusLine : {};
    const resend = firstString(lineTree["sip.resend"]);
    const headersNode = sip["sip.msg_hdr_tree"];
    const headers = isObject(headersNode) ? headersNode : {};
    const problems = expertProblems(experts);
    if (malformed) problems.unshift("tshark: Malformed Packet");
    if (method === undefined && statusText === undefined) {
      problems.push("neither a Request-Line nor a Status-Line (RFC 3261 §7)");
    }
    problems.push(...headerProblems(headers, method));
    if (view.transport === "udp" && sipLayers.length > 1) {
      problems.push(`${sipLayers.length} messages in one datagram (RFC 3261 §18.1.1)`);
    } else if (view.transport === "udp") {
      const contentLength = firstString(headers["sip.Content-Length"]);
      problems.push(...datagramProblems(view.payload, contentLength));
    }
    return {
      frame: view.frame,
      transport: view.transport,
      kind: method !== undefined ? "request" : statusText !== undefined ? "response" : "other",
      method,
      status: statusText === undefined ? undefined : Number(statusText),
      callId: firstString(headers["sip.Call-ID"]),
      cseq: firstString(headers["sip.CSeq"]),
      resent: resend === "1",
      malformed,
      expert: [...lower, ...experts.map(expertText)],
      problems,
    };
  });
}

function frameView(layers: JsonObject): FrameView | undefined {
  const frameLayer = layers["frame"];
  const frame = Number(isObject(frameLayer) ? firstString(frameLayer["frame.number"]) : NaN);
  const udp = layers["udp"];
  const tcp = layers["tcp"];
  if (isObject(udp)) {
    return { frame, transport: "udp", payload: hexBytes(firstString(udp["udp.payload"])), layers };
  }
  if (isObject(tcp)) {
    return { frame, transport: "tcp", payload: hexBytes(firstString(tcp["tcp.payload"])), layers };
  }
  return undefined;
}

const TCP_RETRANSMISSION = /^tcp\.analysis\.(fast_|spurious_)?retransmission$/;

/** Judges one frame: its SIP messages, or what its non-SIP payload is. */
function judgeFrame(layers: JsonObject): SipPacket[] {
  const view = frameView(layers);
  if (!view) return [];
  const lowerExperts: ExpertInfo[] = [];
  for (const name of ["frame", "ip", "ipv6", "udp", "tcp"]) {
    const layer = layers[name];
    if (layer !== undefined) scan(layer, name, lowerExperts);
  }
  if (layers["sip"] !== undefined) return sipMessages(view, lowerExperts);
  if (view.payload.length === 0) return [];
  const tcp = layers["tcp"];
  if (view.transport === "tcp" && isObject(tcp)) {
    // A segment whose message completes in a later frame is judged in that frame.
    if (tcp["tcp.reassembled_in"] !== undefined) return [];
    if (hasKey(tcp, (key) => TCP_RETRANSMISSION.test(key))) return [];
  }
  const base = {
    frame: view.frame,
    transport: view.transport,
    resent: false,
    malformed: layers["_ws.malformed"] !== undefined,
    expert: lowerExperts.map(expertText),
  };
  if (isOnlyCrlf(view.payload)) return [{ ...base, kind: "keepalive", problems: [] }];
  const incomplete = isObject(tcp) && tcp["tcp.segment_data"] !== undefined;
  return [{
    ...base,
    kind: "other",
    problems: [
      incomplete
        ? `TCP data that never completes a SIP message (${view.payload.length} octets)`
        : `payload not dissected as SIP (${view.payload.length} octets)`,
    ],
  }];
}

/**
 * Builds the per-message view and summary from `tshark -2 -T json --no-duplicate-keys` output.
 *
 * @example
 * ```ts
 * const { packets } = dissectionFromTsharkJson(jsonText, "");
 * packets.filter((p) => p.problems.length > 0);
 * ```
 */
export function dissectionFromTsharkJson(json: string, expertReport: string): Dissection {
  const frames = json.trim() === "" ? [] : JSON.parse(json) as Json[];
  const packets: SipPacket[] = [];
  let framesWithPayload = 0;
  for (const entry of frames) {
    if (!isObject(entry) || !isObject(entry["_source"])) continue;
    const layers = entry["_source"]["layers"];
    if (!isObject(layers)) continue;
    const judged = judgeFrame(layers);
    if (judged.length > 0) framesWithPayload++;
    packets.push(...judged);
  }
  const summary: DissectionSummary = {
    frames: framesWithPayload,
    messages: 0,
    requests: {},
    responses: {},
    keepalives: 0,
    withProblems: 0,
    expertReport,
  };
  for (const p of packets) {
    if (p.problems.length > 0) summary.withProblems++;
    if (p.kind === "keepalive") summary.keepalives++;
    if (p.kind === "request" && p.method !== undefined) {
      summary.messages++;
      summary.requests[p.method] = (summary.requests[p.method] ?? 0) + 1;
    }
    if (p.kind === "response") {
      summary.messages++;
      const key = String(p.status);
      summary.responses[key] = (summary.responses[key] ?? 0) + 1;
    }
  }
  return { packets, summary };
}

/**
 * Throws an AssertionError listing every message with a problem (module rule). Also throws when
 * no SIP message was captured at all, unless `allowEmpty` — a clean verdict on nothing proves
 * nothing.
 *
 * @example
 * ```ts
 * assertWireClean(await dissect(await capture.stop(), { ports: [5060] }));
 * ```
 */
export function assertWireClean(
  input: Dissection | SipPacket[],
  options: { allowEmpty?: boolean } = {},
): void {
  const packets = Array.isArray(input) ? input : input.packets;
  const messages = packets.filter((p) => p.kind === "request" || p.kind === "response");
  if (messages.length === 0 && !options.allowEmpty) {
    throw new AssertionError({ message: "no SIP message was captured" });
  }
  const bad = packets.filter((p) => p.problems.length > 0);
  if (bad.length === 0) return;
  const lines = bad.map((p) => {
    const what = p.method ?? (p.status !== undefined ? String(p.status) : p.kind);
    return `frame ${p.frame} (${p.transport} ${what}): ${p.problems.join("; ")}`;
  });
  throw new AssertionError({
    message: `${bad.length} of ${packets.length} captured SIP packets are not clean:\n` +
      lines.join("\n"),
  });
}
