import assert from "node:assert/strict";
import {
  eventKey,
  eventsMatch,
  formatEvent,
  formatSubscriptionState,
  parseEvent,
  parseSubscriptionState,
  retryAdvice,
} from "./event_headers.ts";
import { SipParseError } from "../message/parse_error.ts";

Deno.test("Event matching follows RFC 6665 §8.2.1 (its own examples)", () => {
  const withParam = parseEvent("foo; param=abcd; id=1234");
  assert.equal(withParam.eventType, "foo");
  assert.equal(withParam.id, "1234");
  assert.ok(eventsMatch(withParam, parseEvent("foo;id=1234")));
  assert.equal(eventKey(withParam), eventKey(parseEvent("foo;id=1234")));
  assert.ok(!eventsMatch(withParam, parseEvent("foo")), "id never matches no id");
  assert.ok(!eventsMatch(withParam, parseEvent("Foo;id=1234")), "event-type is byte-compared");
  assert.ok(eventsMatch(parseEvent("presence"), parseEvent("presence;foo=bar")));
  assert.equal(parseEvent("presence.winfo").eventType, "presence.winfo");
  assert.equal(formatEvent(parseEvent("dialog;id=7")), "dialog;id=7");
});

Deno.test("malformed Event and Subscription-State values throw 400", () => {
  for (const bad of ["", "pres ence", "a..b", "foo;id"]) {
    assert.throws(() => parseEvent(bad), (e) => e instanceof SipParseError && e.status === 400);
  }
  for (const bad of ["", "active;expires=soon", "terminated;reason", "active;retry-after=-1"]) {
    assert.throws(
      () => parseSubscriptionState(bad),
      (e) => e instanceof SipParseError && e.status === 400,
    );
  }
});

Deno.test("Subscription-State parse and format", () => {
  const s = parseSubscriptionState("Terminated;reason=Probation;retry-after=30;x=y");
  assert.equal(s.state, "terminated");
  assert.equal(s.reason, "probation");
  assert.equal(s.retryAfter, 30);
  assert.equal(s.expires, undefined);
  assert.equal(parseSubscriptionState("active;expires=599").expires, 599);
  assert.equal(parseSubscriptionState("pending").state, "pending");
  assert.equal(formatSubscriptionState({ state: "active", expires: 599 }), "active;expires=599");
  assert.equal(
    formatSubscriptionState({ state: "terminated", reason: "giveup", retryAfter: 10 }),
    "terminated;reason=giveup;retry-after=10",
  );
});

Deno.test("retry advice for every §4.1.3 reason", () => {
  const cases: Array<[string | undefined, number | undefined, unknown]> = [
    ["deactivated", undefined, { kind: "now" }],
    ["deactivated", 60, { kind: "now" }], // retry-after has no semantics here
    ["probation", undefined, { kind: "later" }],
    ["probation", 30, { kind: "after", seconds: 30 }],
    ["rejected", 30, { kind: "never" }],
    ["timeout", undefined, { kind: "now" }],
    ["giveup", undefined, { kind: "now" }],
    ["giveup", 120, { kind: "after", seconds: 120 }],
    ["noresource", undefined, { kind: "never" }],
    ["invariant", undefined, { kind: "never" }],
    [undefined, undefined, { kind: "now" }],
    ["some-extension", 5, { kind: "after", seconds: 5 }],
  ];
  for (const [reason, retryAfter, expected] of cases) {
    assert.deepEqual(retryAdvice(reason, retryAfter), expected, `${reason} ${retryAfter}`);
  }
});
