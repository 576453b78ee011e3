/**
 * Two user agent cores on loopback UDP (real sockets, ephemeral ports): a complete call, a
 * cancelled call, a rejected call and an OPTIONS round trip, checked on both sides.
 */
import assert from "node:assert/strict";
import type { SipResponse } from "../message/message.ts";
import type { Dialog } from "../dialog/mod.ts";
import type { LabPeer } from "./test_support.ts";
import { startPeer, waitUntil } from "./test_support.ts";

/** Alice's INVITE to Bob, with an SDP offer. */
function inviteFrom(alice: LabPeer, bob: LabPeer) {
  return alice.core.createRequest("INVITE", {
    to: `sip:bob@127.0.0.1:${bob.address.port}`,
    from: "Alice <sip:alice@127.0.0.1>",
    body: "v=0\r\n",
    contentType: "application/sdp",
  });
}

/** Records what the caller's callbacks saw as "status dialog-state". */
function callerLog() {
  const seen: string[] = [];
  const finals: { response: SipResponse; dialog?: Dialog }[] = [];
  return {
    seen,
    finals,
    callbacks: {
      onProvisional: (res: SipResponse, dialog?: Dialog) =>
        seen.push(`${res.status} ${dialog?.state ?? "-"}`),
      onFinal: (res: SipResponse, dialog?: Dialog) => {
        seen.push(`${res.status} ${dialog?.state ?? "-"}`);
        finals.push({ response: res, dialog });
      },
    },
  };
}

