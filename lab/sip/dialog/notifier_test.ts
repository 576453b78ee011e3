import assert from "node:assert/strict";
import type { SipRequest } from "../message/message.ts";
import { evaluateSubscribe, Notifier, type NotifierHost, type NotifierPolicy } from "./notifier.ts";
import type { ResponseAdvice } from "./response_advice.ts";
import { Subscriber } from "./subscriber.ts";
import { SubscriptionTable } from "./subscription_table.ts";
import { VirtualClock } from "./test_support/virtual_clock.ts";
import { answer, request } from "./test_support/messages.ts";

const policy: NotifierPolicy = {
  packages: ["presence", "dialog"],
  defaultExpires: 3600,
  minExpires: 60,
  maxExpires: 7200,
};

function subscribeAtBob(opts: { event?: string; expires?: number | null; seq?: number } = {}) {
  return request(
    "SUBSCRIBE sip:bob@192.0.2.4 SIP/2.0",
    `Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKs${opts.seq ?? 1}`,
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>",
    "From: <sip:alice@atlanta.com>;tag=wfrom",
    "Call-ID: watch-1",
    `CSeq: ${opts.seq ?? 1} SUBSCRIBE`,
    "Contact: <sip:alice@pc33.atlanta.com>",
    ...(opts.event === "" ? [] : [`Event: ${opts.event ?? "presence"}`]),
    ...(opts.expires === null ? [] : [`Expires: ${opts.expires ?? 600}`]),
  );
}

/** A refresh in the dialog Bob's notifier created (To tag "ntag"). */
function refreshAtBob(seq: number, expires: number, event = "presence") {
  return request(
    "SUBSCRIBE sip:bob@192.0.2.4 SIP/2.0",
    `Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKr${seq}`,
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.com>;tag=ntag",
    "From: <sip:alice@atlanta.com>;tag=wfrom",
    "Call-ID: watch-1",
    `CSeq: ${seq} SUBSCRIBE`,
    `Event: ${event}`,
    `Expires: ${expires}`,
  );
}

function harness() {
  const clock = new VirtualClock();
  /** Everything the notifier emits, in order: responses and NOTIFYs. */
  const out: Array<{ at: number; response?: ResponseAdvice; notify?: SipRequest }> = [];
  const ended: string[] = [];
  const host: NotifierHost = {
    scheduler: clock,
    now: () => clock.now,
    respond: (_req, response) => out.push({ at: clock.now, response }),
    sendRequest: (notify) => out.push({ at: clock.now, notify }),
    onTerminated: (_n, cause) => ended.push(cause),
  };
  return { clock, out, ended, host };
}

function create(h: ReturnType<typeof harness>, subscribe = subscribeAtBob()) {
  return Notifier.fromSubscribe(subscribe, h.host, {
    policy,
    localTag: "ntag",
    dialogOptions: { localContact: "<sip:bob@192.0.2.4>" },
  });
}

const notifies = (h: ReturnType<typeof harness>) =>
  h.out.filter((o) => o.notify).map((o) => o.notify!.header("subscription-state"));

Deno.test("evaluateSubscribe: 400, 489 with Allow-Events, 423 with Min-Expires, defaults", () => {
  const fail = (req: SipRequest) => {
    const e = evaluateSubscribe(req, policy);
    assert.equal(e.ok, false);
    return (e as { response: ResponseAdvice }).response;
  };
  assert.equal(fail(subscribeAtBob({ event: "" })).status, 400);
  assert.deepEqual(fail(subscribeAtBob({ event: "message-summary" })), {
    status: 489,
    reason: "Bad Event",
    headers: [["Allow-Events", "presence, dialog"]],
  });
  assert.deepEqual(fail(subscribeAtBob({ expires: 30 })), {
    status: 423,
    reason: "Interval Too Brief",
    headers: [["Min-Expires", "60"]],
  });
  const ok = (req: SipRequest) => {
    const e = evaluateSubscribe(req, policy);
    assert.ok(e.ok);
    return e.expires;
  };
  assert.equal(ok(subscribeAtBob({ expires: null })), 3600);
  assert.equal(ok(subscribeAtBob({ expires: 86400 })), 7200);
  assert.equal(ok(subscribeAtBob({ expires: 0 })), 0);
  assert.equal(ok(subscribeAtBob({ event: "presence.winfo" })), 600);
});

