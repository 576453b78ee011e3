import assert from "node:assert/strict";
import { assign, createActor, raise, setup } from "xstate";
import {
  ChartCompileError,
  ChartExecutor,
  type ChartInstance,
  compileChart,
} from "./chart_executor.ts";

interface Ctx extends ChartInstance {
  log: string[];
  allow: boolean;
}

const base = setup({
  types: { context: {} as Ctx, input: {} as Ctx, events: {} as { type: "GO" } | { type: "NEXT" } },
  actions: {
    note: ({ context }, params: { text: string }) => context.log.push(params.text),
  },
  guards: { allowed: ({ context }) => context.allow },
});

const fromInput = ({ input }: { input: Ctx }) => input;

function instance(allow = true): Ctx {
  return { state: "", running: false, mailbox: undefined, log: [], allow };
}

Deno.test("run order: exit, transition actions, entry; first enabled guard wins", () => {
  const machine = base.createMachine({
    context: ({ input }) => input,
    initial: "A",
    states: {
      A: {
        entry: [{ type: "note", params: { text: "enter A" } }],
        exit: [{ type: "note", params: { text: "exit A" } }],
        on: {
          GO: [
            { guard: "allowed", target: "B", actions: [{ type: "note", params: { text: "go" } }] },
            { actions: [{ type: "note", params: { text: "refused" } }] },
          ],
        },
      },
      B: { type: "final", entry: [{ type: "note", params: { text: "enter B" } }] },
    },
  });
  const executor = new ChartExecutor<Ctx, { type: "GO" }>(machine);
  const refused = instance(false);
  executor.start(refused);
  assert.equal(executor.send(refused, { type: "GO" }), true);
  assert.deepEqual(refused.log, ["enter A", "refused"]);
  assert.equal(refused.state, "A");

  const allowed = instance(true);
  executor.start(allowed);
  executor.send(allowed, { type: "GO" });
  assert.deepEqual(allowed.log, ["enter A", "exit A", "go", "enter B"]);
  assert.equal(executor.isDone(allowed), true);
  assert.equal(executor.send(allowed, { type: "GO" }), false); // final: ignored

  const actorCtx = instance(true);
  createActor(machine, { input: actorCtx }).start().send({ type: "GO" });
  assert.deepEqual(actorCtx.log, allowed.log);
});

Deno.test("self-target re-enters only with reenter: true", () => {
  const machine = base.createMachine({
    context: ({ input }) => input,
    initial: "A",
    states: {
      A: {
        entry: [{ type: "note", params: { text: "enter" } }],
        exit: [{ type: "note", params: { text: "exit" } }],
        on: { GO: { target: "A" }, NEXT: { target: "A", reenter: true } },
      },
    },
  });
  const executor = new ChartExecutor<Ctx, { type: "GO" } | { type: "NEXT" }>(machine);
  const ctx = instance();
  executor.start(ctx);
  executor.send(ctx, { type: "GO" });
  executor.send(ctx, { type: "NEXT" });
  const actorCtx = instance();
  const actor = createActor(machine, { input: actorCtx }).start();
  actor.send({ type: "GO" });
  actor.send({ type: "NEXT" });
  actor.stop();
  assert.deepEqual(ctx.log, ["enter", "exit", "enter"]);
  assert.deepEqual(ctx.log, actorCtx.log);
});

Deno.test("an event sent from inside an action waits for the current one (run-to-completion)", () => {
  const late: { executor?: ChartExecutor<Ctx, { type: "GO" } | { type: "NEXT" }> } = {};
  const machine = setup({
    types: {
      context: {} as Ctx,
      input: {} as Ctx,
      events: {} as { type: "GO" } | { type: "NEXT" },
    },
    actions: {
      note: ({ context }, params: { text: string }) => context.log.push(params.text),
      sendNext: ({ context }) => late.executor!.send(context, { type: "NEXT" }),
    },
  }).createMachine({
    context: ({ input }) => input,
    initial: "A",
    states: {
      A: {
        on: {
          GO: { target: "B", actions: ["sendNext", { type: "note", params: { text: "go" } }] },
        },
      },
      B: {
        entry: [{ type: "note", params: { text: "enter B" } }],
        on: { NEXT: { target: "C", actions: [{ type: "note", params: { text: "next" } }] } },
      },
      C: {},
    },
  });
  const executor = new ChartExecutor<Ctx, { type: "GO" } | { type: "NEXT" }>(machine);
  late.executor = executor;
  const ctx = instance();
  executor.start(ctx);
  executor.send(ctx, { type: "GO" });
  assert.deepEqual(ctx.log, ["go", "enter B", "next"]);
  assert.equal(ctx.state, "C");
  assert.equal(ctx.mailbox?.length ?? 0, 0);
});

/** Machines using features the executor does not implement; each must be refused. */
const unsupported: Record<string, [RegExp, () => unknown]> = {
  "delayed transition": [/delayed \(after\)/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { after: { 100: "B" } }, B: {} },
    })],
  "eventless transition": [/always transitions/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { always: "B" }, B: {} },
    })],
  "nested states": [/compound states/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { initial: "X", states: { X: {} } } },
    })],
  "parallel root": [/root must be a compound state/, () =>
    base.createMachine({
      context: fromInput,
      type: "parallel",
      states: { A: {}, B: {} },
    })],
  "inline action": [/inline function/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { on: { GO: { actions: () => {} } } } },
    })],
  "assign action": [/xstate\.assign/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { on: { GO: { actions: assign({ allow: false }) } } } },
    })],
  "raise action": [/xstate\.raise/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { entry: raise({ type: "GO" }) } },
    })],
  "inline guard": [/inline function/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { on: { GO: { guard: () => true, target: "B" } } }, B: {} },
    })],
  "wildcard event": [/wildcard events/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      states: { A: { on: { "*": "B" } }, B: {} },
    })],
  "root transition": [/root transitions/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      on: { GO: ".B" },
      states: { A: {}, B: {} },
    })],
  "root entry action": [/root entry\/exit actions/, () =>
    base.createMachine({
      context: fromInput,
      initial: "A",
      entry: [{ type: "note", params: { text: "root" } }],
      states: { A: {} },
    })],
};

for (const [feature, [reason, build]] of Object.entries(unsupported)) {
  Deno.test(`compileChart refuses a chart with ${feature}`, () => {
    const machine = build() as Parameters<typeof compileChart>[0];
    assert.throws(
      () => compileChart(machine),
      (e) => e instanceof ChartCompileError && reason.test(e.message),
    );
  });
}
