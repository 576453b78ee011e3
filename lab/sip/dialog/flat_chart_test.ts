import assert from "node:assert/strict";
import { type AnyStateMachine, createActor, setup } from "xstate";
import { getShortestPaths } from "@xstate/graph";
import { SipRequest, SipResponse } from "../message/message.ts";
import { type ChartEvent, compileFlatChart, FlatChartRunner } from "./flat_chart.ts";
import { inviteDialogChart, inviteDialogGuards } from "./invite_dialog_chart.ts";
import { subscriberGuards, subscriptionChart } from "./subscription_chart.ts";
import { notifierChart, notifierGuards } from "./notifier_chart.ts";
import { parseSubscriptionState } from "./event_headers.ts";

interface Trace {
  states: string[];
  actions: string[];
}

/** Replays `events` on a real XState actor of `chart`, logging every named action. */
function runXState(chart: AnyStateMachine, names: Iterable<string>, events: ChartEvent[]): Trace {
  const trace: Trace = { states: [], actions: [] };
  const actions = Object.fromEntries(
    [...names].map((name) => [name, () => void trace.actions.push(name)]),
  );
  const actor = createActor(chart.provide({ actions })).start();
  trace.states.push(String(actor.getSnapshot().value));
  for (const event of events) {
    actor.send(event);
    trace.states.push(String(actor.getSnapshot().value));
  }
  actor.stop();
  return trace;
}

/** Replays `events` on the flat executor with the same named actions and the runtime's guards. */
function runFlat(
  chart: AnyStateMachine,
  guards: Record<string, (e: never) => boolean>,
  events: ChartEvent[],
): Trace {
  const compiled = compileFlatChart(chart.config);
  const trace: Trace = { states: [], actions: [] };
  const actions = Object.fromEntries(
    [...compiled.actionNames].map((name) => [name, () => void trace.actions.push(name)]),
  );
  const runner = new FlatChartRunner<ChartEvent>(compiled, {
    actions,
    guards: guards as Record<string, (e: ChartEvent) => boolean>,
  });
  runner.start();
  trace.states.push(runner.state);
  for (const event of events) {
    runner.send(event);
    trace.states.push(runner.state);
  }
  return trace;
}

/**
 * Walks `chart` with @xstate/graph: for the shortest path to every reachable state, and for
 * every event sent after it, the executor must visit the same states and perform the same
 * actions in the same order as XState.
 */
function assertExecutorAgrees(
  chart: AnyStateMachine,
  guards: Record<string, (e: never) => boolean>,
  events: ChartEvent[],
) {
  const compiled = compileFlatChart(chart.config);
  const paths = getShortestPaths(chart, { events });
  const reached = new Set(paths.map((p) => String(p.state.value)));
  assert.deepEqual(
    [...reached].sort(),
    [...compiled.states.keys()].sort(),
    "every state reachable",
  );
  let compared = 0;
  for (const path of paths) {
    const prefix = path.steps.map((s) => s.event as ChartEvent).filter((e) =>
      e.type !== "xstate.init"
    );
    const final = compiled.states.get(String(path.state.value))!.final;
    for (const extra of final ? [undefined] : [undefined, ...events]) {
      const sequence = extra ? [...prefix, extra] : prefix;
      const expected = runXState(chart, compiled.actionNames, sequence);
      const actual = runFlat(chart, guards, sequence);
      assert.deepEqual(actual, expected, sequence.map((e) => e.type).join(" → "));
      compared++;
    }
  }
  assert.ok(compared > compiled.states.size);
}

Deno.test("executor agrees with XState on the INVITE dialog chart (graph walk)", () => {
  const response = new SipResponse(200, "OK");
  assertExecutorAgrees(inviteDialogChart, inviteDialogGuards, [
    { type: "TWO_XX_RECEIVED", response },
    { type: "TWO_XX_SENT", response },
    { type: "EARLY_FAILED" },
    { type: "RETRANSMIT_DUE" },
    { type: "ACK_TIMEOUT" },
    { type: "ACK_RECEIVED" },
    { type: "HANGUP" },
    { type: "BYE_RECEIVED" },
    { type: "BYE_COMPLETED" },
    { type: "IN_DIALOG_FAILURE", status: 481 },
    { type: "IN_DIALOG_FAILURE", status: 408 },
    { type: "IN_DIALOG_FAILURE", status: 500 },
  ] as ChartEvent[]);
});

