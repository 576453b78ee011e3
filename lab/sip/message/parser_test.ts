import assert from "node:assert/strict";
import { parseMessage, type ParseOptions } from "./parser.ts";
import { SipParseError } from "./parse_error.ts";
import { type SipRequest, SipResponse } from "./message.ts";
import type { SipUri } from "./uri.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Builds a message from lines joined with CRLF; `body` follows the empty line. */
function msg(lines: string[], body = ""): string {
  return lines.join("\r\n") + "\r\n\r\n" + body;
}

const OPTIONS = [
  "OPTIONS sip:bob@biloxi.example.com SIP/2.0",
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKhjhs8ass877",
  "Max-Forwards: 70",
  "To: <sip:bob@biloxi.example.com>",
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710",
  "CSeq: 63104 OPTIONS",
];

function request(text: string | Uint8Array, opts?: ParseOptions): SipRequest {
  const m = parseMessage(text, opts);
  assert.equal(m.kind, "request");
  return m as SipRequest;
}

function fails(
  text: string | Uint8Array,
  status: number,
  reason: string,
  opts?: ParseOptions,
): SipParseError {
  try {
    parseMessage(text, opts);
  } catch (e) {
    assert.ok(e instanceof SipParseError, `expected SipParseError, got ${e}`);
    assert.equal(e.status, status);
    assert.equal(e.reason, reason);
    return e;
  }
  throw new Error(`expected ${status} ${reason}, but the message parsed`);
}

Deno.test("parseMessage: request line, headers in order, structured views cached", () => {
  const m = request(msg([...OPTIONS, "Content-Length: 0"]));
  assert.equal(m.method, "OPTIONS");
  assert.equal(m.uri, "sip:bob@biloxi.example.com");
  assert.equal(m.version, "SIP/2.0");
  assert.deepEqual(m.headers.map((h) => h.name), [
    "Via",
    "Max-Forwards",
    "To",
    "From",
    "Call-ID",
    "CSeq",
    "Content-Length",
  ]);
  assert.equal(m.topVia.branch, "z9hG4bKhjhs8ass877");
  assert.equal(m.from.tag, "1928301774");
  assert.equal(m.cseq.seq, 63104);
  assert.equal(m.callId, "a84b4c76e66710");
  assert.equal(m.requestUri.scheme, "sip");
  assert.equal(m.body.length, 0);
});

Deno.test("parseMessage: status line, empty and UTF-8 reason phrases", () => {
  const base = OPTIONS.slice(1).filter((l) => !l.startsWith("Max-Forwards"));
  const ok = parseMessage(msg(["SIP/2.0 200 OK", ...base])) as SipResponse;
  assert.ok(ok instanceof SipResponse);
  assert.equal(ok.status, 200);
  assert.equal(ok.reason, "OK");
  const empty = parseMessage(msg(["SIP/2.0 100 ", ...base])) as SipResponse;
  assert.equal(empty.reason, "");
  // A liberal receiver accepts a missing SP after the code (RFC 4475 §3.1.1.13).
  assert.equal((parseMessage(msg(["SIP/2.0 180", ...base])) as SipResponse).status, 180);
  const utf8 = parseMessage(enc.encode(msg(["SIP/2.0 486 Занято здесь", ...base]))) as SipResponse;
  assert.equal(utf8.reason, "Занято здесь");
  fails(
    msg(["SIP/2.0 4294967301 better not break the receiver", ...base]),
    400,
    "Bad Request - Malformed Status-Code",
  );
  fails(msg(["SIP/2.0 099 Low", ...base]), 400, "Bad Request - Malformed Status-Code");
  fails(msg(["SIP/2.0 20 OK", ...base]), 400, "Bad Request - Malformed Status-Code");
  fails(msg(["SIP/3.0 200 OK", ...base]), 505, "Version Not Supported");
  const missing = fails(msg(["SIP/2.0 200 OK", ...base.slice(1)]), 400, "Missing Via");
  assert.equal(missing.partial, undefined, "responses never carry a partial request");
});