Deno.test("accept: the 200 first, then the immediate NOTIFY (§4.2.1.1, §4.2.1.2)", () => {
  const h = harness();
  const n = create(h)!;
  assert.equal(n.state, "init");
  n.accept("active", { body: "<presence/>", contentType: "application/pidf+xml" });
  assert.equal(n.state, "active");
  assert.deepEqual(h.out[0].response, {
    status: 200,
    reason: "OK",
    headers: [["Expires", "600"], ["Contact", "<sip:bob@192.0.2.4>"]],
    toTag: "ntag",
  });
  const notify = h.out[1].notify!;
  assert.equal(notify.method, "NOTIFY");
  assert.equal(notify.uri, "sip:alice@pc33.atlanta.com");
  assert.equal(notify.to.tag, "wfrom");
  assert.equal(notify.from.tag, "ntag");
  assert.equal(notify.callId, "watch-1");
  assert.equal(notify.header("event"), "presence");
  assert.equal(notify.header("subscription-state"), "active;expires=600");
  assert.equal(notify.header("contact"), "<sip:bob@192.0.2.4>");
  assert.equal(notify.header("content-type"), "application/pidf+xml");
  assert.equal(new TextDecoder().decode(notify.body), "<presence/>");
  assert.equal(n.dialog.state, "confirmed");
});

Deno.test("pending, then authorized; state changes are notified", () => {
  const h = harness();
  const n = create(h)!;
  n.accept("pending");
  h.clock.advance(5_000);
  n.authorize({ body: "<open/>", contentType: "application/pidf+xml" });
  h.clock.advance(1_000);
  n.notify({ body: "<closed/>", contentType: "application/pidf+xml" });
  assert.deepEqual(notifies(h), [
    "pending;expires=600",
    "active;expires=595",
    "active;expires=594",
  ]);
  const [pending, active] = h.out.filter((o) => o.notify).map((o) => o.notify!);
  assert.equal(pending.body.length, 0, "no resource state while pending");
  assert.equal(active.body.length > 0, true);
  const cseqs = h.out.filter((o) => o.notify).map((o) => o.notify!.cseq.seq);
  assert.deepEqual(cseqs, [cseqs[0], cseqs[0] + 1, cseqs[0] + 2]);
});

Deno.test("refresh re-arms the expiry and NOTIFYs; no refresh → terminated;reason=timeout", () => {
  const h = harness();
  const n = create(h)!;
  n.accept("active");
  h.clock.advance(500_000);
  n.receiveSubscribe(refreshAtBob(2, 600));
  assert.deepEqual(h.out[2].response, { status: 200, reason: "OK", headers: [["Expires", "600"]] });
  assert.equal(h.out[3].notify!.header("subscription-state"), "active;expires=600");
  h.clock.advance(599_999);
  assert.equal(n.state, "active");
  h.clock.advance(1);
  assert.equal(n.state, "terminated");
  assert.equal(h.out[4].notify!.header("subscription-state"), "terminated;reason=timeout");
  assert.deepEqual(h.ended, ["EXPIRED"]);
  assert.equal(h.clock.pending, 0);
  n.receiveSubscribe(refreshAtBob(3, 600));
  assert.equal(h.out[5].response!.status, 481);
});

Deno.test("refresh errors: out-of-order CSeq 500, too brief 423; un-SUBSCRIBE ends it", () => {
  const h = harness();
  const n = create(h, subscribeAtBob({ seq: 5 }))!;
  n.accept("active");
  n.receiveSubscribe(refreshAtBob(5, 600));
  assert.equal(h.out[2].response!.status, 500);
  n.receiveSubscribe(refreshAtBob(6, 10));
  assert.equal(h.out[3].response!.status, 423);
  assert.equal(n.state, "active");
  n.receiveSubscribe(refreshAtBob(7, 0));
  assert.deepEqual(h.out[4].response, { status: 200, reason: "OK", headers: [["Expires", "0"]] });
  assert.equal(h.out[5].notify!.header("subscription-state"), "terminated;reason=timeout");
  assert.equal(n.state, "terminated");
  assert.deepEqual(h.ended, ["UNSUBSCRIBED"]);
});

Deno.test("terminate with a reason and retry-after (§4.2.2)", () => {
  const h = harness();
  const n = create(h)!;
  n.accept("pending");
  assert.equal(n.terminate("probation", 30), true);
  assert.equal(notifies(h).at(-1), "terminated;reason=probation;retry-after=30");
  assert.equal(n.terminate("rejected"), false);
  assert.deepEqual(h.ended, ["TERMINATE"]);
});

