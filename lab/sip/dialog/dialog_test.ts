import assert from "node:assert/strict";
import { Dialog } from "./dialog.ts";
import { formatNameAddr } from "../message/header_values.ts";
import {
  aliceInvite,
  aliceInviteAtBob,
  answer,
  bobAnswersAlice,
  request,
} from "./test_support/messages.ts";

Deno.test("UAC dialog from a 2xx: §12.1.2 state, route set reversed", () => {
  const invite = aliceInvite();
  const ok = bobAnswersAlice(invite, 200, "OK", "a6c85cf");
  const d = Dialog.fromUacResponse(invite, ok);
  assert.deepEqual(d.id, {
    callId: "a84b4c76e66710@pc33.atlanta.com",
    localTag: "1928301774",
    remoteTag: "a6c85cf",
  });
  assert.equal(d.role, "uac");
  assert.equal(d.state, "confirmed");
  assert.equal(d.localUri, "sip:alice@atlanta.com");
  assert.equal(d.remoteUri, "sip:bob@biloxi.com");
  assert.equal(d.localSeq, 314159);
  assert.equal(d.remoteSeq, undefined);
  assert.equal(d.remoteTarget, "sip:bob@192.0.2.4");
  // Record-Route: p2, p1 → the UAC's first hop is its own proxy p1.
  assert.deepEqual(d.routeSet.map(formatNameAddr), [
    "<sip:p1.atlanta.com;lr>",
    "<sip:p2.biloxi.com;lr>",
  ]);
  assert.equal(d.secure, false);
  assert.equal(d.localContact, "<sip:alice@pc33.atlanta.com>");
});

Deno.test("UAS dialog from the request: §12.1.1 state, route set in order", () => {
  const invite = aliceInviteAtBob();
  const d = Dialog.fromUasRequest(invite, "a6c85cf", { localContact: "<sip:bob@192.0.2.4>" });
  assert.deepEqual(d.id, {
    callId: "a84b4c76e66710@pc33.atlanta.com",
    localTag: "a6c85cf",
    remoteTag: "1928301774",
  });
  assert.equal(d.state, "early");
  assert.equal(d.localUri, "sip:bob@biloxi.com");
  assert.equal(d.remoteUri, "sip:alice@atlanta.com");
  assert.equal(d.localSeq, undefined);
  assert.equal(d.remoteSeq, 314159);
  assert.equal(d.remoteTarget, "sip:alice@pc33.atlanta.com");
  assert.deepEqual(d.routeSet.map(formatNameAddr), [
    "<sip:p2.biloxi.com;lr>",
    "<sip:p1.atlanta.com;lr>",
  ]);
  assert.deepEqual(d.via, { transport: "UDP", sentBy: "192.0.2.4" });
});

Deno.test("no Record-Route gives an empty route set; no dialog without To tag or from a 3xx", () => {
  const invite = aliceInvite();
  const ok = answer(invite, 200, "OK", { toTag: "x1", contact: "<sip:bob@192.0.2.4>" });
  assert.deepEqual(Dialog.fromUacResponse(invite, ok).routeSet, []);
  assert.throws(() => Dialog.fromUacResponse(invite, answer(invite, 180, "Ringing")));
  assert.throws(() =>
    Dialog.fromUacResponse(invite, answer(invite, 302, "Moved", { toTag: "x2" }))
  );
});

Deno.test("secure flag: sips Request-URI sent over TLS (§12.1.1)", () => {
  const lines = (uri: string, transport: string) =>
    request(
      `INVITE ${uri} SIP/2.0`,
      `Via: SIP/2.0/${transport} pc33.atlanta.com;branch=z9hG4bK1`,
      "Max-Forwards: 70",
      "To: <sips:bob@biloxi.com>",
      "From: <sips:alice@atlanta.com>;tag=1",
      "Call-ID: c1",
      "CSeq: 1 INVITE",
      "Contact: <sips:alice@pc33.atlanta.com>",
    );
  assert.equal(Dialog.fromUasRequest(lines("sips:bob@biloxi.com", "TLS"), "t").secure, true);
  assert.equal(Dialog.fromUasRequest(lines("sip:bob@biloxi.com", "TLS"), "t").secure, false);
  assert.equal(Dialog.fromUasRequest(lines("sips:bob@biloxi.com", "TCP"), "t").secure, false);
});

