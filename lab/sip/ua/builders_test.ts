import assert from "node:assert/strict";
import { SipRequest } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import { serializeMessage } from "../message/serializer.ts";
import { reasonPhrase } from "./reason_phrases.ts";
import { buildOutOfDialogRequest } from "./request_builder.ts";
import { buildResponse } from "./response_builder.ts";

/** RFC 3261 §24.2 F1, as it reaches Bob (two Via values, Record-Route). */
const F1 = [
  "INVITE sip:bob@biloxi.example.com SIP/2.0",
  "Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1",
  "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1",
  "Max-Forwards: 69",
  "Record-Route: <sip:bigbox3.site3.atlanta.example.com;lr>",
  "To: Bob <sip:bob@biloxi.example.com>",
  "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
  "Call-ID: a84b4c76e66710",
  "CSeq: 314159 INVITE",
  "Contact: <sip:alice@pc33.atlanta.example.com>",
  "Content-Length: 0",
].join("\r\n") + "\r\n\r\n";

Deno.test("§8.2.6.2: Via values in order, From, To with the new tag, Call-ID, CSeq", () => {
  const invite = parseMessage(F1) as SipRequest;
  const ringing = buildResponse(invite, 180, "Ringing", "a6c85cf");
  assert.equal(
    new TextDecoder().decode(serializeMessage(ringing)),
    [
      "SIP/2.0 180 Ringing",
      "Via: SIP/2.0/UDP bigbox3.site3.atlanta.example.com;branch=z9hG4bK77ef4c2312983.1",
      "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bKnashds8;received=192.0.2.1",
      "From: Alice <sip:alice@atlanta.example.com>;tag=1928301774",
      "To: Bob <sip:bob@biloxi.example.com>;tag=a6c85cf",
      "Call-ID: a84b4c76e66710",
      "CSeq: 314159 INVITE",
      "Content-Length: 0",
      "",
      "",
    ].join("\r\n"),
  );
  // A To that already has a tag keeps it; no tag given, none added.
  const inDialog = buildResponse(
    parseMessage(F1.replace("biloxi.example.com>", "biloxi.example.com>;tag=x9")) as SipRequest,
    200,
    "OK",
    "other",
  );
  assert.equal(inDialog.to.tag, "x9");
  assert.equal(buildResponse(invite, 100, "Trying").to.tag, undefined);
});

Deno.test("§8.2.6.2 on a partial request: whatever is there is copied, an unreadable To untouched", () => {
  const partial = new SipRequest("OPTIONS", "sip:bob@biloxi.example.com");
  partial.addHeader("Via", "SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1");
  partial.addHeader("To", "<sip:bob@biloxi.example.com");
  partial.addHeader("CSeq", "nonsense");
  const res = buildResponse(partial, 400, "Bad Request - Malformed To", "t1");
  assert.deepEqual(res.headers.map((h) => `${h.name}: ${h.value}`), [
    "Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK1",
    "To: <sip:bob@biloxi.example.com",
    "CSeq: nonsense",
  ]);
});

Deno.test("§8.1.1: an out-of-dialog request with From tag, Call-ID, CSeq 1, Max-Forwards, Contact", () => {
  const defaults = {
    contact: "<sip:alice@192.0.2.1:5062>",
    allow: "INVITE, ACK, BYE, CANCEL",
    supported: "timer",
  };
  const invite = buildOutOfDialogRequest("INVITE", {
    to: "Bob <sip:bob@biloxi.example.com>",
    from: "sip:alice@atlanta.example.com",
    body: "v=0\r\n",
    contentType: "application/sdp",
    headers: [["Subject", "lunch"]],
  }, defaults);
  assert.equal(invite.uri, "sip:bob@biloxi.example.com");
  assert.equal(invite.header("to"), '"Bob" <sip:bob@biloxi.example.com>');
  assert.match(invite.header("from")!, /^<sip:alice@atlanta\.example\.com>;tag=[0-9a-f]{16}$/);
  assert.match(invite.callId, /^[0-9a-f]{32}$/);
  assert.deepEqual(invite.cseq, { seq: 1, method: "INVITE" });
  assert.equal(invite.header("max-forwards"), "70");
  assert.equal(invite.header("contact"), "<sip:alice@192.0.2.1:5062>");
  assert.equal(invite.header("allow"), "INVITE, ACK, BYE, CANCEL");
  assert.equal(invite.header("supported"), "timer");
  assert.equal(invite.header("subject"), "lunch");
  assert.equal(invite.header("content-type"), "application/sdp");
  assert.equal(new TextDecoder().decode(invite.body), "v=0\r\n");
  assert.equal(invite.hasHeader("via"), false, "Via is the core's, at send time");

  const message = buildOutOfDialogRequest("MESSAGE", {
    to: "sip:bob@192.0.2.4;transport=tcp",
    from: "<sip:alice@atlanta.example.com>;tag=fixed",
    requestUri: "sip:bob@192.0.2.4:5070;transport=tcp",
    callId: "c1",
    cseq: 7,
  }, { ...defaults, supported: "" });
  assert.equal(message.uri, "sip:bob@192.0.2.4:5070;transport=tcp");
  assert.equal(message.header("to"), "<sip:bob@192.0.2.4;transport=tcp>");
  assert.equal(message.from.tag, "fixed");
  assert.deepEqual(message.cseq, { seq: 7, method: "MESSAGE" });
  assert.equal(message.hasHeader("contact"), false);
  assert.equal(message.hasHeader("allow"), false);
  assert.equal(message.hasHeader("supported"), false);

  assert.throws(() =>
    buildOutOfDialogRequest("OPTIONS", { to: "<sip:b@x>;tag=1", from: "sip:a@y" }, defaults)
  );
  assert.throws(() =>
    buildOutOfDialogRequest("MESSAGE", { to: "sip:b@x", from: "sip:a@y", body: "hi" }, defaults)
  );
});

Deno.test("reason phrases: RFC 3261 §21 and extensions, class names otherwise", () => {
  assert.equal(reasonPhrase(180), "Ringing");
  assert.equal(reasonPhrase(481), "Call/Transaction Does Not Exist");
  assert.equal(reasonPhrase(487), "Request Terminated");
  assert.equal(reasonPhrase(489), "Bad Event");
  assert.equal(reasonPhrase(499), "Client Error");
  assert.equal(reasonPhrase(699), "Global Failure");
});