Deno.test("UDP call: INVITE/180/200/ACK, then BYE/200 ends both dialogs", async () => {
  await using alice = await startPeer("alice", "udp");
  await using bob = await startPeer("bob", "udp");
  const invite = inviteFrom(alice, bob);
  const log = callerLog();
  const sent = alice.core.request(invite, bob.address, log.callbacks);

  await waitUntil(() => bob.agent.acks.length === 1, "the ACK at Bob");
  assert.deepEqual(log.seen, ["180 early", "200 confirmed"]);
  // §8.1.1.7, RFC 3581: the core's Via, with a branch, asking for rport.
  assert.match(
    sent.request.header("via")!,
    /^SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;rport;branch=z9hG4bK/,
  );
  assert.equal(sent.request.header("max-forwards"), "70");
  // Bob's 200 came back through received/rport and carries Contact, Allow and the tag of 180.
  const ok = log.finals[0].response;
  assert.equal(ok.topVia.rport, alice.address.port);
  assert.equal(ok.topVia.received, "127.0.0.1");
  assert.equal(ok.contacts[0].uriText, `sip:bob@127.0.0.1:${bob.address.port}`);
  assert.equal(ok.header("allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
  assert.equal(new TextDecoder().decode(ok.body), "v=0\r\n");
  // §13.2.2.4: the ACK is a new transaction (own branch) with the INVITE's CSeq number.
  const ack = bob.agent.acks[0];
  assert.equal(ack.cseq.seq, invite.cseq.seq);
  assert.equal(ack.cseq.method, "ACK");
  assert.notEqual(ack.topVia.branch, invite.topVia.branch);
  assert.equal(ack.uri, `sip:bob@127.0.0.1:${bob.address.port}`);

  const aliceDialog = log.finals[0].dialog!;
  const [bobDialog] = [...bob.core.dialogs.dialogs()];
  assert.equal(aliceDialog.state, "confirmed");
  assert.equal(bobDialog.state, "confirmed");
  assert.equal(bob.core.usageOf(bobDialog)?.state, "confirmed");
  assert.deepEqual(aliceDialog.id, {
    callId: bobDialog.id.callId,
    localTag: bobDialog.id.remoteTag,
    remoteTag: bobDialog.id.localTag,
  });

  assert.equal(alice.core.hangup(aliceDialog), true);
  await waitUntil(
    () => alice.agent.ended.length === 1 && bob.agent.ended.length === 1,
    "both dialogs to end",
  );
  assert.equal(alice.agent.ended[0].cause, "BYE_COMPLETED");
  assert.equal(bob.agent.ended[0].cause, "BYE_RECEIVED");
  assert.equal(alice.core.dialogs.size, 0);
  assert.equal(bob.core.dialogs.size, 0);
  // The BYE was answered by Bob's core (§15.1.2), not passed to his agent.
  assert.deepEqual(bob.agent.methods, ["INVITE"]);
  assert.equal(bob.metrics.count("localAnswer BYE 200 OK"), 1);
});

Deno.test("UDP call cancelled while ringing: CANCEL 200, INVITE 487, early dialogs end", async () => {
  await using alice = await startPeer("alice", "udp");
  await using bob = await startPeer("bob", "udp");
  bob.agent.inviteAnswer = "ring";
  const log = callerLog();
  const sent = alice.core.request(inviteFrom(alice, bob), bob.address, log.callbacks);
  // §9.1: asked before any provisional response, the CANCEL waits for the 180.
  assert.equal(sent.cancel(), true);
  assert.equal(sent.cancel(), false);

  await waitUntil(() => log.finals.length === 1, "the INVITE's final response");
  assert.equal(log.finals[0].response.status, 487);
  assert.equal(log.finals[0].response.reason, "Request Terminated");
  assert.deepEqual(log.seen, ["180 early", "487 -"]);
  assert.equal(bob.agent.cancels.length, 1);
  assert.equal(bob.metrics.count("localAnswer CANCEL 200 OK"), 1);
  assert.equal(bob.metrics.count("localAnswer INVITE 487 Request Terminated"), 1);
  // The 487 carries the To tag of the 180: the same early dialog ends on both sides.
  const ringing = bob.agent.requests[0].tx.lastResponse!;
  assert.equal(log.finals[0].response.to.tag, ringing.to.tag);
  await waitUntil(
    () => alice.agent.ended.length === 1 && bob.agent.ended.length === 1,
    "both early dialogs to end",
  );
  assert.equal(alice.agent.ended[0].cause, "EARLY_FAILED");
  assert.equal(bob.agent.ended[0].cause, "EARLY_FAILED");
  assert.equal(sent.cancel(), false);
});

Deno.test("UDP call rejected with 486: no dialog survives, the ACK stays in the transaction", async () => {
  await using alice = await startPeer("alice", "udp");
  await using bob = await startPeer("bob", "udp");
  bob.agent.inviteAnswer = "busy";
  const log = callerLog();
  alice.core.request(inviteFrom(alice, bob), bob.address, log.callbacks);

  await waitUntil(() => log.finals.length === 1, "the 486");
  assert.deepEqual(log.seen, ["180 early", "486 -"]);
  assert.equal(log.finals[0].response.reason, "Busy Here");
  await waitUntil(
    () => alice.agent.ended.length === 1 && bob.agent.ended.length === 1,
    "both early dialogs to end",
  );
  // §17.1.1.3: Alice's transaction ACKs the 486; Bob's transaction absorbs it (Confirmed).
  await waitUntil(() => bob.agent.requests[0].tx.state === "Confirmed", "the ACK for the 486");
  assert.deepEqual(bob.agent.acks, []);
  assert.equal(bob.metrics.count("strayAck"), 0);
});

Deno.test("UDP OPTIONS round trip: 200 with To tag and Allow", async () => {
  await using alice = await startPeer("alice", "udp");
  await using bob = await startPeer("bob", "udp");
  const options = alice.core.createRequest("OPTIONS", {
    to: `sip:bob@127.0.0.1:${bob.address.port}`,
    from: "sip:alice@127.0.0.1",
  });
  const log = callerLog();
  const sent = alice.core.request(options, bob.address, log.callbacks);
  await waitUntil(() => log.finals.length === 1, "the 200");
  const ok = log.finals[0].response;
  assert.equal(ok.status, 200);
  assert.equal(ok.reason, "OK");
  assert.ok(ok.to.tag !== undefined && ok.to.tag.length >= 8);
  assert.equal(ok.header("allow"), "INVITE, ACK, BYE, CANCEL, OPTIONS");
  assert.equal(ok.cseq.seq, 1);
  assert.equal(ok.callId, options.callId);
  assert.equal(log.finals[0].dialog, undefined);
  assert.equal(sent.failure, undefined);
  assert.deepEqual(bob.agent.methods, ["OPTIONS"]);
  assert.equal(sent.cancel(), false); // not an INVITE
});