Deno.test("executor agrees with XState on the subscriber chart (graph walk)", () => {
  const notify = new SipRequest("NOTIFY", "sip:alice@pc33.atlanta.com");
  const state = (v: string) => parseSubscriptionState(v);
  assertExecutorAgrees(subscriptionChart, subscriberGuards, [
    { type: "ACCEPTED", expires: 600 },
    { type: "REJECTED", status: 403 },
    { type: "NOTIFY_PENDING", notify, state: state("pending;expires=600") },
    { type: "NOTIFY_ACTIVE", notify, state: state("active;expires=600") },
    { type: "NOTIFY_TERMINATED", notify, state: state("terminated;reason=timeout") },
    { type: "TIMER_N" },
    { type: "REFRESH_DUE" },
    { type: "REFRESH_FAILED", status: 481 },
    { type: "REFRESH_FAILED", status: 503 },
    { type: "UNSUBSCRIBE" },
    { type: "EXPIRED" },
  ] as ChartEvent[]);
});

Deno.test("executor agrees with XState on the notifier chart (graph walk)", () => {
  assertExecutorAgrees(notifierChart, notifierGuards, [
    { type: "ACCEPT_PENDING" },
    { type: "ACCEPT_ACTIVE" },
    { type: "REJECT" },
    { type: "AUTHORIZE" },
    { type: "STATE_CHANGED" },
    { type: "REFRESHED", expires: 300 },
    { type: "UNSUBSCRIBED" },
    { type: "EXPIRED" },
    { type: "TERMINATE", reason: "noresource" },
    { type: "NOTIFY_FAILED", status: 481, retryAfter: true },
    { type: "NOTIFY_FAILED", status: 500, retryAfter: false },
    { type: "NOTIFY_FAILED", status: 503, retryAfter: true },
    { type: "NOTIFY_FAILED", status: 401, retryAfter: false },
  ] as ChartEvent[]);
});

Deno.test("events sent from inside an action are queued until the step completes", () => {
  const machine = setup({
    types: { events: {} as { type: "GO" } | { type: "NEXT" } },
    actions: { kick: () => {}, arrive: () => {} },
  }).createMachine({
    id: "queue",
    initial: "a",
    states: {
      a: { on: { GO: { target: "b", actions: ["kick"] } } },
      b: { entry: ["arrive"], on: { NEXT: { target: "c" } } },
      c: { type: "final" },
    },
  });
  const seen: string[] = [];
  const runner: FlatChartRunner<{ type: "GO" } | { type: "NEXT" }> = new FlatChartRunner(
    compileFlatChart(machine.config),
    {
      actions: {
        kick: () => {
          seen.push(`kick in ${runner.state}`);
          assert.equal(runner.send({ type: "NEXT" }), false);
        },
        arrive: () => seen.push(`arrive in ${runner.state}`),
      },
    },
  );
  runner.start();
  assert.equal(runner.send({ type: "GO" }), true);
  assert.deepEqual(seen, ["kick in a", "arrive in b"]);
  assert.equal(runner.state, "c");
  assert.equal(runner.done, true);
  assert.equal(runner.send({ type: "GO" }), false);
});

Deno.test("compileFlatChart rejects what the executor does not implement", () => {
  const base = { id: "m", initial: "a" };
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { states: { x: {} } } } }),
    /unsupported state key "states"/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { on: { E: "a" } } } }),
    /without a target/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { after: { 100: "a" } } } }),
    /unsupported state key "after"/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { on: { E: { target: "zz" } } } } }),
    /sibling/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { on: { E: { reenter: true } } } } }),
    /unsupported transition key "reenter"/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, states: { a: { on: { "*": { actions: "x" } } } } }),
    /wildcard/,
  );
  assert.throws(
    () => compileFlatChart({ ...base, context: {}, states: { a: {} } }),
    /unsupported machine key "context"/,
  );
  const ok = compileFlatChart({ ...base, states: { a: { on: { E: { actions: "x" } } } } });
  assert.throws(() => new FlatChartRunner(ok, { actions: {} }), /no implementation of "x"/);
});
