import assert from "node:assert/strict";
import type { SipRequest } from "../message/message.ts";
import type { Dialog } from "./dialog.ts";
import { Subscriber, type SubscriberHost, type SubscriptionEnd } from "./subscriber.ts";
import { SubscriptionTable } from "./subscription_table.ts";
import { VirtualClock } from "./test_support/virtual_clock.ts";
import { answer, request } from "./test_support/messages.ts";

function aliceSubscribe(event = "presence", expires = 600) {
  return request(
    "SUBSCRIBE sip:bob@biloxi.com SIP/2.0",
    "Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKsub1",
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>",
    "From: <sip:alice@atlanta.com>;tag=sub-ftag",
    "Call-ID: sub-call-1",
    "CSeq: 100 SUBSCRIBE",
    "Contact: <sip:alice@pc33.atlanta.com>",
    `Event: ${event}`,
    `Expires: ${expires}`,
  );
}

/** A NOTIFY from Bob's presence server in the subscription's dialog. */
function notifyFromBob(
  seq: number,
  state: string,
  opts: { event?: string; fromTag?: string; extra?: string[] } = {},
) {
  return request(
    "NOTIFY sip:alice@pc33.atlanta.com SIP/2.0",
    `Via: SIP/2.0/UDP ps.biloxi.com;branch=z9hG4bKnot${seq}`,
    "Max-Forwards: 70",
    "To: <sip:alice@atlanta.com>;tag=sub-ftag",
    `From: <sip:bob@biloxi.com>;tag=${opts.fromTag ?? "ps-tag"}`,
    "Call-ID: sub-call-1",
    `CSeq: ${seq} NOTIFY`,
    "Contact: <sip:ps.biloxi.com:5070>",
    `Event: ${opts.event ?? "presence"}`,
    `Subscription-State: ${state}`,
    ...(opts.extra ?? []),
  );
}

function harness() {
  const clock = new VirtualClock();
  const sent: Array<{ at: number; req: SipRequest }> = [];
  const notifies: string[] = [];
  const dialogs: Dialog[] = [];
  const ends: SubscriptionEnd[] = [];
  const host: SubscriberHost = {
    scheduler: clock,
    sendRequest: (req) => sent.push({ at: clock.now, req }),
    onDialog: (d) => dialogs.push(d),
    onNotify: (_n, s) => notifies.push(s.state),
    onTerminated: (_s, end) => ends.push(end),
  };
  return { clock, sent, notifies, dialogs, ends, host };
}

function accepted(sub: Subscriber, req: SipRequest, expires: number, status = 202) {
  sub.receiveResponse(
    answer(req, status, status === 202 ? "Accepted" : "OK", {
      toTag: "ps-tag",
      contact: "<sip:ps.biloxi.com:5070>",
      headers: [["Expires", String(expires)]],
    }),
  );
}

Deno.test("subscribe → 202 → NOTIFY active → refresh before expiry (RFC 6665 §4.1.2)", () => {
  const h = harness();
  const subscribe = aliceSubscribe();
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  assert.equal(sub.state, "init");
  assert.equal(h.sent[0].req, subscribe);
  accepted(sub, subscribe, 600);
  assert.equal(sub.state, "notifyWait");
  assert.equal(h.dialogs.length, 1);
  assert.equal(h.dialogs[0].id.remoteTag, "ps-tag");
  assert.deepEqual(sub.receiveNotify(notifyFromBob(1, "active;expires=600")), {
    status: 200,
    reason: "OK",
    headers: [],
  });
  assert.equal(sub.state, "active");
  assert.deepEqual(h.notifies, ["active"]);
  // Refresh 64*T1 = 32 s before the 600 s run out.
  h.clock.advance(567_999);
  assert.equal(h.sent.length, 1);
  h.clock.advance(1);
  assert.equal(h.sent.length, 2);
  const refresh = h.sent[1].req;
  assert.equal(refresh.method, "SUBSCRIBE");
  assert.equal(refresh.uri, "sip:ps.biloxi.com:5070");
  assert.deepEqual(refresh.cseq, { seq: 101, method: "SUBSCRIBE" });
  assert.equal(refresh.to.tag, "ps-tag");
  assert.equal(refresh.from.tag, "sub-ftag");
  assert.equal(refresh.header("event"), "presence");
  assert.equal(refresh.header("expires"), "600");
  assert.equal(refresh.header("contact"), "<sip:alice@pc33.atlanta.com>");
  // The 200 grants only 300 s: the next refresh is due 268 s later, and no expiry before.
  sub.receiveResponse(answer(refresh, 200, "OK", { headers: [["Expires", "300"]] }));
  h.clock.advance(268_000);
  assert.equal(h.sent.length, 3);
  assert.equal(sub.state, "active");
  assert.equal(h.ends.length, 0);
});

