import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../message/message.ts";
import { InviteUsage, type InviteUsageHost } from "./invite_usage.ts";
import { VirtualClock } from "./test_support/virtual_clock.ts";
import {
  aliceInvite,
  aliceInviteAtBob,
  answer,
  bobAnswersAlice,
  request,
} from "./test_support/messages.ts";

function harness(extra: Partial<InviteUsageHost> = {}) {
  const clock = new VirtualClock();
  const retransmits: number[] = [];
  const acks: SipRequest[] = [];
  const requests: SipRequest[] = [];
  const ended: string[] = [];
  const host: InviteUsageHost = {
    scheduler: clock,
    retransmitResponse: () => retransmits.push(clock.now),
    sendAck: (ack) => acks.push(ack),
    sendRequest: (req) => requests.push(req),
    onTerminated: (_usage, cause) => ended.push(cause),
    ...extra,
  };
  return { clock, host, retransmits, acks, requests, ended };
}

function bobAccepts(t1?: number, t2?: number) {
  const h = harness();
  const invite = aliceInviteAtBob();
  const usage = InviteUsage.uas(invite, "a6c85cf", h.host, {
    dialog: { localContact: "<sip:bob@192.0.2.4>" },
    timers: { ...(t1 ? { t1 } : {}), ...(t2 ? { t2 } : {}) },
  });
  const ok = answer(invite, 200, "OK", { toTag: "a6c85cf", contact: "<sip:bob@192.0.2.4>" });
  usage.sendResponse(ok);
  return { ...h, invite, usage, ok };
}

function ackFor(invite: SipRequest, seq = invite.cseq.seq) {
  return request(
    "ACK sip:bob@192.0.2.4 SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKack" + seq,
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>;tag=a6c85cf",
    "From: <sip:alice@atlanta.com>;tag=1928301774",
    `Call-ID: ${invite.callId}`,
    `CSeq: ${seq} ACK`,
  );
}

Deno.test("UAS 2xx retransmission: T1, 2T1, 4T1 … capped at T2, BYE at 64*T1 (§13.3.1.4)", () => {
  const { clock, usage, retransmits, requests, ended } = bobAccepts();
  assert.equal(usage.state, "awaitingAck");
  assert.equal(usage.dialog.state, "confirmed");
  clock.advance(31_999);
  // Intervals 500, 1000, 2000, 4000 (T2), 4000, … from the first send at 0.
  assert.deepEqual(retransmits, [500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500]);
  assert.equal(requests.length, 0);
  clock.advance(1);
  assert.equal(usage.state, "byeSent");
  assert.equal(requests.length, 1);
  assert.equal(requests[0].method, "BYE");
  assert.equal(requests[0].uri, "sip:alice@pc33.atlanta.com");
  assert.equal(clock.pending, 0, "both 2xx timers are gone");
  clock.advance(10_000);
  assert.equal(retransmits.length, 10);
  usage.receiveResponse(answer(requests[0], 200, "OK"));
  assert.equal(usage.state, "terminated");
  assert.equal(usage.dialog.state, "terminated");
  assert.deepEqual(ended, ["BYE_COMPLETED"]);
});

Deno.test("2xx retransmission with other timer values still doubles up to T2", () => {
  const { clock, retransmits } = bobAccepts(100, 400);
  clock.advance(6400);
  assert.deepEqual(retransmits, [
    100,
    300,
    700,
    1100,
    1500,
    1900,
    2300,
    2700,
    3100,
    3500,
    3900,
    4300,
    4700,
    5100,
    5500,
    5900,
    6300,
  ]);
});

Deno.test("the ACK stops 2xx retransmission; an ACK for another CSeq does not", () => {
  const { clock, usage, retransmits, invite } = bobAccepts();
  clock.advance(2000);
  assert.deepEqual(retransmits, [500, 1500]);
  usage.receiveRequest(ackFor(invite, invite.cseq.seq + 5));
  assert.equal(usage.state, "awaitingAck");
  assert.deepEqual(usage.receiveRequest(ackFor(invite)), {
    accepted: true,
    targetRefreshed: false,
  });
  assert.equal(usage.state, "confirmed");
  assert.equal(clock.pending, 0);
  clock.advance(60_000);
  assert.deepEqual(retransmits, [500, 1500]);
});

