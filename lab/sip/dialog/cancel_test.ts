import assert from "node:assert/strict";
import { createCancel } from "./cancel.ts";
import { aliceInvite, request } from "./test_support/messages.ts";

Deno.test("CANCEL copies Request-URI, Call-ID, To, From, CSeq number, top Via, Route (§9.1)", () => {
  const invite = aliceInvite();
  invite.addHeader("Require", "100rel");
  invite.addHeader("Proxy-Require", "foo");
  const cancel = createCancel(invite);
  assert.equal(cancel.method, "CANCEL");
  assert.equal(cancel.uri, invite.uri);
  assert.equal(cancel.callId, invite.callId);
  assert.equal(cancel.header("to"), invite.header("to"));
  assert.equal(cancel.header("from"), invite.header("from"));
  assert.deepEqual(cancel.cseq, { seq: 314159, method: "CANCEL" });
  assert.deepEqual(cancel.headerValues("via"), [
    "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
  ]);
  assert.deepEqual(cancel.headerValues("route"), ["<sip:p1.atlanta.com;lr>"]);
  assert.equal(cancel.header("max-forwards"), "70");
  assert.equal(cancel.hasHeader("require"), false);
  assert.equal(cancel.hasHeader("proxy-require"), false);
  assert.equal(cancel.hasHeader("authorization"), false);
  assert.equal(cancel.body.length, 0);
});

Deno.test("CANCEL keeps only the top Via and the To tag of a re-INVITE", () => {
  const reinvite = request(
    "INVITE sip:bob@192.0.2.4 SIP/2.0",
    "Via: SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b43, SIP/2.0/UDP other;branch=z9hG4bKold",
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>;tag=a6c85cf",
    "From: <sip:alice@atlanta.com>;tag=1928301774",
    "Call-ID: c2",
    "CSeq: 8 INVITE",
  );
  const cancel = createCancel(reinvite);
  assert.deepEqual(cancel.headerValues("via"), [
    "SIP/2.0/TCP client.atlanta.example.com:5060;branch=z9hG4bK74b43",
  ]);
  assert.equal(cancel.to.tag, "a6c85cf");
  assert.equal(cancel.hasHeader("route"), false);
  assert.throws(() => createCancel(createCancel(reinvite)), /cannot be cancelled/);
});