Deno.test("a NOTIFY before the 2xx creates the dialog (§4.1.2.4)", () => {
  const h = harness();
  const subscribe = aliceSubscribe();
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  const early = notifyFromBob(1, "pending;expires=600", {
    extra: ["Record-Route: <sip:rr1.biloxi.com;lr>, <sip:rr2.atlanta.com;lr>"],
  });
  assert.equal(sub.receiveNotify(early).status, 200);
  assert.equal(sub.state, "pending");
  const dialog = sub.dialog!;
  assert.equal(h.dialogs[0], dialog);
  assert.equal(dialog.state, "confirmed");
  assert.equal(dialog.remoteTarget, "sip:ps.biloxi.com:5070");
  assert.equal(dialog.remoteSeq, 1);
  assert.equal(dialog.localSeq, 100);
  // A request received: its Record-Route is taken in order, first hop first.
  assert.deepEqual(dialog.createRequest("SUBSCRIBE").headerValues("route"), [
    "<sip:rr1.biloxi.com;lr>",
    "<sip:rr2.atlanta.com;lr>",
  ]);
  accepted(sub, subscribe, 600, 200);
  assert.equal(sub.state, "pending");
  assert.equal(sub.dialog, dialog, "the 2xx does not make a second dialog");
  assert.equal(h.dialogs.length, 1);
  sub.receiveNotify(notifyFromBob(2, "active;expires=590"));
  assert.equal(sub.state, "active");
});

Deno.test("Timer N: no NOTIFY within 64*T1 of the SUBSCRIBE ends the attempt", () => {
  const h = harness();
  const subscribe = aliceSubscribe();
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  h.clock.advance(10_000);
  accepted(sub, subscribe, 600);
  h.clock.advance(21_999);
  assert.equal(sub.state, "notifyWait");
  h.clock.advance(1);
  assert.equal(sub.state, "terminated");
  assert.deepEqual(h.ends, [{ cause: "TIMER_N" }]);
  assert.equal(h.clock.pending, 0);
  // After the end, NOTIFYs are refused.
  assert.equal(sub.receiveNotify(notifyFromBob(1, "active")).status, 481);
});

Deno.test("a rejected SUBSCRIBE ends with its status", () => {
  const h = harness();
  const subscribe = aliceSubscribe("unknown-package");
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  sub.receiveResponse(answer(subscribe, 489, "Bad Event", { toTag: "x" }));
  assert.equal(sub.state, "terminated");
  assert.deepEqual(h.ends, [{ cause: "REJECTED", status: 489 }]);
});

Deno.test("refresh failures: 481 ends at once, 503 keeps it until expiry (§4.1.2.2)", () => {
  const setup = () => {
    const h = harness();
    const subscribe = aliceSubscribe("presence", 60);
    const sub = Subscriber.outOfDialog(subscribe, h.host);
    sub.start();
    accepted(sub, subscribe, 60);
    sub.receiveNotify(notifyFromBob(1, "active;expires=60"));
    // Short subscription: the refresh is due halfway.
    h.clock.advance(30_000);
    const refresh = h.sent[1].req;
    assert.equal(refresh.header("expires"), "60");
    return { ...h, sub, refresh };
  };
  const fatal = setup();
  fatal.sub.receiveResponse(answer(fatal.refresh, 481, "Call/Transaction Does Not Exist"));
  assert.equal(fatal.sub.state, "terminated");
  assert.deepEqual(fatal.ends, [{ cause: "REFRESH_FAILED", status: 481 }]);

  const transient = setup();
  transient.sub.receiveResponse(answer(transient.refresh, 503, "Service Unavailable"));
  assert.equal(transient.sub.state, "active");
  transient.clock.advance(29_999);
  assert.equal(transient.sub.state, "active");
  transient.clock.advance(1);
  assert.equal(transient.sub.state, "terminated");
  assert.deepEqual(transient.ends, [{ cause: "EXPIRED" }]);
});

Deno.test("the notifier's expires shortens the subscription (§4.1.3)", () => {
  const h = harness();
  const subscribe = aliceSubscribe();
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  accepted(sub, subscribe, 600);
  sub.receiveNotify(notifyFromBob(1, "active;expires=100"));
  h.clock.advance(67_999);
  assert.equal(h.sent.length, 1);
  h.clock.advance(1);
  assert.equal(h.sent.length, 2);
});

Deno.test("unsubscribe: Expires 0, then the final NOTIFY; or give up after 64*T1", () => {
  const h = harness();
  const subscribe = aliceSubscribe();
  const sub = Subscriber.outOfDialog(subscribe, h.host);
  sub.start();
  accepted(sub, subscribe, 600);
  sub.receiveNotify(notifyFromBob(1, "active;expires=600"));
  assert.equal(sub.unsubscribe(), true);
  const unsub = h.sent[1].req;
  assert.equal(unsub.header("expires"), "0");
  assert.deepEqual(unsub.cseq, { seq: 101, method: "SUBSCRIBE" });
  sub.receiveResponse(answer(unsub, 200, "OK", { headers: [["Expires", "0"]] }));
  assert.equal(sub.state, "active", "waiting for the final NOTIFY");
  sub.receiveNotify(notifyFromBob(2, "terminated;reason=timeout"));
  assert.equal(sub.state, "terminated");
  assert.deepEqual(h.ends, [{
    cause: "NOTIFY_TERMINATED",
    reason: "timeout",
    advice: { kind: "now" },
  }]);

  const h2 = harness();
  const sub2 = Subscriber.outOfDialog(aliceSubscribe(), h2.host);
  sub2.start();
  accepted(sub2, sub2.initialRequest!, 600);
  sub2.receiveNotify(notifyFromBob(1, "active;expires=600"));
  sub2.unsubscribe();
  h2.clock.advance(32_000);
  assert.equal(sub2.state, "terminated");
  assert.deepEqual(h2.ends, [{ cause: "EXPIRED" }]);
  assert.equal(h2.sent.length, 2, "no refresh after un-subscribing");
});

