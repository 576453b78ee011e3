/**
 * The hot-path executor must behave exactly like XState on every transaction chart.
 * @xstate/graph enumerates every simple path of every chart (over both reliable and unreliable
 * transports); each path is then extended by every pair of events (so self-loops, repeated
 * timers and ignored events are exercised too). A real XState actor and the ChartExecutor are
 * driven with each event sequence, with recording action implementations, and must produce the
 * same state sequence and the same action sequence (names and params). Every compiled
 * transition must be exercised at least once.
 */
import assert from "node:assert/strict";
import { getSimplePaths } from "@xstate/graph";
import { type AnyStateMachine, createActor, type EventObject } from "xstate";
import { SipRequest, SipResponse } from "../message/message.ts";
import { ChartExecutor, type ChartInstance, type CompiledTransition } from "./chart_executor.ts";
import { transactionCharts } from "./charts.ts";

interface RecordingContext extends ChartInstance {
  reliable: boolean;
  log: string[];
}

function recording(machine: AnyStateMachine): AnyStateMachine {
  const actions: Record<string, (args: { context: RecordingContext }, params: unknown) => void> =
    {};
  for (const name of Object.keys(machine.implementations.actions)) {
    actions[name] = ({ context }, params) =>
      context.log.push(params === undefined ? name : `${name}${JSON.stringify(params)}`);
  }
  return machine.provide({ actions } as Parameters<AnyStateMachine["provide"]>[0]);
}

function newContext(reliable: boolean): RecordingContext {
  return { reliable, log: [], state: "", running: false, mailbox: undefined };
}

const dummyRequest = new SipRequest("INVITE", "sip:bob@example.com");
const dummyResponse = new SipResponse(200, "OK");

/** Every event type a chart reacts to anywhere, as full event objects. */
function alphabet(executor: ChartExecutor<RecordingContext, EventObject>): EventObject[] {
  const types = new Set(executor.chart.transitions.map((t) => t.event));
  return [...types].sort().map((type) => ({
    type,
    request: dummyRequest,
    response: dummyResponse,
    error: "transport failed",
  }));
}

interface Trace {
  states: string[];
  actions: string[];
}

function runActor(machine: AnyStateMachine, reliable: boolean, events: EventObject[]): Trace {
  const context = newContext(reliable);
  const actor = createActor(machine, { input: context });
  actor.start();
  const states = [String(actor.getSnapshot().value)];
  for (const event of events) {
    if (actor.getSnapshot().status === "done") break;
    actor.send(event);
    states.push(String(actor.getSnapshot().value));
  }
  actor.stop();
  return { states, actions: context.log };
}

function runExecutor(
  executor: ChartExecutor<RecordingContext, EventObject>,
  reliable: boolean,
  events: EventObject[],
  covered: Set<CompiledTransition>,
): Trace {
  const context = newContext(reliable);
  executor.start(context);
  const states = [context.state];
  for (const event of events) {
    if (executor.isDone(context)) break;
    const t = executor.select(context, event);
    if (t) covered.add(t);
    executor.send(context, event);
    states.push(context.state);
  }
  return { states, actions: context.log };
}

for (const [role, chart] of Object.entries(transactionCharts)) {
  Deno.test(`executor agrees with XState on every path of the ${role} chart`, () => {
    const machine = recording(chart);
    const executor = new ChartExecutor<RecordingContext, EventObject>(machine);
    const events = alphabet(executor);
    const covered = new Set<CompiledTransition>();
    let sequences = 0;
    for (const reliable of [false, true]) {
      const paths = getSimplePaths(machine, {
        input: newContext(reliable),
        events,
        serializeState: (snapshot) => JSON.stringify(snapshot.value),
      });
      assert.ok(paths.length >= 3, `${role}: graph traversal found ${paths.length} paths`);
      for (const path of paths) {
        const base = path.steps.slice(1).map((step) => step.event); // step 0 is xstate.init
        for (const e1 of events) {
          for (const e2 of events) {
            const sequence = [...base, e1, e2];
            const expected = runActor(machine, reliable, sequence);
            const actual = runExecutor(executor, reliable, sequence, covered);
            assert.deepEqual(
              actual,
              expected,
              `${role} (reliable=${reliable}): ${sequence.map((e) => e.type).join(" ")}`,
            );
            sequences++;
          }
        }
      }
    }
    const missed = executor.chart.transitions.filter((t) => !covered.has(t));
    assert.deepEqual(
      missed.map((t) => `${t.source} --${t.event}--> ${t.target ?? "(self)"}`),
      [],
      "transitions never exercised",
    );
    assert.ok(sequences > 100);
  });
}

Deno.test("the executor's table has exactly the chart's transitions", () => {
  for (const [role, chart] of Object.entries(transactionCharts)) {
    const executor = new ChartExecutor(chart);
    let configured = 0;
    for (const node of Object.values(chart.root.states)) {
      for (const candidates of node.transitions.values()) configured += candidates.length;
    }
    assert.equal(executor.chart.transitions.length, configured, role);
    assert.deepEqual(
      [...executor.chart.states.keys()].sort(),
      Object.keys(chart.root.states).sort(),
      role,
    );
  }
});
