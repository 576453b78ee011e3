import assert from "node:assert/strict";
import { assertWireClean, dissectionFromTsharkJson } from "./sip_wire_check.ts";

// Synthetic frames shaped like `tshark -2 -T json --no-duplicate-keys` output (tshark 4.0).
type Node = string | Node[] | { [key: string]: Node };

const NOTE = "4194304";
const WARN = "6291456";
const CHAT = "2097152";
const UNDECODED = "83886080";
const MALFORMED = "117440512";
const PROTOCOL = "150994944";

function hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, "0")).join(
    ":",
  );
}

function expert(message: string, severity: string, group: string): Node {
  return {
    "_ws.expert": {
      "sip.some_expert": "",
      "_ws.expert.message": message,
      "_ws.expert.severity": severity,
      "_ws.expert.group": group,
    },
  };
}

const REQUEST_HEADERS: Record<string, Node> = {
  "sip.Via": "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1",
  "sip.Max-Forwards": "70",
  "sip.From": "<sip:a@lab.example>;tag=1",
  "sip.To": "<sip:b@lab.example>",
  "sip.Call-ID": "c1",
  "sip.CSeq": "1 OPTIONS",
  "sip.Content-Length": "0",
};

const OPTIONS_TEXT = "OPTIONS sip:b@lab.example SIP/2.0\r\nVia: x\r\nContent-Length: 0\r\n\r\n";

function sipRequest(method: string, headers: Record<string, Node>): Node {
  return {
    "sip.Request-Line": `${method} sip:b@lab.example SIP/2.0`,
    "sip.Request-Line_tree": { "sip.Method": method, "sip.resend": "0" },
    "sip.msg_hdr_tree": headers,
  };
}

function udpFrame(number: number, payload: string, sip?: Node, extra: Record<string, Node> = {}) {
  const layers: Record<string, Node> = {
    frame: { "frame.number": String(number) },
    ip: {},
    udp: { "udp.payload": hex(payload) },
    ...extra,
  };
  if (sip !== undefined) layers.sip = sip;
  return { _source: { layers } };
}

function judge(...frames: unknown[]) {
  return dissectionFromTsharkJson(JSON.stringify(frames), "report");
}

Deno.test("wire check: a complete request is clean; fields are reported", () => {
  const { packets, summary } = judge(
    udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", REQUEST_HEADERS)),
  );
  assert.equal(packets.length, 1);
  assert.deepEqual(packets[0], {
    frame: 1,
    transport: "udp",
    kind: "request",
    method: "OPTIONS",
    status: undefined,
    callId: "c1",
    cseq: "1 OPTIONS",
    resent: false,
    malformed: false,
    expert: [],
    problems: [],
  });
  assert.deepEqual(summary.requests, { OPTIONS: 1 });
  assert.equal(summary.expertReport, "report");
  assertWireClean(packets);
});