Deno.test("parseMessage: compact forms, case-insensitive names, folding, LWS before colon", () => {
  const m = request(
    msg([
      "INVITE sip:bob@biloxi.example.com SIP/2.0",
      "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1",
      "VIA  : SIP/2.0/TCP b.example.com;branch=z9hG4bK2",
      "max-FORWARDS:\t0070",
      "t: <sip:bob@biloxi.example.com>",
      "f: <sip:alice@atlanta.example.com>",
      " ;tag=77",
      "i: abc@def",
      "cseq: 0009",
      "\t INVITE",
      "Subject: first",
      "   second line",
      "\tthird",
      "m: <sip:alice@192.0.2.1>",
      "k: timer",
      "l: 0",
    ]),
  );
  assert.deepEqual(m.vias.map((v) => v.branch), ["z9hG4bK1", "z9hG4bK2"]);
  assert.equal(m.header("Max-Forwards"), "0070");
  assert.equal(m.from.tag, "77");
  assert.equal(m.header("from"), "<sip:alice@atlanta.example.com> ;tag=77");
  assert.deepEqual(m.cseq, { seq: 9, method: "INVITE" });
  assert.equal(m.header("subject"), "first second line third");
  assert.equal(m.callId, "abc@def");
  assert.equal(m.contacts[0].uriText, "sip:alice@192.0.2.1");
  assert.equal(m.header("supported"), "timer");
  assert.equal(m.headers.find((h) => h.key === "via")!.name, "Via");
  assert.equal(m.headers.find((h) => h.key === "content-length")!.name, "Content-Length");
});

Deno.test("parseMessage: unknown headers and parameters are kept verbatim", () => {
  const m = request(
    msg([
      ...OPTIONS,
      "UnknownHeaderWithUnusualValue: ;;,,;;,;",
      "X-Thing:   spaced   value  ",
      "Subject:",
    ]),
  );
  assert.equal(m.header("unknownheaderwithunusualvalue"), ";;,,;;,;");
  assert.equal(m.header("x-thing"), "spaced   value");
  assert.equal(m.header("subject"), "");
});

Deno.test("parseMessage: §18.3 Content-Length on datagrams", () => {
  // Absent: the body is the rest of the datagram.
  assert.equal(dec.decode(request(msg(OPTIONS, "hello")).body), "hello");
  // Smaller: extra octets are discarded (RFC 4475 §3.1.1.8 dblreq).
  assert.equal(dec.decode(request(msg([...OPTIONS, "Content-Length: 3"], "hello")).body), "hel");
  // Larger: 400, with the partial request for the answer (RFC 4475 §3.1.2.2 clerr).
  const e = fails(
    msg([...OPTIONS, "Content-Length: 9999"], "hello"),
    400,
    "Bad Request - Content-Length larger than message",
  );
  assert.equal(e.partial?.callId, "a84b4c76e66710");
  // Negative, non-numeric, or repeated with different values.
  fails(msg([...OPTIONS, "Content-Length: -999"]), 400, "Bad Request - Malformed Content-Length");
  fails(msg([...OPTIONS, "Content-Length: five"]), 400, "Bad Request - Malformed Content-Length");
  fails(
    msg([...OPTIONS, "Content-Length: 5", "l: 2"], "hello"),
    400,
    "Bad Request - Multiple Content-Length values",
  );
  // Equal repeats are harmless.
  assert.equal(request(msg([...OPTIONS, "Content-Length: 5", "l: 5"], "hello")).body.length, 5);
  // Leading zeros.
  assert.equal(request(msg([...OPTIONS, "Content-Length: 0004"], "hello")).body.length, 4);
});

Deno.test("parseMessage: the body stays bytes (binary and multi-byte UTF-8)", () => {
  const head = enc.encode(
    msg([...OPTIONS, "Content-Type: application/octet-stream", "Content-Length: 6"]),
  );
  const body = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]);
  const bytes = new Uint8Array(head.length + body.length);
  bytes.set(head);
  bytes.set(body, head.length);
  assert.deepEqual(request(bytes).body, body);
  // Content-Length counts octets, not characters.
  const m = request(
    msg([...OPTIONS, "Content-Type: text/plain;charset=utf-8", "Content-Length: 4"], "ééé"),
  );
  assert.deepEqual([...m.body], [0xc3, 0xa9, 0xc3, 0xa9]);
});

