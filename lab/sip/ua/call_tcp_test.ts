/**
 * The basic call over TCP (real loopback connections): INVITE/180/200/ACK, then the callee
 * hangs up (BYE towards the caller's Contact, §12.2.1.1) and both dialogs end.
 */
import assert from "node:assert/strict";
import type { SipResponse } from "../message/message.ts";
import type { Dialog } from "../dialog/mod.ts";
import { startPeer, waitUntil } from "./test_support.ts";

Deno.test("TCP call: INVITE/180/200/ACK, callee's BYE/200 ends both dialogs", async () => {
  await using alice = await startPeer("alice", "tcp");
  await using bob = await startPeer("bob", "tcp");
  const invite = alice.core.createRequest("INVITE", {
    to: `sip:bob@127.0.0.1:${bob.address.port};transport=tcp`,
    from: "sip:alice@127.0.0.1",
  });
  const statuses: number[] = [];
  let answered: { response: SipResponse; dialog?: Dialog } | undefined;
  const sent = alice.core.request(invite, bob.address, {
    onProvisional: (res) => statuses.push(res.status),
    onFinal: (response, dialog) => {
      statuses.push(response.status);
      answered = { response, dialog };
    },
  });
  assert.match(sent.request.header("via")!, /^SIP\/2\.0\/TCP 127\.0\.0\.1:\d+;branch=z9hG4bK/);
  assert.ok(!sent.request.header("via")!.includes("rport"), "rport is asked for over UDP only");

  await waitUntil(() => bob.agent.acks.length === 1, "the ACK at Bob");
  assert.deepEqual(statuses, [180, 200]);
  assert.equal(answered?.dialog?.state, "confirmed");
  assert.equal(
    answered?.response.contacts[0].uriText,
    `sip:bob@127.0.0.1:${bob.address.port};transport=tcp`,
  );
  // Over TCP the transaction retransmits nothing (§17.1.1.2): one INVITE reached Bob.
  assert.deepEqual(bob.agent.methods, ["INVITE"]);

  const [bobDialog] = [...bob.core.dialogs.dialogs()];
  assert.equal(bob.core.hangup(bobDialog), true);
  await waitUntil(
    () => alice.agent.ended.length === 1 && bob.agent.ended.length === 1,
    "both dialogs to end",
  );
  assert.equal(alice.agent.ended[0].cause, "BYE_RECEIVED");
  assert.equal(bob.agent.ended[0].cause, "BYE_COMPLETED");
  assert.equal(alice.core.dialogs.size, 0);
  assert.equal(bob.core.dialogs.size, 0);
});
