/**
 * A hot-path interpreter for flat XState v5 charts (transactions, dialogs, agents).
 *
 * The XState machine stays the single source of truth. `compileChart` walks the machine's
 * state nodes at runtime and builds a table state × event type → candidate transitions
 * ({target, guard name, action names + params}), together with each state's entry and exit
 * actions. `ChartExecutor` then runs that table over plain objects (`ChartInstance`), calling
 * the machine's own named action and guard implementations with the same arguments
 * XState passes (`{ context, event }`, params). No actor, no snapshot objects: a transition
 * costs a map lookup and the action calls.
 *
 * Semantics follow XState v5 for the supported subset: the first candidate whose guard passes
 * is taken; exit actions of the source, then the transition's actions, then entry actions of
 * the target; a targetless transition (or a self-target without `reenter`) runs only its
 * actions; events with no enabled transition are ignored; a final state ends the instance.
 * Events sent to an instance while it is processing an event are queued and processed after
 * it (run-to-completion, like an actor's mailbox).
 *
 * Anything outside the subset makes `compileChart` throw `ChartCompileError`: nested, parallel
 * or history states, `always`, `after`, `invoke`, wildcard events, transitions on the root or
 * out of final states, inline or built-in (assign, raise, ...) actions and guards, unknown
 * names, multiple targets.
 *
 * @example
 * ```ts
 * const executor = new ChartExecutor(machine);
 * const instance = { state: "", running: false, mailbox: undefined, ...fields };
 * executor.start(instance);              // enters the initial state, runs its entry actions
 * executor.send(instance, { type: "GO" }); // instance.state is the new state
 * ```
 *
 * @module
 */
import type { AnyStateMachine, EventObject } from "xstate";

/** The fields the executor keeps on each instance; the instance is also the actions' context. */
export interface ChartInstance {
  /** The current state's key ("" before `start`). */
  state: string;
  /** True while an event is being processed (events sent meanwhile are queued). */
  running: boolean;
  /** Events waiting for the current one to finish. */
  mailbox: EventObject[] | undefined;
}

/** A named action or guard with its params, as written in the chart. */
export interface NamedCall {
  name: string;
  params: unknown;
}

/** One candidate transition of a state for an event. */
export interface CompiledTransition {
  source: string;
  event: string;
  /** Target state key; undefined for a targetless transition. */
  target: string | undefined;
  /** Exit the source and enter the target (a real state change, or `reenter: true`). */
  changesState: boolean;
  guard: NamedCall | undefined;
  actions: readonly NamedCall[];
}

/** One state of a compiled chart. */
export interface CompiledState {
  key: string;
  final: boolean;
  entry: readonly NamedCall[];
  exit: readonly NamedCall[];
  /** Event type → candidates in chart order (first enabled one wins). */
  on: ReadonlyMap<string, readonly CompiledTransition[]>;
}

/** The table derived from a machine. */
export interface CompiledChart {
  id: string;
  initial: string;
  states: ReadonlyMap<string, CompiledState>;
  /** Every transition, in chart order. */
  transitions: readonly CompiledTransition[];
}

/**
 * The machine uses something the executor does not implement.
 *
 * @example
 * ```ts
 * try { compileChart(machine); } catch (e) { if (e instanceof ChartCompileError) console.error(e.message); }
 * ```
 */
export class ChartCompileError extends Error {
  constructor(chart: string, where: string, what: string) {
    super(`chart "${chart}" at ${where}: ${what}`);
    this.name = "ChartCompileError";
  }
}

/** The event entry actions of the initial state see, as in XState. */
const INIT_EVENT: EventObject = Object.freeze({ type: "xstate.init" });

type ActionImpl = (args: { context: unknown; event: EventObject }, params: unknown) => void;
type GuardImpl = (args: { context: unknown; event: EventObject }, params: unknown) => boolean;

/** Reads a chart's action or guard reference: a name, or `{ type, params }`. */
function namedCall(
  ref: unknown,
  known: Record<string, unknown>,
  fail: (what: string) => never,
): NamedCall {
  if (typeof ref === "string") {
    if (!(ref in known)) fail(`"${ref}" has no implementation`);
    return { name: ref, params: undefined };
  }
  if (
    typeof ref === "object" && ref !== null && typeof (ref as { type?: unknown }).type === "string"
  ) {
    const { type, params, ...rest } = ref as { type: string; params?: unknown };
    if (Object.keys(rest).length > 0) fail(`"${type}" has unsupported fields`);
    if (!(type in known)) fail(`"${type}" has no implementation`);
    return { name: type, params };
  }
  const label = typeof ref === "function"
    ? ((ref as { type?: string }).type ?? "inline function")
    : String(ref);
  return fail(`only named actions/guards are supported, found ${label}`);
}

/**
 * Derives the executor's table from a flat XState v5 machine; throws ChartCompileError on any
 * feature outside the supported subset (see the module documentation).
 *
 * @example
 * ```ts
 * const chart = compileChart(machine);
 * chart.states.get("Off")?.on.get("SWITCH"); // the candidate transitions
 * ```
 */
