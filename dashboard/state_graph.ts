/**
 * The fleet's state chart, drawn from the XState machine definitions themselves: every state
 * node and transition of a machine as a JSON graph, laid out in left-to-right layers from the
 * initial state, so the browser only places boxes and arrows.
 *
 * State ids are dotted paths below the machine's root (`connected`, `signedIn.online`): the
 * keys the agents use in `registry.stateCounts(machine, counts)`.
 *
 * @module
 */

import type { AnyStateMachine } from "xstate";

/** XState's kinds of state node. */
export type StateKind = "atomic" | "compound" | "parallel" | "final" | "history";

/** One state box. */
export interface GraphState {
  /** Dotted path below the root. */
  readonly id: string;
  /** The node's own key (the last part of `id`). */
  readonly key: string;
  /** Id of the enclosing state; absent at the top level. */
  readonly parent?: string;
  readonly kind: StateKind;
  /** Column: longest path from the initial state, cycles aside (unreachable states last). */
  readonly layer: number;
  /** Row within the column. */
  readonly row: number;
}

/** One arrow: every event leading from `source` to `target`. */
export interface GraphTransition {
  readonly source: string;
  readonly target: string;
  /** Event names (`INVITE`, `after 500ms`, `always`), with `[guard]` when guarded. */
  readonly events: readonly string[];
  /** Entering a compound state enters its initial child: drawn dashed, no event. */
  readonly initial?: boolean;
}

/** A machine as the dashboard draws it. */
export interface StateGraph {
  /** The machine's id (the `machine` of `stateCounts`). */
  readonly machine: string;
  /** Id of the state the machine starts in. */
  readonly initial: string;
  readonly states: readonly GraphState[];
  readonly transitions: readonly GraphTransition[];
  /** Number of columns. */
  readonly layers: number;
}

type AnyNode = AnyStateMachine["root"];

/** XState's internal event names for delayed and eventless transitions. */
const AFTER_PREFIX = "xstate.after.";

function pathOf(node: AnyNode): string {
  return node.path.join(".");
}

function guardName(guard: unknown): string | undefined {
  if (guard === undefined || guard === null) return undefined;
  if (typeof guard === "string") return guard;
  if (typeof guard === "object" && "type" in guard && typeof guard.type === "string") {
    return guard.type;
  }
  if (typeof guard === "function") return guard.name || "guard";
  return "guard";
}

function eventLabel(eventType: string, guard: unknown, delays: Map<string, unknown>): string {
  let label = eventType;
  if (eventType === "") label = "always";
  else if (eventType.startsWith(AFTER_PREFIX)) {
    const delay = delays.get(eventType);
    label = typeof delay === "number" ? `after ${delay}ms` : `after ${String(delay ?? "delay")}`;
  }
  const name = guardName(guard);
  return name === undefined ? label : `${label} [${name}]`;
}

/**
 * The graph of a machine: its state nodes (the root excluded), its transitions merged per
 * source and target, and a layered left-to-right layout.
 *
 * @example
 * ```ts
 * const graph = machineGraph(basicCallUacChart);
 * graph.states.map((s) => s.id); // ["idle", "inviting", "ringing", "connected", …]
 * ```
 */
export function machineGraph(machine: AnyStateMachine): StateGraph {
  const root = machine.root;
  const nodes: AnyNode[] = [];
  const visit = (node: AnyNode) => {
    for (const child of Object.values(node.states) as AnyNode[]) {
      nodes.push(child);
      visit(child);
    }
  };
  visit(root);

  const edges = new Map<string, { source: string; target: string; events: string[] }>();
  const initialEdges: GraphTransition[] = [];
  const addEdge = (source: string, target: string, event: string) => {
    const key = `${source}\u0000${target}`;
    const edge = edges.get(key);
    if (edge === undefined) edges.set(key, { source, target, events: [event] });
    else if (!edge.events.includes(event)) edge.events.push(event);
  };
  for (const node of nodes) {
    const source = pathOf(node);
    const delays = new Map<string, unknown>(node.after.map((t) => [t.eventType, t.delay]));
    const definitions = [...[...node.transitions.values()].flat(), ...(node.always ?? [])];
    for (const t of definitions) {
      // A transition without a target stays in its state (only actions run): no arrow.
      for (const target of t.target ?? []) {
        addEdge(source, pathOf(target), eventLabel(t.eventType, t.guard, delays));
      }
    }
    if (node.type === "compound") {
      for (const target of node.initial.target) {
        initialEdges.push({ source, target: pathOf(target), events: [], initial: true });
      }
    }
  }
  const transitions: GraphTransition[] = [...edges.values(), ...initialEdges];
  const initial = root.initial.target.map(pathOf)[0] ?? (nodes[0] ? pathOf(nodes[0]) : "");
  return { machine: machine.id, initial, transitions, ...layout(nodes, transitions, initial) };
}

