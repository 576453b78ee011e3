import assert from "node:assert/strict";
import { parseMessage, type SipRequest, type SipResponse } from "../lab/sip/message/mod.ts";
import { CallUserLog } from "./call_workload_users.ts";

const INVITE = parseMessage(
  "INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\n" +
    "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n" +
    "From: <sip:caller0001@lab.test>;tag=a\r\nTo: <sip:service@127.0.0.1>\r\n" +
    "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
) as SipRequest;

function response(status: number, reason: string): SipResponse {
  return parseMessage(
    `SIP/2.0 ${status} ${reason}\r\n` +
      "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK1\r\n" +
      "From: <sip:caller0001@lab.test>;tag=a\r\nTo: <sip:service@127.0.0.1>;tag=b\r\n" +
      "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n",
  ) as SipResponse;
}

Deno.test("CallUserLog: the call's chart state, INVITE and BYE transactions, newest last", () => {
  let now = 1_000;
  const log = new CallUserLog({ transactionsPerUser: 3, clock: () => now });
  assert.equal(log.inspect("caller0001"), undefined);
  const call = log.started("caller0001");
  const handle = { state: "inviting" };
  call.attach(handle);
  call.inviteSent(INVITE);
  assert.equal(log.inspect("caller0001")?.state, "inviting");
  now = 1_040;
  call.inviteResponse(response(180, "Ringing"));
  handle.state = "ringing";
  now = 1_100;
  call.inviteResponse(response(200, "OK"));
  handle.state = "connected";
  let detail = log.inspect("caller0001");
  assert.equal(detail?.state, "connected");
  assert.equal(detail?.machine, "uacCall");
  assert.deepEqual(detail?.recent.transactions, [
    { at: 1_000, method: "INVITE", direction: "out", status: 200, durationMs: 100 },
  ]);
  // Inspected first while inviting: the messages from then on are kept, not the INVITE.
  assert.deepEqual(detail?.recent.messages.map((m) => m.summary), [
    "SIP/2.0 180 Ringing",
    "SIP/2.0 200 OK",
  ]);
  now = 1_500;
  call.byeSent("sip:uas@127.0.0.1:5060");
  now = 1_510;
  call.byeEnded();
  handle.state = "completed";
  log.ended("caller0001", call, { ok: true, status: 200, setupMs: 100 });
  handle.state = "changed after the end"; // the log keeps the final state, not the call
  now = 2_000;
  const refused = log.started("caller0001");
  refused.inviteSent(INVITE);
  refused.inviteResponse(response(503, "Service Unavailable"));
  log.ended("caller0001", refused, { ok: false, status: 503 });
  refused.attach({ state: "failed" }); // a call that ended before its handle came back
  const lost = log.started("caller0001");
  lost.inviteSent(INVITE);
  lost.attach({ state: "failed" });
  log.ended("caller0001", lost, { ok: false, reason: "no final response" });
  detail = log.inspect("caller0001");
  assert.equal(detail?.state, "failed");
  // Three kept: the first INVITE fell out of the ring.
  assert.deepEqual(detail?.recent.transactions, [
    { at: 1_500, method: "BYE", direction: "out", durationMs: 10 },
    { at: 2_000, method: "INVITE", direction: "out", status: 503, durationMs: 0 },
    { at: 2_000, method: "INVITE (no final response)", direction: "out" },
  ]);
  assert.throws(() => new CallUserLog({ transactionsPerUser: 0 }), RangeError);
});

Deno.test("CallUserLog: messages only for an inspected user, for a while, with their text", () => {
  let now = 0;
  const log = new CallUserLog({ watchMs: 1_000, messagesPerUser: 3, clock: () => now });
  const first = log.started("caller0001");
  first.inviteSent(INVITE); // nobody looks yet
  assert.equal(log.watched, 0);
  assert.deepEqual(log.inspect("caller0001")?.recent.messages, []);
  assert.equal(log.watched, 1);
  first.inviteResponse(response(180, "Ringing"));
  first.inviteResponse(response(200, "OK"));
  first.byeSent("sip:uas@127.0.0.1:5060");
  first.byeReceived();
  const messages = log.inspect("caller0001")?.recent.messages ?? [];
  assert.deepEqual(messages.map((m) => `${m.direction} ${m.summary}`), [
    "in SIP/2.0 200 OK",
    "out BYE sip:uas@127.0.0.1:5060 SIP/2.0",
    "in BYE (from the far end)",
  ]);
  assert.match(messages[0].text ?? "", /^SIP\/2\.0 200 OK\r\nVia: /);
  // Another user, not inspected, records none.
  const other = log.started("caller0002");
  other.inviteSent(INVITE);
  assert.deepEqual(log.inspect("caller0002")?.recent.messages, []);
  // The watch lapses: the kept messages are dropped, none recorded any more.
  now = 5_000;
  first.inviteResponse(response(200, "OK"));
  log.ended("caller0001", first, { ok: true, status: 200 });
  assert.equal(log.watched, 1);
});

Deno.test("CallUserLog: users in a call listed first; idle users bounded, oldest dropped", () => {
  const log = new CallUserLog({ idleUsers: 3 });
  const calls = new Map<string, ReturnType<CallUserLog["started"]>>();
  for (let i = 1; i <= 6; i++) calls.set(`u${i}`, log.started(`u${i}`));
  assert.equal(log.size, 6); // users in a call are all kept
  for (const id of ["u1", "u2", "u3", "u4"]) log.ended(id, calls.get(id)!, { ok: true });
  // Idle: u1 dropped to keep three; u4 the most recent.
  assert.equal(log.size, 5);
  assert.equal(log.inspect("u1"), undefined);
  assert.deepEqual(log.list(10), ["u5", "u6", "u4", "u3", "u2"]);
  assert.deepEqual(log.list(3), ["u5", "u6", "u4"]);
  // Two calls of one user at once: the latest call's state is shown.
  const again = log.started("u5");
  again.attach({ state: "ringing" });
  log.ended("u5", calls.get("u5")!, { ok: true });
  assert.equal(log.inspect("u5")?.state, "ringing");
  assert.deepEqual(log.list(1), ["u5"]);
});
