import assert from "node:assert/strict";
import { setup } from "xstate";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import { machineGraph, rollUpCounts, type StateGraph } from "./state_graph.ts";

function edge(graph: StateGraph, source: string, target: string) {
  return graph.transitions.find((t) => t.source === source && t.target === target);
}

/** A call chart frozen for these tests (the agents' own charts evolve). */
const call = setup({
  types: {
    events: {} as
      | { type: "START" }
      | { type: "PROVISIONAL" }
      | { type: "ANSWERED" }
      | { type: "REJECTED" }
      | { type: "TIMEOUT" }
      | { type: "HOLD_ELAPSED" }
      | { type: "BYE_OK" },
  },
  actions: { sendAck: () => {} },
}).createMachine({
  id: "call",
  initial: "idle",
  states: {
    idle: { on: { START: "inviting" } },
    inviting: {
      on: {
        PROVISIONAL: "ringing",
        ANSWERED: "connected",
        REJECTED: "failed",
        TIMEOUT: "failed",
      },
    },
    ringing: {
      on: { PROVISIONAL: {}, ANSWERED: "connected", REJECTED: "failed", TIMEOUT: "failed" },
    },
    connected: { on: { ANSWERED: { actions: "sendAck" }, HOLD_ELAPSED: "hangingUp" } },
    hangingUp: { on: { BYE_OK: "completed", TIMEOUT: "failed" } },
    completed: { type: "final" },
    failed: { type: "final" },
  },
});

Deno.test("machineGraph: a call chart's states, arrows and layers", () => {
  const graph = machineGraph(call);
  assert.equal(graph.machine, "call");
  assert.equal(graph.initial, "idle");
  assert.deepEqual(
    graph.states.map((s) => [s.id, s.kind, s.layer, s.row]),
    [
      ["idle", "atomic", 0, 0],
      ["inviting", "atomic", 1, 0],
      ["ringing", "atomic", 2, 0],
      ["connected", "atomic", 3, 0],
      ["hangingUp", "atomic", 4, 0],
      ["completed", "final", 5, 0],
      ["failed", "final", 5, 1],
    ],
  );
  // Longest-path layers: every arrow of an acyclic chart points right.
  const column = new Map(graph.states.map((s) => [s.id, s.layer]));
  assert.ok(graph.transitions.every((t) => column.get(t.target)! > column.get(t.source)!));
  assert.equal(graph.layers, 6);
  assert.deepEqual(edge(graph, "idle", "inviting")?.events, ["START"]);
  // Two events lead from inviting to failed: one arrow, two labels.
  assert.deepEqual(edge(graph, "inviting", "failed")?.events, ["REJECTED", "TIMEOUT"]);
  // Targetless transitions (ringing PROVISIONAL, connected ANSWERED) change no state: no arrow.
  assert.equal(edge(graph, "ringing", "ringing"), undefined);
  assert.equal(edge(graph, "connected", "connected"), undefined);
  assert.equal(graph.transitions.length, 9);
  assert.ok(graph.transitions.every((t) => t.initial === undefined));
});

Deno.test("machineGraph: the agents' basic-call UAC chart is drawable", () => {
  const graph = machineGraph(basicCallUacChart);
  assert.equal(graph.machine, "uacCall");
  assert.equal(graph.initial, "idle");
  assert.deepEqual(graph.states.map((s) => s.id), Object.keys(basicCallUacChart.root.states));
  const ids = new Set(graph.states.map((s) => s.id));
  for (const t of graph.transitions) assert.ok(ids.has(t.source) && ids.has(t.target));
  assert.deepEqual(edge(graph, "idle", "inviting")?.events, ["START"]);
  // Breadth-first layers: every state but idle is entered from a state one layer to its left.
  const layer = new Map(graph.states.map((s) => [s.id, s.layer]));
  assert.equal(layer.get("idle"), 0);
  for (const state of graph.states.filter((s) => s.id !== "idle")) {
    const from = graph.transitions.filter((t) => t.target === state.id && t.source !== state.id);
    assert.ok(from.some((t) => layer.get(t.source) === state.layer - 1), state.id);
  }
});

const nested = setup({
  types: { events: {} as { type: "GO" } | { type: "DROP" } | { type: "RETRY" } },
  guards: { canRetry: () => true },
}).createMachine({
  id: "client",
  initial: "signingIn",
  states: {
    signingIn: { after: { 500: "signedIn" }, on: { DROP: "signedOut" } },
    signedIn: {
      initial: "online",
      on: { DROP: "signedOut" },
      states: {
        online: { on: { GO: "inCall" } },
        inCall: { on: { GO: "online" } },
      },
    },
    signedOut: {
      on: { RETRY: { target: "signingIn", guard: "canRetry" } },
      always: { target: "signingIn", guard: "canRetry" },
    },
  },
});

Deno.test("machineGraph: nested states, delayed, eventless and guarded transitions", () => {
  const graph = machineGraph(nested);
  // signedOut → signingIn and inCall → online close cycles: they are the arrows drawn back.
  assert.deepEqual(graph.states.map((s) => [s.id, s.parent ?? null, s.kind, s.layer, s.row]), [
    ["signingIn", null, "atomic", 0, 0],
    ["signedIn", null, "compound", 1, 0],
    ["signedIn.online", "signedIn", "atomic", 2, 0],
    ["signedIn.inCall", "signedIn", "atomic", 3, 0],
    ["signedOut", null, "atomic", 2, 1],
  ]);
  assert.deepEqual(edge(graph, "signingIn", "signedIn")?.events, ["after 500ms"]);
  assert.deepEqual(edge(graph, "signedOut", "signingIn")?.events, [
    "RETRY [canRetry]",
    "always [canRetry]",
  ]);
  assert.deepEqual(edge(graph, "signedIn", "signedIn.online"), {
    source: "signedIn",
    target: "signedIn.online",
    events: [],
    initial: true,
  });
  assert.deepEqual(edge(graph, "signedIn.online", "signedIn.inCall")?.events, ["GO"]);
});

Deno.test("rollUpCounts: compound states hold their descendants' actors", () => {
  const graph = machineGraph(nested);
  assert.deepEqual(
    rollUpCounts(graph, { "signedIn.online": 3, "signedIn.inCall": 2, signingIn: 4, ghost: 9 }),
    { signingIn: 4, signedIn: 5, "signedIn.online": 3, "signedIn.inCall": 2, signedOut: 0 },
  );
});