Deno.test("wire check: extension headers' Undecoded notes pass, a colon-less line does not", () => {
  const headers = {
    ...REQUEST_HEADERS,
    "X-Lab: 1": expert("Unrecognised SIP header (x-lab)", NOTE, UNDECODED),
  };
  const clean = judge(udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", headers)));
  assert.deepEqual(clean.packets[0].problems, []);
  assert.deepEqual(clean.packets[0].expert, [
    "Note/Undecoded (sip): Unrecognised SIP header (x-lab)",
  ]);
  const noColon = {
    ...REQUEST_HEADERS,
    "Via SIP/2.0/UDP h": expert("Unrecognised SIP header (via sip/2.0/udp h)", NOTE, UNDECODED),
  };
  const bad = judge(udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", noColon)));
  assert.match(bad.packets[0].problems.join(), /header line without a colon/);
});

Deno.test("wire check: Warning, Error and Malformed-group experts are errors; Chat is not", () => {
  const cases: [Node, boolean][] = [
    [expert("Invalid content_length", NOTE, MALFORMED), true],
    [expert("Session ID cannot be empty", WARN, PROTOCOL), true],
    [expert("Request: OPTIONS", CHAT, "67108864"), false],
  ];
  for (const [info, isError] of cases) {
    const headers = { ...REQUEST_HEADERS, "sip.Content-Length_tree": info };
    const { packets } = judge(udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", headers)));
    assert.equal(packets[0].problems.length > 0, isError, JSON.stringify(info));
  }
});

Deno.test("wire check: missing, repeated and malformed mandatory headers", () => {
  const { Via: _via, ...noVia } = Object.fromEntries(
    Object.entries(REQUEST_HEADERS).map(([k, v]) => [k.slice(4), v]),
  );
  const response = {
    "sip.Status-Line": "SIP/2.0 200 OK",
    "sip.Status-Line_tree": { "sip.Status-Code": "200", "sip.resend": "1" },
    "sip.msg_hdr_tree": Object.fromEntries(
      Object.entries(noVia).filter(([k]) => k !== "Max-Forwards").map(([k, v]) => [`sip.${k}`, v]),
    ),
  };
  const text = "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n";
  const [res] = judge(udpFrame(1, text, response)).packets;
  assert.equal(res.kind, "response");
  assert.equal(res.status, 200);
  assert.equal(res.resent, true);
  assert.deepEqual(res.problems, ["missing Via (RFC 3261 §8.2.6.2)"]);

  const twice = { ...REQUEST_HEADERS, "sip.CSeq": ["1 OPTIONS", "2 OPTIONS"] };
  assert.deepEqual(
    judge(udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", twice))).packets[0]
      .problems,
    ["CSeq appears 2 times (RFC 3261 §7.3.1)"],
  );

  const huge = { ...REQUEST_HEADERS, "sip.CSeq": "4294967296 OPTIONS" };
  assert.match(
    judge(udpFrame(1, OPTIONS_TEXT, sipRequest("OPTIONS", huge))).packets[0].problems.join(),
    /not a 32-bit number/,
  );
});

Deno.test("wire check: datagram Content-Length must match the body", () => {
  const body = "hello";
  const text = `MESSAGE sip:b@lab.example SIP/2.0\r\nContent-Length: 5\r\n\r\n${body}`;
  const headers = { ...REQUEST_HEADERS, "sip.CSeq": "1 MESSAGE", "sip.Content-Length": "5" };
  assert.deepEqual(
    judge(udpFrame(1, text, sipRequest("MESSAGE", headers))).packets[0].problems,
    [],
  );
  const short = judge(udpFrame(1, text.slice(0, -1), sipRequest("MESSAGE", headers)));
  assert.deepEqual(short.packets[0].problems, [
    "Content-Length 5 but the datagram carries 4 body octets (§18.3)",
  ]);
  const { "sip.Content-Length": _cl, ...withoutLength } = headers;
  const missing = judge(udpFrame(1, text, sipRequest("MESSAGE", withoutLength)));
  assert.match(missing.packets[0].problems.join(), /Content-Length missing/);
});

Deno.test("wire check: TCP continuation segments, retransmissions and keep-alives", () => {
  const tcpFrame = (number: number, tcp: Record<string, Node>) => ({
    _source: { layers: { frame: { "frame.number": String(number) }, tcp } },
  });
  const { packets, summary } = judge(
    // First half of a message completed in frame 9: judged there, not here.
    tcpFrame(7, { "tcp.payload": hex("INVITE sip:"), "tcp.reassembled_in": "9" }),
    // Pure ACK.
    tcpFrame(8, { "tcp.len": "0" }),
    tcpFrame(10, {
      "tcp.payload": hex("INVITE sip:"),
      "tcp.analysis": { "tcp.analysis.flags": { "tcp.analysis.retransmission": "" } },
    }),
    tcpFrame(11, { "tcp.payload": hex("\r\n\r\n") }),
    tcpFrame(12, { "tcp.payload": hex("INVITE sip:x"), "tcp.segment_data": hex("INVITE sip:x") }),
  );
  assert.deepEqual(packets.map((p) => [p.frame, p.kind]), [[11, "keepalive"], [12, "other"]]);
  assert.match(packets[1].problems[0], /never completes a SIP message/);
  assert.equal(summary.keepalives, 1);
  assert.equal(summary.frames, 2);
});

Deno.test("assertWireClean: nothing captured is a failure unless allowed", () => {
  assert.throws(() => assertWireClean({ packets: [], summary: judge().summary }), /no SIP message/);
  assertWireClean([], { allowEmpty: true });
  const { packets } = judge(udpFrame(3, "junk", undefined));
  assert.throws(
    () => assertWireClean(packets, { allowEmpty: true }),
    /frame 3 \(udp other\): payload not dissected as SIP \(4 octets\)/,
  );
});