/**
 * Columns by longest path from the initial state once the edges closing a cycle (found by a
 * depth-first walk from the initial state) are set aside, so every other arrow points right;
 * states the walk never reaches go in a last column. Rows: each column sorted by the mean row
 * of its states' predecessors (fewer crossings), then document order.
 */
function layout(
  nodes: readonly AnyNode[],
  transitions: readonly GraphTransition[],
  initial: string,
): { states: GraphState[]; layers: number } {
  const ids = nodes.map(pathOf);
  const successors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const t of transitions) {
    if (t.source !== t.target) successors.get(t.source)?.push(t.target);
  }
  // Depth-first walk: an edge to a state still on the walk's stack closes a cycle.
  const forward = new Map<string, string[]>(ids.map((id) => [id, []]));
  const onStack = new Set<string>();
  const finished: string[] = [];
  const seen = new Set<string>();
  const walk = (id: string) => {
    seen.add(id);
    onStack.add(id);
    for (const target of successors.get(id) ?? []) {
      if (onStack.has(target)) continue;
      forward.get(id)?.push(target);
      if (!seen.has(target)) walk(target);
    }
    onStack.delete(id);
    finished.push(id);
  };
  if (successors.has(initial)) walk(initial);
  // Longest path in reverse finishing order (a topological order of the forward edges).
  const layer = new Map<string, number>([[initial, 0]]);
  for (const id of finished.reverse()) {
    for (const target of forward.get(id) ?? []) {
      layer.set(target, Math.max(layer.get(target) ?? 0, (layer.get(id) ?? 0) + 1));
    }
  }
  const reachedLayers = seen.size === 0
    ? 0
    : Math.max(...[...seen].map((id) => layer.get(id) ?? 0)) + 1;
  for (const id of ids) if (!seen.has(id)) layer.set(id, reachedLayers);

  const predecessors = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [source, targets] of forward) {
    for (const target of targets) predecessors.get(target)?.push(source);
  }
  const row = new Map<string, number>();
  const layers = ids.length === 0 ? 0 : Math.max(...layer.values()) + 1;
  for (let column = 0; column < layers; column++) {
    const here = ids.filter((id) => layer.get(id) === column);
    const centre = (id: string) => {
      const rows = (predecessors.get(id) ?? []).map((p) => row.get(p) ?? 0);
      return rows.length === 0 ? Infinity : rows.reduce((a, b) => a + b, 0) / rows.length;
    };
    const order = here.map((id, index) => ({ id, index, centre: centre(id) }))
      .sort((a, b) => a.centre - b.centre || a.index - b.index);
    order.forEach(({ id }, i) => row.set(id, i));
  }

  const parentOf = (node: AnyNode) =>
    node.parent !== undefined && node.parent.parent !== undefined ? pathOf(node.parent) : undefined;
  const states = nodes.map((node, i): GraphState => {
    const parent = parentOf(node);
    return {
      id: ids[i],
      key: node.key,
      ...(parent === undefined ? {} : { parent }),
      kind: node.type,
      layer: layer.get(ids[i]) ?? 0,
      row: row.get(ids[i]) ?? 0,
    };
  });
  return { states, layers };
}

/**
 * Counts per state id with compound states holding the sum of their descendants (plus any
 * count reported for the compound state itself).
 *
 * @example
 * ```ts
 * rollUpCounts(graph, { "signedIn.online": 3, "signedIn.busy": 2 })["signedIn"]; // 5
 * ```
 */
export function rollUpCounts(
  graph: StateGraph,
  counts: Readonly<Record<string, number>>,
): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const state of graph.states) totals[state.id] = 0;
  for (const [id, count] of Object.entries(counts)) {
    const parts = id.split(".");
    for (let i = 1; i <= parts.length; i++) {
      const prefix = parts.slice(0, i).join(".");
      if (prefix in totals) totals[prefix] += count;
    }
  }
  return totals;
}
