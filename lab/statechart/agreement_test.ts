import assert from "node:assert/strict";
import { setup } from "xstate";
import { assertExecutorAgreesWithChart } from "./agreement.ts";
import type { ChartInstance } from "./chart_executor.ts";

interface Door extends ChartInstance {
  locked: boolean;
}

type DoorEvent = { type: "OPEN" } | { type: "CLOSE" } | { type: "KNOCK"; loud?: boolean };

/** A door whose OPEN is guarded by the context and whose KNOCK reads the event payload. */
function doorChart(guards: { mayOpen: (args: { context: Door }) => boolean }) {
  return setup({
    types: { context: {} as Door, input: {} as Door, events: {} as DoorEvent },
    actions: {
      creak: () => {},
      say: (_, _params: { text: string }) => {},
    },
    guards: {
      mayOpen: guards.mayOpen,
      loud: ({ event }) => event.type === "KNOCK" && event.loud === true,
    },
  }).createMachine({
    id: "door",
    context: ({ input }) => input,
    initial: "Closed",
    states: {
      Closed: {
        entry: [{ type: "say", params: { text: "closed" } }],
        on: {
          OPEN: [{ guard: "mayOpen", target: "Open", actions: ["creak"] }, {
            actions: [{ type: "say", params: { text: "locked" } }],
          }],
          KNOCK: { guard: "loud", target: "Open" },
        },
      },
      Open: {
        exit: ["creak"],
        on: { CLOSE: "Closed", KNOCK: {} },
      },
    },
  });
}

const pure = doorChart({ mayOpen: ({ context }) => !context.locked });

Deno.test("a well-behaved chart passes, with every transition covered over both contexts", () => {
  const report = assertExecutorAgreesWithChart(pure, {
    contexts: [{ locked: false }, { locked: true }],
    event: (type) => ({ type, loud: true }),
  });
  assert.ok(report.paths >= 2, `paths: ${report.paths}`);
  // 3 event types, 2 extra steps → 9 extensions of every path.
  assert.equal(report.sequences, report.paths * 9);
  assert.equal(report.transitionsCovered, 5);
});

Deno.test("a transition no context reaches is reported unless coverage is waived", () => {
  // Always locked: OPEN's first candidate is never taken.
  assert.throws(
    () =>
      assertExecutorAgreesWithChart(pure, {
        contexts: [{ locked: true }],
        event: (type) => ({ type, loud: true }),
      }),
    /transitions never taken: Closed --OPEN--> Open/,
  );
  const report = assertExecutorAgreesWithChart(pure, {
    contexts: [{ locked: true }],
    event: (type) => ({ type, loud: true }),
    requireAllTransitions: false,
  });
  assert.equal(report.transitionsCovered, 4);
});

Deno.test("an impure guard makes the executor and the actor disagree, and the check says where", () => {
  let calls = 0;
  // The answer alternates between calls, so the actor's run and the executor's run differ.
  const flaky = doorChart({ mayOpen: () => calls++ % 3 === 0 });
  assert.throws(
    () => assertExecutorAgreesWithChart(flaky, { event: (type) => ({ type, loud: true }) }),
    /chart "door" with context \{\}: the executor disagrees with XState on .*OPEN/,
  );
});

Deno.test("extraSteps controls how far each path is extended", () => {
  const none = assertExecutorAgreesWithChart(pure, {
    contexts: [{ locked: false }],
    event: (type) => ({ type, loud: true }),
    extraSteps: 0,
    requireAllTransitions: false,
  });
  assert.equal(none.sequences, none.paths);
  const one = assertExecutorAgreesWithChart(pure, {
    contexts: [{ locked: false }],
    event: (type) => ({ type, loud: true }),
    extraSteps: 1,
    requireAllTransitions: false,
  });
  assert.equal(one.sequences, one.paths * 3);
});