Deno.test("failed NOTIFYs: 481 and plain errors remove the subscription, Retry-After and 401 do not", () => {
  const outcome = (status: number, retryAfter: boolean) => {
    const h = harness();
    const n = create(h)!;
    n.accept("active");
    const notify = h.out[1].notify!;
    n.receiveResponse(
      answer(notify, status, "X", { headers: retryAfter ? [["Retry-After", "10"]] : [] }),
    );
    return n.state;
  };
  assert.equal(outcome(481, true), "terminated");
  assert.equal(outcome(500, false), "terminated");
  assert.equal(outcome(503, true), "active");
  assert.equal(outcome(401, false), "active");
  assert.equal(outcome(200, false), "active");
  const h = harness();
  const n = create(h)!;
  n.accept("active");
  n.requestTimedOut();
  assert.equal(n.state, "terminated");
  assert.equal(notifies(h).length, 1, "no final NOTIFY to a peer that is gone");
});

Deno.test("a fetch (Expires 0) gets one terminated NOTIFY with the state; bad SUBSCRIBE is answered", () => {
  const h = harness();
  const n = create(h, subscribeAtBob({ expires: 0 }))!;
  n.accept("active", { body: "<presence/>", contentType: "application/pidf+xml" });
  assert.equal(n.state, "terminated");
  assert.equal(h.out[0].response!.status, 200);
  assert.deepEqual(notifies(h), ["terminated;reason=timeout"]);
  assert.equal(new TextDecoder().decode(h.out[1].notify!.body), "<presence/>");

  const h2 = harness();
  assert.equal(create(h2, subscribeAtBob({ event: "nope" })), undefined);
  assert.equal(h2.out[0].response!.status, 489);
  const rejected = create(h2)!;
  rejected.reject(403, "Forbidden");
  assert.equal(rejected.state, "terminated");
  assert.equal(h2.out[1].response!.status, 403);
  assert.deepEqual(notifies(h2), []);
});

Deno.test("subscriber and notifier talk to each other through a minimal core", () => {
  const clock = new VirtualClock();
  const table = new SubscriptionTable();
  const log: string[] = [];
  /** Messages in flight, delivered one by one (a real network never delivers re-entrantly). */
  const wire: Array<() => void> = [];
  const flush = () => {
    for (let step = wire.shift(); step; step = wire.shift()) step();
  };
  const notifierHost: NotifierHost = {
    scheduler: clock,
    now: () => clock.now,
    respond: (req, advice) =>
      wire.push(() => {
        const res = answer(req, advice.status, advice.reason, {
          toTag: advice.toTag,
          headers: advice.headers,
        });
        log.push(`← ${res.status} ${res.cseq.method}`);
        subscriber.receiveResponse(res);
      }),
    sendRequest: (notify) =>
      wire.push(() => {
        log.push(`← NOTIFY ${notify.header("subscription-state")}`);
        const target = table.subscriberFor(notify);
        const advice = target?.receiveNotify(notify) ?? { status: 481, reason: "No", headers: [] };
        // The response goes back to the notifier's client transaction, i.e. to the notifier.
        wire.push(() => notifier?.receiveResponse(answer(notify, advice.status, advice.reason)));
      }),
  };
  let notifier: Notifier | undefined;
  const subscriber = Subscriber.outOfDialog(subscribeAtBob({ event: "dialog;id=9" }), {
    scheduler: clock,
    sendRequest: (req) =>
      wire.push(() => {
        log.push(`→ SUBSCRIBE Expires ${req.header("expires")}`);
        const existing = table.notifierFor(req);
        if (existing) return existing.receiveSubscribe(req);
        const created = Notifier.fromSubscribe(req, notifierHost, {
          policy,
          localTag: "ntag",
          dialogOptions: { localContact: "<sip:bob@192.0.2.4>" },
        });
        if (created) {
          notifier = created;
          table.addNotifier(created);
          created.accept("active", {
            body: "<dialog-info/>",
            contentType: "application/dialog-info+xml",
          });
        }
      }),
    onTerminated: (_s, end) => log.push(`subscriber ended: ${end.cause} ${end.reason}`),
  });
  subscriber.start();
  table.addSubscriber(subscriber);
  flush();
  assert.equal(subscriber.state, "active");
  clock.advance(568_000); // refresh 32 s before the 600 s expire
  flush();
  assert.equal(subscriber.state, "active");
  subscriber.unsubscribe();
  flush();
  assert.equal(subscriber.state, "terminated");
  assert.deepEqual(log, [
    "→ SUBSCRIBE Expires 600",
    "← 200 SUBSCRIBE",
    "← NOTIFY active;expires=600",
    "→ SUBSCRIBE Expires 600",
    "← 200 SUBSCRIBE",
    "← NOTIFY active;expires=600",
    "→ SUBSCRIBE Expires 0",
    "← 200 SUBSCRIBE",
    "← NOTIFY terminated;reason=timeout",
    "subscriber ended: NOTIFY_TERMINATED timeout",
  ]);
  assert.equal(clock.pending, 0);
});