Deno.test("parseMessage: mandatory headers (§8.1.1) and single-valued headers", () => {
  for (const [name, line] of OPTIONS.slice(1).map((l) => [l.slice(0, l.indexOf(":")), l])) {
    const e = fails(msg(OPTIONS.filter((l) => l !== line)), 400, `Missing ${name}`);
    assert.ok(e.partial, "a partial request is attached so a 400 can be sent");
  }
  // RFC 2543 peers omit Max-Forwards (RFC 4475 §3.4.1).
  const lenient = request(msg(OPTIONS.filter((l) => !l.startsWith("Max-"))), {
    allowMissingMaxForwards: true,
  });
  assert.equal(lenient.header("max-forwards"), undefined);
  fails(msg([...OPTIONS, "Call-ID: other"]), 400, "Bad Request - Multiple Call-ID values");
  fails(msg([...OPTIONS, "CSeq: 2 OPTIONS"]), 400, "Bad Request - Multiple CSeq values");
  fails(msg([...OPTIONS, "t: <sip:x@y>"]), 400, "Bad Request - Multiple To values");
  fails(msg([...OPTIONS, "Max-Forwards: 5"]), 400, "Bad Request - Multiple Max-Forwards values");
});

Deno.test("parseMessage: structured header faults name the header", () => {
  const swap = (prefix: string, line: string) =>
    OPTIONS.map((l) => (l.startsWith(prefix) ? line : l));
  fails(msg(swap("CSeq", "CSeq: 63104 INVITE")), 400, "Bad Request - CSeq method does not match");
  fails(msg(swap("CSeq", "CSeq: OPTIONS")), 400, "Bad Request - Malformed CSeq");
  fails(msg(swap("Via", "Via: SIP/2.0/UDP")), 400, "Bad Request - Malformed Via");
  fails(
    msg(swap("To", 'To: "Bob <sip:bob@biloxi.example.com>')),
    400,
    "Bad Request - Malformed To",
  );
  fails(msg(swap("From", "From: <sip:alice@>;tag=1")), 400, "Bad Request - Malformed From");
  fails(msg(swap("Call-ID", "Call-ID: a b")), 400, "Bad Request - Malformed Call-ID");
  fails(
    msg(swap("Max-Forwards", "Max-Forwards: 256")),
    400,
    "Bad Request - Malformed Max-Forwards",
  );
  fails(msg([...OPTIONS, "Contact: <sip:a@b>;;"]), 400, "Bad Request - Malformed Contact");
  fails(msg([...OPTIONS, "NoColonHere"]), 400, "Bad Request - Malformed header line");
  fails(msg([...OPTIONS, "Bad Name: x"]), 400, "Bad Request - Malformed header line");
  const folded = OPTIONS.slice();
  folded.splice(1, 0, " orphan continuation");
  fails(msg(folded), 400, "Bad Request - Malformed header line");
});

