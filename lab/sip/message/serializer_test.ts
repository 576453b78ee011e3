import assert from "node:assert/strict";
import { messageToString, serializeMessage } from "./serializer.ts";
import { parseMessage } from "./parser.ts";
import { SipRequest, SipResponse } from "./message.ts";

const enc = new TextEncoder();

Deno.test("serializeMessage: start line, canonical names, recomputed Content-Length", () => {
  const req = new SipRequest("MESSAGE", "sip:bob@biloxi.example.com");
  req.addHeader("v", "SIP/2.0/TCP a.example.com;branch=z9hG4bK1");
  req.addHeader("max-forwards", "70");
  req.addHeader("t", "<sip:bob@biloxi.example.com>");
  req.addHeader("F", "<sip:alice@atlanta.example.com>;tag=9");
  req.addHeader("call-id", "c1");
  req.addHeader("cseq", "1 MESSAGE");
  req.addHeader("content-length", "999");
  req.addHeader("www-authenticate", 'Digest realm="x"');
  req.addHeader("ms-client-diagnostics", "52001");
  req.addHeader("content-type", "text/plain");
  req.body = enc.encode("héllo");
  assert.equal(
    messageToString(req),
    [
      "MESSAGE sip:bob@biloxi.example.com SIP/2.0",
      "Via: SIP/2.0/TCP a.example.com;branch=z9hG4bK1",
      "Max-Forwards: 70",
      "To: <sip:bob@biloxi.example.com>",
      "From: <sip:alice@atlanta.example.com>;tag=9",
      "Call-ID: c1",
      "CSeq: 1 MESSAGE",
      "Content-Length: 6",
      'WWW-Authenticate: Digest realm="x"',
      "ms-client-diagnostics: 52001",
      "Content-Type: text/plain",
      "",
      "héllo",
    ].join("\r\n"),
  );
  const bytes = serializeMessage(req);
  assert.deepEqual(bytes, enc.encode(messageToString(req)));
});

Deno.test("serializeMessage: responses and empty bodies", () => {
  const res = new SipResponse(180, "Ringing");
  res.addHeader("Via", "SIP/2.0/UDP h;branch=z9hG4bK2");
  assert.equal(
    new TextDecoder().decode(serializeMessage(res)),
    "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK2\r\nContent-Length: 0\r\n\r\n",
  );
});

Deno.test("serializeMessage: binary bodies are copied byte for byte", () => {
  const res = new SipResponse(200, "OK");
  res.body = new Uint8Array([0, 1, 0xfe, 0xff, 13, 10]);
  const out = serializeMessage(res);
  assert.deepEqual(out.subarray(out.length - 6), res.body);
  assert.ok(new TextDecoder().decode(out).includes("Content-Length: 6\r\n\r\n"));
});

Deno.test("parse → serialize → parse is stable", () => {
  const text = [
    "INVITE sip:bob@biloxi.example.com;transport=tcp SIP/2.0",
    "v: SIP / 2.0 / UDP  a.example.com ;branch=z9hG4bK1, SIP/2.0/TCP b.example.com;branch=z9hG4bK2",
    "MAX-FORWARDS: 070",
    "t: Bob <sip:bob@biloxi.example.com>",
    'f: "A \\"q\\"" <sip:alice@atlanta.example.com>',
    "  ;tag=88",
    "i: k2@h",
    "CSEQ: 7 INVITE",
    "X-Odd: ;;,,",
    "c: application/sdp",
    "l: 4",
    "",
    "v=0\r\n",
  ].join("\r\n");
  const first = parseMessage(text);
  const wire = serializeMessage(first);
  const second = parseMessage(wire);
  assert.deepEqual(serializeMessage(second), wire);
  assert.deepEqual(second.headers, first.headers);
  assert.deepEqual(second.body, first.body);
  assert.deepEqual(second.vias, first.vias);
  assert.deepEqual(second.from, first.from);
  assert.equal(second.header("max-forwards"), "070");
});