Deno.test("callee hang-up before the ACK waits for it (§15), then sends BYE", () => {
  const { clock, usage, invite, requests } = bobAccepts();
  assert.equal(usage.hangup(), true);
  assert.equal(usage.state, "awaitingAckThenBye");
  assert.equal(requests.length, 0);
  clock.advance(600);
  usage.receiveRequest(ackFor(invite));
  assert.equal(usage.state, "byeSent");
  assert.deepEqual(requests.map((r) => r.method), ["BYE"]);
  assert.equal(clock.pending, 0);
});

Deno.test("UAC: ACK for the 2xx, the same ACK for each retransmitted 2xx (RFC 6026)", () => {
  const { host, acks } = harness();
  const invite = aliceInvite();
  const ok = bobAnswersAlice(invite, 200, "OK", "a6c85cf");
  const usage = InviteUsage.uac(invite, ok, host);
  assert.equal(usage.state, "confirmed");
  assert.equal(usage.dialog.state, "confirmed");
  assert.equal(acks.length, 1);
  const ack = acks[0];
  assert.deepEqual(ack.cseq, { seq: 314159, method: "ACK" });
  assert.equal(ack.uri, "sip:bob@192.0.2.4");
  assert.deepEqual(ack.headerValues("route"), [
    "<sip:p1.atlanta.com;lr>",
    "<sip:p2.biloxi.com;lr>",
  ]);
  assert.equal(ack.header("authorization"), invite.header("authorization"));
  usage.receiveResponse(bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  usage.receiveResponse(bobAnswersAlice(invite, 200, "OK", "a6c85cf"));
  assert.equal(acks.length, 3);
  assert.ok(acks.every((a) => a === ack), "retransmissions re-trigger the very same ACK");
});

Deno.test("UAC: a re-INVITE's 2xx gets its own ACK and refreshes the target", () => {
  const answerSdp = "v=0\r\no=alice 1 2 IN IP4 192.0.2.1\r\n";
  const { host, acks } = harness({
    ackBody: (res: SipResponse) =>
      res.cseq.seq === 314160 ? { body: answerSdp, contentType: "application/sdp" } : undefined,
  });
  const invite = aliceInvite();
  const usage = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"), host);
  const reinvite = usage.createReinvite();
  assert.deepEqual(reinvite.cseq, { seq: 314160, method: "INVITE" });
  usage.receiveResponse(answer(reinvite, 200, "OK", { contact: "<sip:bob@192.0.2.77>" }));
  assert.equal(acks.length, 2);
  assert.deepEqual(acks[1].cseq, { seq: 314160, method: "ACK" });
  assert.equal(acks[1].uri, "sip:bob@192.0.2.77");
  assert.equal(new TextDecoder().decode(acks[1].body), answerSdp);
  assert.notEqual(acks[1].topVia.branch, acks[0].topVia.branch);
});

Deno.test("UAC early dialog: 1xx then 2xx; non-2xx final or INVITE end terminates it", () => {
  const { host, acks, ended } = harness();
  const invite = aliceInvite();
  const ringing = bobAnswersAlice(invite, 180, "Ringing", "a6c85cf");
  const call = InviteUsage.uac(invite, ringing, host);
  assert.equal(call.state, "early");
  assert.equal(call.dialog.state, "early");
  assert.equal(call.hangup(), false, "an early dialog is cancelled, not BYEd");
  assert.equal(acks.length, 0);
  call.receiveResponse(bobAnswersAlice(invite, 200, "OK", "a6c85cf", "<sip:bob@192.0.2.5>"));
  assert.equal(call.state, "confirmed");
  assert.equal(call.dialog.remoteTarget, "sip:bob@192.0.2.5");
  assert.equal(acks.length, 1);

  const busy = InviteUsage.uac(invite, bobAnswersAlice(invite, 180, "Ringing", "x"), host);
  busy.receiveResponse(answer(invite, 486, "Busy Here", { toTag: "x" }));
  assert.equal(busy.state, "terminated");
  const other = InviteUsage.uac(invite, bobAnswersAlice(invite, 183, "Progress", "y"), host);
  other.inviteEnded();
  assert.equal(other.state, "terminated");
  assert.deepEqual(ended, ["EARLY_FAILED", "EARLY_FAILED"]);
});

Deno.test("BYE received: CSeq-checked, then terminates; out-of-order BYE gets 500", () => {
  const { host, ended } = harness();
  const invite = aliceInvite();
  const call = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"), host);
  const bye = (seq: number) =>
    request(
      "BYE sip:alice@pc33.atlanta.com SIP/2.0",
      "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKbye" + seq,
      "Max-Forwards: 70",
      "From: <sip:bob@biloxi.com>;tag=a6c85cf",
      "To: <sip:alice@atlanta.com>;tag=1928301774",
      `Call-ID: ${invite.callId}`,
      `CSeq: ${seq} BYE`,
    );
  assert.equal(call.receiveRequest(bye(10)).accepted, true);
  assert.equal(call.state, "terminated");
  assert.deepEqual(ended, ["BYE_RECEIVED"]);

  const call2 = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"), host);
  call2.dialog.remoteSeq = 20;
  assert.deepEqual(call2.receiveRequest(bye(19)), {
    accepted: false,
    status: 500,
    reason: "Server Internal Error",
  });
  assert.equal(call2.state, "confirmed");
});

Deno.test("caller hang-up sends BYE (§15.1.1); a BYE timeout also ends the dialog", () => {
  const { host, requests, ended } = harness();
  const invite = aliceInvite();
  const call = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"), host);
  assert.equal(call.hangup(), true);
  assert.equal(call.state, "byeSent");
  const bye = requests[0];
  assert.deepEqual(bye.cseq, { seq: 314160, method: "BYE" });
  assert.equal(call.hangup(), false);
  call.requestTimedOut(bye);
  assert.equal(call.state, "terminated");
  assert.deepEqual(ended, ["BYE_COMPLETED"]);
});

Deno.test("481 or 408 to a request in the dialog ends it (§12.2.1.2); 500 does not", () => {
  const { host } = harness();
  const invite = aliceInvite();
  const call = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "a6c85cf"), host);
  const info = call.dialog.createRequest("INFO");
  call.receiveResponse(answer(info, 500, "Server Internal Error"));
  assert.equal(call.state, "confirmed");
  call.receiveResponse(answer(info, 481, "Call/Transaction Does Not Exist"));
  assert.equal(call.state, "terminated");
  const call2 = InviteUsage.uac(invite, bobAnswersAlice(invite, 200, "OK", "b"), host);
  call2.requestTimedOut(call2.dialog.createRequest("UPDATE"));
  assert.equal(call2.state, "terminated");
});

Deno.test("UAS rejecting the INVITE ends the early dialog; a BYE from the caller ends it too", () => {
  const { host, ended } = harness();
  const invite = aliceInviteAtBob();
  const call = InviteUsage.uas(invite, "t1", host);
  call.sendResponse(
    answer(invite, 180, "Ringing", { toTag: "t1", contact: "<sip:bob@192.0.2.4>" }),
  );
  assert.equal(call.state, "early");
  assert.equal(call.dialog.localContact, "<sip:bob@192.0.2.4>");
  call.sendResponse(answer(invite, 486, "Busy Here", { toTag: "t1" }));
  assert.equal(call.state, "terminated");
  const call2 = InviteUsage.uas(invite, "t2", host);
  const bye = request(
    "BYE sip:bob@192.0.2.4 SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKearlybye",
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>;tag=t2",
    "From: <sip:alice@atlanta.com>;tag=1928301774",
    `Call-ID: ${invite.callId}`,
    "CSeq: 314160 BYE",
  );
  assert.equal(call2.receiveRequest(bye).accepted, true);
  assert.equal(call2.state, "terminated");
  assert.deepEqual(ended, ["EARLY_FAILED", "BYE_RECEIVED"]);
});