export function compileChart(machine: AnyStateMachine): CompiledChart {
  const root = machine.root;
  const id = machine.id;
  const actions = (machine.implementations.actions ?? {}) as Record<string, unknown>;
  const guards = (machine.implementations.guards ?? {}) as Record<string, unknown>;
  const failAt = (where: string) => (what: string): never => {
    throw new ChartCompileError(id, where, what);
  };

  const rootFail = failAt("root");
  if (root.type !== "compound") rootFail(`root must be a compound state, is ${root.type}`);
  if (root.transitions.size > 0 || (root.always?.length ?? 0) > 0) rootFail("root transitions");
  if (root.entry.length > 0 || root.exit.length > 0) rootFail("root entry/exit actions");
  if (root.invoke.length > 0) rootFail("invoke");
  const initialTransition = root.initial;
  if (initialTransition.actions.length > 0) rootFail("actions on the initial transition");
  if (initialTransition.target.length !== 1) rootFail("initial must have one target");
  const initial = initialTransition.target[0].key;

  const states = new Map<string, CompiledState>();
  const transitions: CompiledTransition[] = [];
  for (const [key, node] of Object.entries(root.states)) {
    const fail = failAt(`state ${key}`);
    if (node.type !== "atomic" && node.type !== "final") fail(`${node.type} states`);
    if (node.always && node.always.length > 0) fail("always transitions");
    if (node.after.length > 0) fail("delayed (after) transitions");
    if (node.invoke.length > 0) fail("invoke");
    const entry = node.entry.map((a) => namedCall(a, actions, fail));
    const exit = node.exit.map((a) => namedCall(a, actions, fail));
    const on = new Map<string, CompiledTransition[]>();
    if (node.type === "final" && node.transitions.size > 0) {
      fail("transitions out of a final state");
    }
    for (const [eventType, defs] of node.transitions) {
      const tfail = failAt(`state ${key}, event ${eventType}`);
      if (eventType === "*" || eventType.endsWith(".*")) tfail("wildcard events");
      if (eventType.startsWith("xstate.")) tfail("built-in events");
      const candidates: CompiledTransition[] = [];
      for (const def of defs) {
        const targets = def.target ?? [];
        if (targets.length > 1) tfail("multiple targets");
        const targetNode = targets[0];
        if (targetNode && targetNode.parent !== root) tfail("target outside the chart's top level");
        const target = targetNode?.key;
        const compiled: CompiledTransition = {
          source: key,
          event: eventType,
          target,
          changesState: target !== undefined && (target !== key || def.reenter),
          guard: def.guard === undefined ? undefined : namedCall(def.guard, guards, tfail),
          actions: def.actions.map((a) => namedCall(a, actions, tfail)),
        };
        candidates.push(compiled);
        transitions.push(compiled);
      }
      on.set(eventType, candidates);
    }
    states.set(key, { key, final: node.type === "final", entry, exit, on });
  }
  return { id, initial, states, transitions };
}

/**
 * Runs a compiled chart over plain instances with the machine's own action and guard
 * implementations (see the module documentation).
 *
 * @example
 * ```ts
 * const executor = new ChartExecutor(lampChart);
 * executor.start(lamp);
 * executor.send(lamp, { type: "SWITCH" });
 * ```
 */
export class ChartExecutor<TContext extends ChartInstance, TEvent extends EventObject> {
  readonly chart: CompiledChart;
  readonly #actions: Record<string, ActionImpl>;
  readonly #guards: Record<string, GuardImpl>;
  /** Reused argument object: actions must not keep a reference to it. */
  readonly #args: { context: unknown; event: EventObject } = {
    context: undefined,
    event: { type: "" },
  };

  constructor(machine: AnyStateMachine) {
    this.chart = compileChart(machine);
    this.#actions = (machine.implementations.actions ?? {}) as Record<string, ActionImpl>;
    this.#guards = (machine.implementations.guards ?? {}) as Record<string, GuardImpl>;
  }

  /** Enters the initial state and runs its entry actions (XState's `actor.start()`). */
  start(instance: TContext): void {
    const initial = this.chart.states.get(this.chart.initial)!;
    instance.state = initial.key;
    instance.running = true;
    try {
      this.#runAll(instance, initial.entry, INIT_EVENT);
      this.#drain(instance);
    } finally {
      instance.running = false;
    }
  }

  /**
   * The transition `event` would take from the instance's current state (guards evaluated
   * now), or undefined when the event would be ignored.
   */
  select(instance: TContext, event: TEvent): CompiledTransition | undefined {
    const candidates = this.chart.states.get(instance.state)?.on.get(event.type);
    if (!candidates) return undefined;
    for (const t of candidates) {
      if (!t.guard) return t;
      const args = this.#args;
      args.context = instance;
      args.event = event;
      if (this.#guards[t.guard.name](args, t.guard.params)) return t;
    }
    return undefined;
  }

  /**
   * Processes `event`. Returns false when the current state ignores it; true when a
   * transition ran, or when the event was queued behind the one being processed.
   */
  send(instance: TContext, event: TEvent): boolean {
    if (instance.running) {
      (instance.mailbox ??= []).push(event);
      return true;
    }
    instance.running = true;
    try {
      const taken = this.#step(instance, event);
      this.#drain(instance);
      return taken;
    } finally {
      instance.running = false;
    }
  }

  /** True once the instance reached a final state. */
  isDone(instance: TContext): boolean {
    return this.chart.states.get(instance.state)?.final ?? false;
  }

  /** Processes the events queued while the instance was busy, in order. */
  #drain(instance: TContext): void {
    const mailbox = instance.mailbox;
    while (mailbox && mailbox.length > 0) this.#step(instance, mailbox.shift() as TEvent);
  }

  #step(instance: TContext, event: TEvent): boolean {
    const t = this.select(instance, event);
    if (!t) return false;
    if (t.changesState) {
      this.#runAll(instance, this.chart.states.get(t.source)!.exit, event);
      instance.state = t.target!;
      this.#runAll(instance, t.actions, event);
      this.#runAll(instance, this.chart.states.get(t.target!)!.entry, event);
    } else {
      this.#runAll(instance, t.actions, event);
    }
    return true;
  }

  #runAll(instance: TContext, calls: readonly NamedCall[], event: EventObject): void {
    const args = this.#args;
    for (const call of calls) {
      args.context = instance;
      args.event = event;
      this.#actions[call.name](args, call.params);
    }
  }
}
