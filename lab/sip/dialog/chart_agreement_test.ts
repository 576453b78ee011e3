/**
 * The dialog charts run on lab/statechart's ChartExecutor; its graph walk proves the executor
 * behaves exactly like an XState actor on each of them (every simple path, each extended by
 * every pair of events, state by state and action by action). The walk sends one event per
 * type, so every guard is walked once with an event that passes it (every transition must then
 * be taken) and once more with events that fail it (the guarded transitions must then all be
 * skipped, and the executor must ignore those events exactly where XState does).
 */
import assert from "node:assert/strict";
import type { AnyStateMachine, EventObject } from "xstate";
import { assertExecutorAgreesWithChart, compileChart } from "../../statechart/mod.ts";
import { SipRequest, SipResponse } from "../message/message.ts";
import { parseSubscriptionState } from "./event_headers.ts";
import { inviteDialogChart } from "./invite_dialog_chart.ts";
import { notifierChart } from "./notifier_chart.ts";
import { subscriptionChart } from "./subscription_chart.ts";

/** The walk's event factory: the payload for `type` from `payloads`, else `{ type }`. */
function eventsFrom(payloads: Record<string, Record<string, unknown>>) {
  return (type: string): EventObject => ({ type, ...payloads[type] });
}

/** The chart's transitions and how many of them carry a guard. */
function transitionCounts(chart: AnyStateMachine): { all: number; guarded: number } {
  const transitions = compileChart(chart).transitions;
  return { all: transitions.length, guarded: transitions.filter((t) => t.guard).length };
}

/**
 * Walks `chart` with `passing` payloads (every transition taken), then with each of `failing`
 * (exactly the guarded transitions skipped).
 */
function assertAgreement(
  chart: AnyStateMachine,
  payloads: Record<string, Record<string, unknown>>,
  passing: readonly Record<string, Record<string, unknown>>[],
  failing: readonly Record<string, Record<string, unknown>>[],
): void {
  const { all, guarded } = transitionCounts(chart);
  assert.ok(guarded > 0, `${chart.id}: the walk is meant to exercise guards`);
  for (const guardPayload of passing) {
    const report = assertExecutorAgreesWithChart(chart, {
      event: eventsFrom({ ...payloads, ...guardPayload }),
    });
    assert.equal(report.transitionsCovered, all, JSON.stringify(guardPayload));
    assert.ok(report.paths >= 5, `${chart.id}: ${report.paths} simple paths`);
    assert.ok(report.sequences > 100, `${chart.id}: ${report.sequences} sequences`);
  }
  for (const guardPayload of failing) {
    const report = assertExecutorAgreesWithChart(chart, {
      event: eventsFrom({ ...payloads, ...guardPayload }),
      requireAllTransitions: false,
    });
    assert.equal(report.transitionsCovered, all - guarded, JSON.stringify(guardPayload));
  }
}

Deno.test("executor agrees with XState on every path of the INVITE dialog chart", () => {
  const response = new SipResponse(200, "OK");
  assertAgreement(
    inviteDialogChart,
    { TWO_XX_RECEIVED: { response }, TWO_XX_SENT: { response } },
    // RFC 3261 §12.2.1.2: 481 and 408 end the dialog; other failures do not.
    [{ IN_DIALOG_FAILURE: { status: 481 } }, { IN_DIALOG_FAILURE: { status: 408 } }],
    [{ IN_DIALOG_FAILURE: { status: 500 } }, { IN_DIALOG_FAILURE: { status: 491 } }],
  );
});

Deno.test("executor agrees with XState on every path of the subscriber chart", () => {
  const notify = new SipRequest("NOTIFY", "sip:alice@pc33.atlanta.com");
  const notifyWith = (value: string) => ({ notify, state: parseSubscriptionState(value) });
  assertAgreement(
    subscriptionChart,
    {
      ACCEPTED: { expires: 600 },
      REJECTED: { status: 403 },
      NOTIFY_PENDING: notifyWith("pending;expires=600"),
      NOTIFY_ACTIVE: notifyWith("active;expires=600"),
      NOTIFY_TERMINATED: notifyWith("terminated;reason=timeout"),
    },
    // RFC 6665 §4.1.2.2: these refresh failures end the subscription …
    [{ REFRESH_FAILED: { status: 481 } }, { REFRESH_FAILED: { status: 489 } }],
    // … after these it stays valid until it expires.
    [{ REFRESH_FAILED: { status: 503 } }, { REFRESH_FAILED: { status: 408 } }],
  );
});

Deno.test("executor agrees with XState on every path of the notifier chart", () => {
  assertAgreement(
    notifierChart,
    { REFRESHED: { expires: 300 }, TERMINATE: { reason: "noresource" } },
    // RFC 6665 §4.2.2: a 481 always, and a failure without Retry-After, remove the subscription.
    [
      { NOTIFY_FAILED: { status: 481, retryAfter: true } },
      { NOTIFY_FAILED: { status: 500, retryAfter: false } },
    ],
    // With Retry-After, or a 401/407 (retried with credentials), the subscription stays.
    [
      { NOTIFY_FAILED: { status: 503, retryAfter: true } },
      { NOTIFY_FAILED: { status: 401, retryAfter: false } },
    ],
  );
});