Deno.test("termination reasons reach the application with their retry advice", () => {
  const cases: Array<[string, Partial<SubscriptionEnd>]> = [
    ["terminated;reason=deactivated", { reason: "deactivated", advice: { kind: "now" } }],
    ["terminated;reason=probation;retry-after=30", {
      reason: "probation",
      retryAfter: 30,
      advice: { kind: "after", seconds: 30 },
    }],
    ["terminated;reason=rejected", { reason: "rejected", advice: { kind: "never" } }],
    ["terminated;reason=giveup;retry-after=90", {
      reason: "giveup",
      retryAfter: 90,
      advice: { kind: "after", seconds: 90 },
    }],
    ["terminated;reason=noresource", { reason: "noresource", advice: { kind: "never" } }],
    ["terminated;reason=invariant", { reason: "invariant", advice: { kind: "never" } }],
    ["terminated", { advice: { kind: "now" } }],
  ];
  for (const [value, expected] of cases) {
    const h = harness();
    const sub = Subscriber.outOfDialog(aliceSubscribe(), h.host);
    sub.start();
    sub.receiveNotify(notifyFromBob(1, "pending;expires=600"));
    assert.equal(sub.receiveNotify(notifyFromBob(2, value)).status, 200);
    assert.equal(sub.state, "terminated");
    assert.deepEqual(h.ends, [{ cause: "NOTIFY_TERMINATED", ...expected }], value);
    assert.equal(h.clock.pending, 0);
  }
});

Deno.test("NOTIFYs that do not belong: 481 for another Event id or fork, 400, 500", () => {
  const h = harness();
  const sub = Subscriber.outOfDialog(aliceSubscribe("dialog;id=1"), h.host);
  sub.start();
  assert.equal(sub.receiveNotify(notifyFromBob(1, "active", { event: "dialog;id=2" })).status, 481);
  assert.equal(sub.receiveNotify(notifyFromBob(1, "active", { event: "dialog" })).status, 481);
  assert.equal(sub.state, "init");
  const noState = notifyFromBob(1, "active", { event: "dialog;id=1" });
  noState.removeHeader("subscription-state");
  assert.equal(sub.receiveNotify(noState).status, 400);
  assert.equal(sub.receiveNotify(notifyFromBob(5, "active", { event: "dialog;id=1" })).status, 200);
  assert.equal(
    sub.receiveNotify(notifyFromBob(6, "active", {
      event: "dialog;id=1",
      fromTag: "other-fork",
    })).status,
    481,
  );
  const stale = sub.receiveNotify(notifyFromBob(4, "active", { event: "dialog;id=1" }));
  assert.deepEqual([stale.status, stale.reason], [500, "Server Internal Error"]);
  assert.equal(sub.state, "active");
});

Deno.test("two subscriptions share one dialog, told apart by Event id", () => {
  const h = harness();
  const table = new SubscriptionTable();
  const first = Subscriber.outOfDialog(aliceSubscribe("dialog;id=a"), h.host);
  first.start();
  table.addSubscriber(first);
  accepted(first, first.initialRequest!, 600, 200);
  const second = Subscriber.inDialog(first.dialog!, "dialog;id=b", 300, h.host);
  second.start();
  table.addSubscriber(second);
  const secondSubscribe = h.sent[1].req;
  assert.deepEqual(secondSubscribe.cseq, { seq: 101, method: "SUBSCRIBE" });
  assert.equal(secondSubscribe.to.tag, "ps-tag");
  assert.equal(secondSubscribe.header("event"), "dialog;id=b");
  assert.equal(secondSubscribe.header("expires"), "300");

  const forA = notifyFromBob(1, "active;expires=600", { event: "dialog;id=a" });
  const forB = notifyFromBob(2, "pending;expires=300", { event: "dialog;id=b" });
  assert.equal(table.subscriberFor(forA), first);
  assert.equal(table.subscriberFor(forB), second);
  assert.equal(table.subscriberFor(notifyFromBob(3, "active", { event: "dialog" })), undefined);
  table.subscriberFor(forA)!.receiveNotify(forA);
  table.subscriberFor(forB)!.receiveNotify(forB);
  assert.equal(first.state, "active");
  assert.equal(second.state, "pending");
  // Both use the one dialog: its CSeq space is shared.
  second.unsubscribe();
  assert.deepEqual(h.sent[2].req.cseq, { seq: 102, method: "SUBSCRIBE" });
  assert.equal(table.delete(second), true);
  assert.equal(table.subscriberFor(forB), undefined);
  assert.equal(table.size, 1);
});