Deno.test("parseMessage: Request-Line faults (RFC 4475 §3.1.2.7-11, 16)", () => {
  const withLine = (line: string) => msg([line, ...OPTIONS.slice(1)]);
  fails(
    withLine("OPTIONS  sip:bob@biloxi.example.com SIP/2.0"),
    400,
    "Bad Request - Malformed Request-Line",
  );
  fails(
    withLine("OPTIONS sip:bob@biloxi.example.com SIP/2.0 "),
    400,
    "Bad Request - Malformed Request-Line",
  );
  fails(
    withLine("OPTIONS sip:bob@biloxi.example.com"),
    400,
    "Bad Request - Malformed Request-Line",
  );
  fails(
    withLine("OPTIONS <sip:bob@biloxi.example.com> SIP/2.0"),
    400,
    "Bad Request - Malformed Request-URI",
  );
  fails(
    withLine("OPT(IONS sip:bob@biloxi.example.com SIP/2.0"),
    400,
    "Bad Request - Malformed Method",
  );
  fails(
    withLine("OPTIONS sip:bob@biloxi.example.com?Route=%3Csip:x%3E SIP/2.0"),
    400,
    "Bad Request - Headers in Request-URI",
  );
  const v = fails(
    withLine("OPTIONS sip:bob@biloxi.example.com SIP/7.0"),
    505,
    "Version Not Supported",
  );
  assert.equal(v.partial?.topVia.branch, "z9hG4bKhjhs8ass877");
  // §8.2.2.1: unknown Request-URI scheme → 416, unless the element handles it.
  const u = fails(withLine("OPTIONS urn:service:sos SIP/2.0"), 416, "Unsupported URI Scheme");
  assert.equal(u.partial?.method, "OPTIONS");
  assert.equal(
    request(withLine("OPTIONS urn:service:sos SIP/2.0"), { uriSchemes: ["urn"] }).uri,
    "urn:service:sos",
  );
  assert.equal(request(withLine("OPTIONS tel:+1-201-555-0123 SIP/2.0")).requestUri.scheme, "tel");
  // SIP-Version is case-insensitive.
  assert.equal(request(withLine("OPTIONS sip:bob@biloxi.example.com sip/2.0")).version, "sip/2.0");
});

Deno.test("parseMessage: leading CRLFs are ignored (§7.5); bare LF line ends tolerated", () => {
  assert.equal(request("\r\n\r\n" + msg(OPTIONS)).method, "OPTIONS");
  assert.equal(request(OPTIONS.join("\n") + "\n\n").cseq.seq, 63104);
  // A datagram ending right after its last header line, without the empty line.
  assert.equal(request(OPTIONS.join("\r\n") + "\r\n").callId, "a84b4c76e66710");
  fails("\r\n\r\n", 400, "Bad Request - Missing start line");
});

Deno.test("parseMessage: maxSize → 513 Message Too Large", () => {
  const text = msg(OPTIONS, "x".repeat(100));
  fails(text, 513, "Message Too Large", { maxSize: 200 });
  assert.equal(request(text, { maxSize: enc.encode(text).length }).body.length, 100);
});

Deno.test("parseMessage: string and byte input give the same message", () => {
  const text = msg([...OPTIONS, "Subject: café", "Content-Length: 2"], "ok");
  const a = request(text);
  const b = request(enc.encode(text));
  assert.deepEqual(a.headers, b.headers);
  assert.deepEqual(a.body, b.body);
  assert.equal(a.header("subject"), "café");
});

Deno.test("parseMessage: IPv6 references throughout a message (RFC 5118 §4 cases)", () => {
  const lines = [
    "REGISTER sip:[2001:db8::10] SIP/2.0",
    "To: sip:user@example.com",
    "From: sip:user@example.com;tag=81x2",
    "Via: SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111;received=2001:db8::9:255",
    "Call-ID: SSG9559905523997077@hlau_4100",
    "Max-Forwards: 70",
    'Contact: "user" <sip:user@[2001:db8::20]:5070>, <sip:user@[::ffff:192.0.2.10]>',
    "CSeq: 98176 REGISTER",
  ];
  const m = request(msg(lines));
  assert.equal((m.requestUri as SipUri).host, "[2001:db8::10]");
  assert.equal(m.topVia.host, "[2001:db8::9:1]");
  assert.equal(m.topVia.received, "2001:db8::9:255");
  assert.deepEqual(
    m.contacts.map((c) => [(c.uri as SipUri).host, (c.uri as SipUri).port]),
    [["[2001:db8::20]", 5070], ["[::ffff:192.0.2.10]", undefined]],
  );
  // Unbracketed IPv6 in a Request-URI is not a SIP URI (RFC 5118 §4.3 ipv6-bad).
  fails(
    msg(["REGISTER sip:2001:db8::10 SIP/2.0", ...lines.slice(1)]),
    400,
    "Bad Request - Malformed Request-URI",
  );
  // The port inside the brackets is part of the address (RFC 5118 §4.4 port-ambiguous).
  const ambiguous = request(msg(["REGISTER sip:[2001:db8::10:5070] SIP/2.0", ...lines.slice(1)]));
  assert.equal((ambiguous.requestUri as SipUri).port, undefined);
});
