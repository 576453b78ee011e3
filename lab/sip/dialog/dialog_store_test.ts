import assert from "node:assert/strict";
import { Dialog } from "./dialog.ts";
import { DialogStore } from "./dialog_store.ts";
import { aliceInvite, aliceInviteAtBob, answer, request } from "./test_support/messages.ts";

function inDialogRequest(method: string, toTag: string | undefined, fromTag: string) {
  return request(
    `${method} sip:bob@192.0.2.4 SIP/2.0`,
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKx" + method,
    "Max-Forwards: 70",
    `To: <sip:bob@biloxi.com>${toTag ? ";tag=" + toTag : ""}`,
    `From: <sip:alice@atlanta.com>;tag=${fromTag}`,
    "Call-ID: a84b4c76e66710@pc33.atlanta.com",
    `CSeq: 400000 ${method}`,
  );
}

Deno.test("matchRequest: in-dialog, outside, 481 for unknown, stray ACK (§12.2.2)", () => {
  const store = new DialogStore();
  const d = Dialog.fromUasRequest(aliceInviteAtBob(), "a6c85cf");
  store.add(d);
  assert.deepEqual(store.matchRequest(inDialogRequest("BYE", "a6c85cf", "1928301774")), {
    kind: "dialog",
    dialog: d,
  });
  assert.deepEqual(store.matchRequest(inDialogRequest("INVITE", undefined, "1928301774")), {
    kind: "outside",
  });
  assert.deepEqual(store.matchRequest(inDialogRequest("BYE", "other", "1928301774")), {
    kind: "no-dialog",
    status: 481,
    reason: "Call/Transaction Does Not Exist",
  });
  assert.deepEqual(store.matchRequest(inDialogRequest("ACK", "other", "1928301774")), {
    kind: "stray-ack",
  });
  assert.throws(() => store.add(d), /already held/);
  assert.equal(store.delete(d), true);
  assert.equal(store.delete(d), false);
  assert.equal(
    store.matchRequest(inDialogRequest("BYE", "a6c85cf", "1928301774")).kind,
    "no-dialog",
  );
  assert.equal(store.size, 0);
});

Deno.test("matchResponse: forks become new dialogs, known ones are found", () => {
  const store = new DialogStore();
  const invite = aliceInvite();
  store.trackCreatingRequest(invite);
  const ringA = answer(invite, 180, "Ringing", { toTag: "A", contact: "<sip:bob@a>" });
  const m1 = store.matchResponse(ringA);
  assert.deepEqual(m1, { kind: "new-dialog", request: invite });
  const a = Dialog.fromUacResponse(invite, ringA);
  store.add(a);
  assert.deepEqual(store.matchResponse(ringA), { kind: "dialog", dialog: a });
  const okB = answer(invite, 200, "OK", { toTag: "B", contact: "<sip:bob@b>" });
  assert.equal(store.matchResponse(okB).kind, "new-dialog");
  const b = Dialog.fromUacResponse(invite, okB);
  store.add(b);
  assert.deepEqual(
    store.forksOf(invite.callId, "1928301774").map((d) => d.id.remoteTag),
    ["A", "B"],
  );
  // No To tag, 100 Trying, a final failure, or an untracked request: nothing.
  assert.equal(store.matchResponse(answer(invite, 100, "Trying")).kind, "none");
  assert.equal(store.matchResponse(answer(invite, 486, "Busy", { toTag: "C" })).kind, "none");
  store.forgetCreatingRequest(invite);
  assert.equal(
    store.matchResponse(answer(invite, 200, "OK", { toTag: "D", contact: "<sip:d>" })).kind,
    "none",
  );
  assert.deepEqual([...store.dialogs()], [a, b]);
});

Deno.test("matchRequest: NOTIFY for a pending SUBSCRIBE finds the creating request (RFC 6665 §4.1.2.4)", () => {
  const store = new DialogStore();
  const subscribe = request(
    "SUBSCRIBE sip:bob@biloxi.com SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKsub1",
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>",
    "From: <sip:alice@atlanta.com>;tag=subtag",
    "Call-ID: sub-call",
    "CSeq: 1 SUBSCRIBE",
    "Event: presence",
    "Expires: 600",
  );
  store.trackCreatingRequest(subscribe);
  const notify = request(
    "NOTIFY sip:alice@pc33.atlanta.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKn1",
    "Max-Forwards: 70",
    "To: <sip:alice@atlanta.com>;tag=subtag",
    "From: <sip:bob@biloxi.com>;tag=notifier1",
    "Call-ID: sub-call",
    "CSeq: 1 NOTIFY",
    "Event: presence",
    "Subscription-State: active;expires=600",
  );
  assert.deepEqual(store.matchRequest(notify), { kind: "creating-request", request: subscribe });
  // Any other method with that To tag is still a 481.
  const info = request(
    "INFO sip:alice@pc33.atlanta.com SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKn2",
    "Max-Forwards: 70",
    "To: <sip:alice@atlanta.com>;tag=subtag",
    "From: <sip:bob@biloxi.com>;tag=notifier1",
    "Call-ID: sub-call",
    "CSeq: 2 INFO",
  );
  assert.equal(store.matchRequest(info).kind, "no-dialog");
});