Deno.test("BYE built field by field per §12.2.1.1 and §15.1.1 (loose routing)", () => {
  const invite = aliceInvite();
  const d = Dialog.fromUacResponse(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  const bye = d.createRequest("BYE");
  assert.equal(bye.method, "BYE");
  // First route has lr: Request-URI is the remote target, Route is the whole route set.
  assert.equal(bye.uri, "sip:bob@192.0.2.4");
  assert.deepEqual(bye.headerValues("route"), [
    "<sip:p1.atlanta.com;lr>",
    "<sip:p2.biloxi.com;lr>",
  ]);
  assert.equal(bye.header("to"), '"Bob" <sip:bob@biloxi.com>;tag=a6c85cf');
  assert.equal(bye.header("from"), '"Alice" <sip:alice@atlanta.com>;tag=1928301774');
  assert.equal(bye.callId, "a84b4c76e66710@pc33.atlanta.com");
  assert.deepEqual(bye.cseq, { seq: 314160, method: "BYE" });
  assert.equal(bye.header("max-forwards"), "70");
  assert.equal(bye.vias.length, 1);
  assert.equal(bye.topVia.transport, "UDP");
  assert.equal(bye.topVia.host, "pc33.atlanta.com");
  assert.match(bye.topVia.branch!, /^z9hG4bK[0-9a-f]{20}$/);
  assert.notEqual(bye.topVia.branch, invite.topVia.branch);
  // BYE is not a target refresh request: no Contact.
  assert.equal(bye.header("contact"), undefined);
  assert.equal(d.localSeq, 314160);
});

Deno.test("strict routing: RFC 3261 §12.2.1.1 example", () => {
  const invite = aliceInvite();
  const ok = answer(invite, 200, "OK", {
    toTag: "b1",
    contact: "<sip:user@remoteua>",
    // The UAC reverses Record-Route: this yields proxy1, proxy2, proxy3;lr, proxy4.
    headers: [["Record-Route", "<sip:proxy4>, <sip:proxy3;lr>, <sip:proxy2>, <sip:proxy1>"]],
  });
  const d = Dialog.fromUacResponse(invite, ok);
  const req = d.createRequest("INFO");
  assert.equal(req.uri, "sip:proxy1");
  assert.deepEqual(req.headerValues("route"), [
    "<sip:proxy2>",
    "<sip:proxy3;lr>",
    "<sip:proxy4>",
    "<sip:user@remoteua>",
  ]);
});

Deno.test("strict routing strips parameters a Request-URI may not carry (§19.1.1)", () => {
  const invite = aliceInvite();
  const ok = answer(invite, 200, "OK", {
    toTag: "b1",
    contact: "<sip:bob@192.0.2.4>",
    headers: [["Record-Route", "<sip:old.example.com;transport=tcp;method=INVITE?x=y>"]],
  });
  const req = Dialog.fromUacResponse(invite, ok).createRequest("BYE");
  assert.equal(req.uri, "sip:old.example.com;transport=tcp");
  assert.deepEqual(req.headerValues("route"), ["<sip:bob@192.0.2.4>"]);
});

Deno.test("CSeq: increments by one, UAS picks an initial value, INVITE/ACK share one", () => {
  const d = Dialog.fromUasRequest(aliceInviteAtBob(), "a6c85cf", {
    localContact: "<sip:bob@192.0.2.4>",
  });
  const first = d.createRequest("INFO").cseq.seq;
  assert.ok(first >= 1 && first < 2 ** 31);
  assert.equal(d.createRequest("UPDATE").cseq.seq, first + 1);
  const reinvite = d.createRequest("INVITE");
  assert.equal(reinvite.cseq.seq, first + 2);
  assert.equal(reinvite.header("contact"), "<sip:bob@192.0.2.4>");
  const ack = d.createRequest("ACK");
  assert.deepEqual(ack.cseq, { seq: first + 2, method: "ACK" });
  assert.equal(d.createRequest("BYE").cseq.seq, first + 3);
  assert.throws(() => d.createRequest("CANCEL"), /createCancel/);
});

Deno.test("ACK for a 2xx (§13.2.2.4): INVITE's CSeq number, new branch, route set, credentials", () => {
  const invite = aliceInvite();
  const d = Dialog.fromUacResponse(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  const ack = d.createAck(invite, { body: "v=0\r\n", contentType: "application/sdp" });
  assert.equal(ack.method, "ACK");
  assert.equal(ack.uri, "sip:bob@192.0.2.4");
  assert.deepEqual(ack.cseq, { seq: 314159, method: "ACK" });
  assert.notEqual(ack.topVia.branch, invite.topVia.branch);
  assert.deepEqual(ack.headerValues("route"), [
    "<sip:p1.atlanta.com;lr>",
    "<sip:p2.biloxi.com;lr>",
  ]);
  assert.equal(ack.header("authorization"), invite.header("authorization"));
  assert.equal(ack.header("content-type"), "application/sdp");
  assert.equal(new TextDecoder().decode(ack.body), "v=0\r\n");
  assert.equal(d.localSeq, 314159, "ACK does not consume a CSeq number");
});

Deno.test("a body needs a Content-Type; extra headers are appended", () => {
  const invite = aliceInvite();
  const d = Dialog.fromUacResponse(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  assert.throws(() => d.createRequest("INFO", { body: "x" }), /Content-Type/);
  const info = d.createRequest("INFO", {
    body: new Uint8Array([1, 2]),
    contentType: "application/octet-stream",
    extraHeaders: [["Info-Package", "dtmf"], ["X-Test", "a"], ["X-Test", "b"]],
  });
  assert.deepEqual(info.headerValues("x-test"), ["a", "b"]);
  assert.equal(info.header("info-package"), "dtmf");
  assert.deepEqual([...info.body], [1, 2]);
});

Deno.test("§12.2.2: out-of-order CSeq gets 500, in-order updates the remote sequence", () => {
  const invite = aliceInviteAtBob();
  const d = Dialog.fromUasRequest(invite, "a6c85cf", { localContact: "<sip:bob@192.0.2.4>" });
  const inDialog = (method: string, seq: number, extra: string[] = []) =>
    request(
      `${method} sip:bob@192.0.2.4 SIP/2.0`,
      "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK" + method + seq,
      "Max-Forwards: 70",
      "To: <sip:bob@biloxi.com>;tag=a6c85cf",
      "From: <sip:alice@atlanta.com>;tag=1928301774",
      "Call-ID: a84b4c76e66710@pc33.atlanta.com",
      `CSeq: ${seq} ${method}`,
      ...extra,
    );
  // The ACK carries the INVITE's number and is not sequence-checked.
  assert.deepEqual(d.receiveRequest(inDialog("ACK", 314159)), {
    accepted: true,
    targetRefreshed: false,
  });
  assert.deepEqual(d.receiveRequest(inDialog("INFO", 314158)), {
    accepted: false,
    status: 500,
    reason: "Server Internal Error",
  });
  assert.equal(d.receiveRequest(inDialog("INFO", 314159)).accepted, false);
  // Gaps are allowed ("higher ... by more than one").
  assert.equal(d.receiveRequest(inDialog("INFO", 314170)).accepted, true);
  assert.equal(d.remoteSeq, 314170);
  assert.equal(d.receiveRequest(inDialog("BYE", 314165)).accepted, false);
  // Target refresh: re-INVITE with a new Contact replaces the remote target; BYE does not.
  const reinvite = inDialog("INVITE", 314171, ["Contact: <sip:alice@198.51.100.7:5070>"]);
  assert.deepEqual(d.receiveRequest(reinvite), { accepted: true, targetRefreshed: true });
  assert.equal(d.remoteTarget, "sip:alice@198.51.100.7:5070");
  d.receiveRequest(inDialog("BYE", 314172, ["Contact: <sip:elsewhere@203.0.113.9>"]));
  assert.equal(d.remoteTarget, "sip:alice@198.51.100.7:5070");
  // UPDATE and NOTIFY are target refresh requests too.
  d.receiveRequest(inDialog("UPDATE", 314173, ["Contact: <sip:alice@203.0.113.1>"]));
  assert.equal(d.remoteTarget, "sip:alice@203.0.113.1");
  d.receiveRequest(inDialog("NOTIFY", 314174, ["Contact: <sip:alice@203.0.113.2>"]));
  assert.equal(d.remoteTarget, "sip:alice@203.0.113.2");
});

Deno.test("UAC dialog: empty remote sequence is set by the first request", () => {
  const invite = aliceInvite();
  const d = Dialog.fromUacResponse(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  const bye = request(
    "BYE sip:alice@pc33.atlanta.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds10",
    "Max-Forwards: 70",
    "From: Bob <sip:bob@biloxi.com>;tag=a6c85cf",
    "To: Alice <sip:alice@atlanta.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.com",
    "CSeq: 231 BYE",
  );
  assert.equal(d.receiveRequest(bye).accepted, true);
  assert.equal(d.remoteSeq, 231);
  // A request for another dialog ID is not this dialog's.
  const other = request(
    "INFO sip:alice@pc33.atlanta.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKnashds11",
    "Max-Forwards: 70",
    "From: Bob <sip:bob@biloxi.com>;tag=zzz",
    "To: Alice <sip:alice@atlanta.com>;tag=1928301774",
    "Call-ID: a84b4c76e66710@pc33.atlanta.com",
    "CSeq: 232 INFO",
  );
  assert.deepEqual(d.receiveRequest(other), {
    accepted: false,
    status: 481,
    reason: "Call/Transaction Does Not Exist",
  });
});

Deno.test("responses in the dialog: 2xx to re-INVITE refreshes the target, 481/408 end it", () => {
  const invite = aliceInvite();
  const d = Dialog.fromUacResponse(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  const reinvite = d.createRequest("INVITE");
  const ok = answer(reinvite, 200, "OK", { contact: "<sip:bob@192.0.2.99>" });
  assert.deepEqual(d.receiveResponse(ok), {
    confirmed: false,
    targetRefreshed: true,
    endsDialog: false,
  });
  assert.equal(d.remoteTarget, "sip:bob@192.0.2.99");
  const info = d.createRequest("INFO");
  // A 2xx to a non-target-refresh request leaves the target alone.
  d.receiveResponse(answer(info, 200, "OK", { contact: "<sip:bob@192.0.2.100>" }));
  assert.equal(d.remoteTarget, "sip:bob@192.0.2.99");
  assert.equal(d.receiveResponse(answer(info, 481, "Call Does Not Exist")).endsDialog, true);
  assert.equal(d.receiveResponse(answer(info, 408, "Request Timeout")).endsDialog, true);
  assert.equal(d.receiveResponse(answer(info, 500, "Server Error")).endsDialog, false);
});

Deno.test("forking: two 1xx with distinct To tags are two early dialogs; the 2xx confirms one", () => {
  const invite = aliceInvite();
  const ringA = answer(invite, 180, "Ringing", { toTag: "forkA", contact: "<sip:bob@a.example>" });
  const ringB = answer(invite, 183, "Session Progress", {
    toTag: "forkB",
    contact: "<sip:bob@b.example>",
  });
  const a = Dialog.fromUacResponse(invite, ringA);
  const b = Dialog.fromUacResponse(invite, ringB);
  assert.equal(a.state, "early");
  assert.equal(b.state, "early");
  assert.notEqual(a.id.remoteTag, b.id.remoteTag);
  assert.equal(a.id.localTag, b.id.localTag);
  // The 2xx from fork B carries Record-Route the 1xx did not: the route set is recomputed.
  const okB = answer(invite, 200, "OK", {
    toTag: "forkB",
    contact: "<sip:bob@b2.example>",
    headers: [["Record-Route", "<sip:edge.b.example;lr>"]],
  });
  assert.deepEqual(b.receiveResponse(okB), {
    confirmed: true,
    targetRefreshed: true,
    endsDialog: false,
  });
  assert.equal(b.state, "confirmed");
  assert.equal(b.remoteTarget, "sip:bob@b2.example");
  assert.deepEqual(b.routeSet.map(formatNameAddr), ["<sip:edge.b.example;lr>"]);
  assert.equal(a.state, "early");
});

Deno.test("a peer without From tag (RFC 2543) gets requests without To tag", () => {
  const invite = request(
    "INVITE sip:bob@192.0.2.4 SIP/2.0",
    "Via: SIP/2.0/UDP old.example.com;branch=z9hG4bKold",
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>",
    "From: <sip:carol@old.example.com>",
    "Call-ID: legacy-1",
    "CSeq: 1 INVITE",
    "Contact: <sip:carol@old.example.com>",
  );
  const d = Dialog.fromUasRequest(invite, "bobtag", { localContact: "<sip:bob@192.0.2.4>" });
  const bye = d.createRequest("BYE");
  assert.equal(bye.header("to"), "<sip:carol@old.example.com>");
  assert.equal(bye.header("from"), "<sip:bob@biloxi.com>;tag=bobtag");
});

Deno.test("UAS confirm adopts the 2xx Contact; a terminated dialog builds nothing", () => {
  const invite = aliceInviteAtBob();
  const d = Dialog.fromUasRequest(invite, "a6c85cf");
  assert.throws(() => d.createRequest("BYE"), /Via template/);
  d.confirm(
    answer(invite, 200, "OK", {
      toTag: "a6c85cf",
      contact: "<sip:bob@192.0.2.4:5062;transport=tcp>",
    }),
  );
  assert.equal(d.state, "confirmed");
  assert.equal(d.localContact, "<sip:bob@192.0.2.4:5062;transport=tcp>");
  assert.deepEqual(d.via, { transport: "TCP", sentBy: "192.0.2.4:5062" });
  const bye = d.createRequest("BYE");
  assert.equal(bye.uri, "sip:alice@pc33.atlanta.com");
  assert.equal(bye.topVia.port, 5062);
  d.terminate();
  assert.throws(() => d.createRequest("BYE"), /terminated/);
});
