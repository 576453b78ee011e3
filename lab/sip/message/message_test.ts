import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "./message.ts";
import type { SipUri } from "./uri.ts";
import { firstViaParmEnd, formatVia, parseViaList, withViaParams } from "./header_values.ts";

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

Deno.test("replaceTopVia: the first via-parm is rewritten, the parsed view agrees with a parse", () => {
  const m = new SipRequest("INVITE", "sip:bob@biloxi.example.com")
    .addHeader("Max-Forwards", "70")
    .addHeader("Via", 'SIP/2.0/udp 10.1.1.1:4540;rport;x="a,b" , SIP/2.0/TCP b.example.com')
    .addHeader("Via", "SIP/2.0/UDP c.example.com;branch=z9hG4bKc");
  const stamped = withViaParams(m.topVia, [["rport", "9988"], ["received", "192.0.2.1"]]);
  m.replaceTopVia(stamped);
  assert.deepEqual(m.headerValues("via"), [
    'SIP/2.0/UDP 10.1.1.1:4540;rport=9988;x="a,b";received=192.0.2.1, SIP/2.0/TCP b.example.com',
    "SIP/2.0/UDP c.example.com;branch=z9hG4bKc",
  ]);
  assert.deepEqual(m.headers.map((h) => h.key), ["max-forwards", "via", "via"]);
  const single = new SipRequest("OPTIONS", "sip:a@b").addHeader("Max-Forwards", "70")
    .addHeader("v", "SIP/2.0/UDP h;branch=z9hG4bK9");
  single.replaceTopVia(withViaParams(single.topVia, [["received", "192.0.2.7"]]));
  assert.deepEqual(
    single.headers.map((h) => [h.name, h.value]),
    [["Via", "SIP/2.0/UDP h;branch=z9hG4bK9;received=192.0.2.7"], ["Max-Forwards", "70"]],
    "a lone Via goes to the top, as removeFirstHeader + prependHeader would put it",
  );
  assert.equal(m.topVia, stamped, "the view kept, not parsed again");
  const reparsed = parseViaList(m.headerValues("via").join(", "));
  assert.deepEqual(m.vias, reparsed);
  assert.equal(m.topVia.rport, 9988);
  assert.equal(m.topVia.received, "192.0.2.1");
  assert.throws(() => new SipRequest("OPTIONS", "sip:a@b").replaceTopVia(stamped), /missing Via/);
});

Deno.test("withViaParams: existing names keep spelling and place; conveniences follow", () => {
  const top = parseViaList("SIP/2.0/UDP h:5060;RPort;branch=z9hG4bK1;ttl=3")[0];
  const v = withViaParams(top, [["rport", "7000"], ["branch", "z9hG4bK2"], ["maddr", "m"]]);
  assert.deepEqual([...v.params], [
    ["RPort", "7000"],
    ["branch", "z9hG4bK2"],
    ["ttl", "3"],
    ["maddr", "m"],
  ]);
  assert.deepEqual(v, parseViaList(formatVia(v))[0]);
  assert.equal(top.branch, "z9hG4bK1", "the original is untouched");
  assert.equal(top.rport, null);
  assert.equal(firstViaParmEnd('SIP/2.0/UDP a;x="1,2", SIP/2.0/UDP b'), 21);
  assert.equal(firstViaParmEnd("SIP/2.0/UDP a"), 13);
});

Deno.test("copyVias: values in order; a Via-less message shares the parsed views", () => {
  const req = invite().addHeader("v", "SIP/2.0/TCP b.example.com;branch=z9hG4bK2");
  assert.equal(req.vias.length, 2); // parsed, as the parser leaves a received request
  const res = new SipResponse(200, "OK").copyVias(req);
  assert.deepEqual(res.headerValues("via"), req.headerValues("via"));
  assert.equal(res.headers[0].name, "Via");
  assert.deepEqual(res.vias, parseViaList(res.headerValues("via").join(",")));
  assert.equal(res.topVia, req.topVia, "shared, not parsed again");
  const unparsed = invite();
  const fresh = new SipResponse(180, "Ringing").copyVias(unparsed);
  assert.equal(fresh.topVia.branch, "z9hG4bK1", "parsed on demand when the source had no view");
  const twice = new SipResponse(200, "OK").copyVias(req).copyVias(unparsed);
  assert.deepEqual(twice.vias.map((v) => v.branch), ["z9hG4bK1", "z9hG4bK2", "z9hG4bK1"]);
});
