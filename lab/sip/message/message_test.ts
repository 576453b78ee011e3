import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "./message.ts";
import type { SipUri } from "./uri.ts";

function invite(): SipRequest {
  return new SipRequest("INVITE", "sip:bob@biloxi.example.com")
    .addHeader("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1")
    .addHeader("From", "<sip:alice@atlanta.example.com>;tag=1")
    .addHeader("To", "<sip:bob@biloxi.example.com>")
    .addHeader("Call-ID", "c@h")
    .addHeader("CSeq", "1 INVITE")
    .addHeader("Contact", "<sip:alice@192.0.2.1>");
}

Deno.test("SipMessage: header lookup by compact or long name, any case", () => {
  const m = invite().addHeader("v", "SIP/2.0/TCP b.example.com;branch=z9hG4bK2");
  assert.equal(m.header("VIA"), "SIP/2.0/UDP a.example.com;branch=z9hG4bK1");
  assert.deepEqual(m.headerValues("v").length, 2);
  assert.equal(m.hasHeader("i"), true);
  assert.equal(m.hasHeader("Subject"), false);
  assert.equal(m.headers[6].name, "Via");
});

Deno.test("SipMessage: structured views follow header changes", () => {
  const m = invite();
  assert.equal(m.topVia.branch, "z9hG4bK1");
  m.prependHeader("Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp");
  assert.deepEqual(m.vias.map((v) => v.branch), ["z9hG4bKp", "z9hG4bK1"]);
  assert.equal(m.removeFirstHeader("via"), true);
  assert.equal(m.topVia.branch, "z9hG4bK1");
  assert.equal(m.to.tag, undefined);
  m.setHeader("To", "<sip:bob@biloxi.example.com>;tag=99");
  assert.equal(m.to.tag, "99");
  m.setHeader("CSeq", "2 INVITE");
  assert.equal(m.cseq.seq, 2);
  m.addHeader("m", "<sip:alice@192.0.2.2>");
  assert.equal(m.contacts.length, 2);
  assert.equal(m.removeHeader("contact"), 2);
  assert.deepEqual(m.contacts, []);
  assert.equal(m.removeHeader("contact"), 0);
  m.removeHeader("via");
  assert.throws(() => m.topVia, /missing Via/);
  m.removeHeader("call-id");
  assert.throws(() => m.callId, /missing Call-ID/);
});

Deno.test("SipRequest.requestUri is parsed and re-parsed when uri changes", () => {
  const m = invite();
  assert.equal((m.requestUri as SipUri).user, "bob");
  assert.equal(m.requestUri, m.requestUri, "cached");
  m.uri = "sip:carol@chicago.example.com;transport=tcp";
  assert.equal((m.requestUri as SipUri).user, "carol");
  assert.equal((m.requestUri as SipUri).params.get("transport"), "tcp");
  m.uri = "not a uri";
  assert.throws(() => m.requestUri);
});

Deno.test("SipResponse carries status, reason and version", () => {
  const r = new SipResponse(486, "Busy Here");
  assert.equal(r.kind, "response");
  assert.equal(r.version, "SIP/2.0");
  assert.equal(r.body.length, 0);
});
