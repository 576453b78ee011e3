/**
 * A small executor for flat XState charts, so that thousands of dialogs can run as plain
 * objects driven by the chart's own data: the executor reads the machine's config (states,
 * `on` transitions, `entry`/`exit` actions, named guards) and calls named implementations.
 *
 * Supported subset (anything else is rejected when compiling, so the executor never silently
 * disagrees with XState): one level of states, string targets naming a sibling other than the
 * source (self-loops are written without a target), `type: "final"`, actions and guards given
 * by name (string or `{ type }`). Semantics follow XState v5: the first transition whose guard
 * passes is taken; a transition without target runs its actions only; with a target the order
 * is exit actions, transition actions, entry actions; events sent while an event is being
 * processed are queued (the actor mailbox); a final state ignores further events.
 * `flat_chart_test.ts` walks every chart with `@xstate/graph` to prove the agreement.
 *
 * @module
 */

/** Any event: a `type` plus payload. */
export interface ChartEvent {
  readonly type: string;
}

/** The event entry actions of the initial state receive when the runner starts (as in XState). */
export interface InitEvent {
  readonly type: "xstate.init";
}

/** The start event value. */
export const INIT_EVENT: InitEvent = { type: "xstate.init" };

interface CompiledTransition {
  readonly target: string | undefined;
  readonly guard: string | undefined;
  readonly actions: readonly string[];
}

interface CompiledState {
  readonly final: boolean;
  readonly entry: readonly string[];
  readonly exit: readonly string[];
  readonly on: ReadonlyMap<string, readonly CompiledTransition[]>;
}

/** A chart compiled for {@link FlatChartRunner}. */
export interface CompiledChart {
  readonly id: string;
  readonly initial: string;
  readonly states: ReadonlyMap<string, CompiledState>;
  /** Every action name the chart uses. */
  readonly actionNames: ReadonlySet<string>;
  /** Every guard name the chart uses. */
  readonly guardNames: ReadonlySet<string>;
}

const STATE_KEYS = new Set(["type", "entry", "exit", "on", "description", "tags", "meta"]);
const TRANSITION_KEYS = new Set(["target", "actions", "guard", "description", "meta"]);

/**
 * Compiles a flat machine's config (`machine.config`). Throws on anything outside the subset.
 *
 * @example
 * ```ts
 * const compiled = compileFlatChart(inviteDialogChart.config);
 * ```
 */
export function compileFlatChart(config: unknown): CompiledChart {
  const root = asRecord(config, "machine config");
  const id = typeof root.id === "string" ? root.id : "(machine)";
  const statesConfig = asRecord(root.states, `${id}.states`);
  if (typeof root.initial !== "string" || !(root.initial in statesConfig)) {
    throw new Error(`${id}: initial must name a state`);
  }
  for (const [key, value] of Object.entries(root)) {
    // `setup()` adds `schemas` (type information, undefined unless given).
    if (value === undefined || key === "schemas") continue;
    if (!["id", "initial", "states", "description", "types", "version"].includes(key)) {
      throw new Error(`${id}: unsupported machine key "${key}"`);
    }
  }
  const actionNames = new Set<string>();
  const guardNames = new Set<string>();
  const states = new Map<string, CompiledState>();
  for (const [name, raw] of Object.entries(statesConfig)) {
    const where = `${id}.${name}`;
    const state = asRecord(raw, where);
    for (const key of Object.keys(state)) {
      if (!STATE_KEYS.has(key)) throw new Error(`${where}: unsupported state key "${key}"`);
    }
    if (state.type !== undefined && state.type !== "final") {
      throw new Error(`${where}: only final states may have a type`);
    }
    const entry = actionList(state.entry, where);
    const exit = actionList(state.exit, where);
    entry.forEach((a) => actionNames.add(a));
    exit.forEach((a) => actionNames.add(a));
    const on = new Map<string, CompiledTransition[]>();
    for (const [eventType, spec] of Object.entries(asRecord(state.on ?? {}, `${where}.on`))) {
      if (eventType === "*" || eventType.includes(".*")) {
        throw new Error(`${where}: wildcard events are not supported`);
      }
      const list = (Array.isArray(spec) ? spec : [spec]).map((t) =>
        compileTransition(t, `${where}.on.${eventType}`, name, statesConfig)
      );
      for (const t of list) {
        t.actions.forEach((a) => actionNames.add(a));
        if (t.guard !== undefined) guardNames.add(t.guard);
      }
      on.set(eventType, list);
    }
    if (state.type === "final" && on.size > 0) throw new Error(`${where}: final state with events`);
    states.set(name, { final: state.type === "final", entry, exit, on });
  }
  if (states.get(root.initial)!.final) {
    throw new Error(`${id}: the initial state cannot be final`);
  }
  return { id, initial: root.initial, states, actionNames, guardNames };
}

function compileTransition(
  spec: unknown,
  where: string,
  source: string,
  states: Record<string, unknown>,
): CompiledTransition {
  const t = typeof spec === "string" ? { target: spec } : asRecord(spec, where);
  for (const key of Object.keys(t)) {
    if (!TRANSITION_KEYS.has(key)) throw new Error(`${where}: unsupported transition key "${key}"`);
  }
  let target: string | undefined;
  if (t.target !== undefined) {
    if (typeof t.target !== "string" || !(t.target in states)) {
      throw new Error(`${where}: target must name a sibling state`);
    }
    if (t.target === source) {
      throw new Error(`${where}: write a self-transition without a target`);
    }
    target = t.target;
  }
  let guard: string | undefined;
  if (t.guard !== undefined) guard = nameOf(t.guard, `${where}.guard`);
  return { target, guard, actions: actionList(t.actions, where) };
}

function actionList(spec: unknown, where: string): string[] {
  if (spec === undefined) return [];
  return (Array.isArray(spec) ? spec : [spec]).map((a) => nameOf(a, `${where} action`));
}

function nameOf(spec: unknown, where: string): string {
  if (typeof spec === "string") return spec;
  const rec = asRecord(spec, where);
  if (typeof rec.type !== "string" || Object.keys(rec).some((k) => k !== "type")) {
    throw new Error(`${where}: only named actions and guards are supported`);
  }
  return rec.type;
}

function asRecord(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected an object`);
  }
  return value as Record<string, unknown>;
}

/** The named effects and predicates a runner calls. */
export interface ChartImplementations<E extends ChartEvent> {
  actions: Record<string, (event: E | InitEvent) => void>;
  guards?: Record<string, (event: E) => boolean>;
}

/**
 * Runs one instance of a compiled chart.
 *
 * @example
 * ```ts
 * const runner = new FlatChartRunner(compiled, { actions: { sendBye: () => send(bye) } });
 * runner.start();
 * runner.send({ type: "HANGUP" });
 * runner.state; // "byeSent"
 * ```
 */
export class FlatChartRunner<E extends ChartEvent> {
  readonly #chart: CompiledChart;
  readonly #actions: ChartImplementations<E>["actions"];
  readonly #guards: NonNullable<ChartImplementations<E>["guards"]>;
  #state: string;
  #started = false;
  #busy = false;
  readonly #queue: E[] = [];

  constructor(chart: CompiledChart, impl: ChartImplementations<E>) {
    for (const name of chart.actionNames) {
      if (!(name in impl.actions)) throw new Error(`${chart.id}: no implementation of "${name}"`);
    }
    const guards = impl.guards ?? {};
    for (const name of chart.guardNames) {
      if (!(name in guards)) throw new Error(`${chart.id}: no guard "${name}"`);
    }
    this.#chart = chart;
    this.#actions = impl.actions;
    this.#guards = guards;
    this.#state = chart.initial;
  }

  /** The current state name. */
  get state(): string {
    return this.#state;
  }

  /** True once a final state is reached. */
  get done(): boolean {
    return this.#chart.states.get(this.#state)!.final;
  }

  /** Enters the initial state, running its entry actions with the init event. */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    this.#busy = true;
    try {
      for (const a of this.#chart.states.get(this.#state)!.entry) this.#actions[a](INIT_EVENT);
    } finally {
      this.#busy = false;
    }
    this.#drain();
  }

  /**
   * Delivers an event; returns true when a transition was taken. While another event is being
   * processed, the event is queued and false is returned.
   */
  send(event: E): boolean {
    if (!this.#started) throw new Error(`${this.#chart.id}: send before start`);
    this.#queue.push(event);
    if (this.#busy) return false;
    return this.#drain();
  }

  /** Processes queued events; returns whether the first one took a transition. */
  #drain(): boolean {
    let first: boolean | undefined;
    this.#busy = true;
    try {
      for (let event = this.#queue.shift(); event !== undefined; event = this.#queue.shift()) {
        const taken = this.#step(event);
        first ??= taken;
      }
    } finally {
      this.#busy = false;
      this.#queue.length = 0;
    }
    return first ?? false;
  }

  #step(event: E): boolean {
    const source = this.#chart.states.get(this.#state)!;
    if (source.final) return false;
    const candidates = source.on.get(event.type);
    if (candidates === undefined) return false;
    const chosen = candidates.find((t) => t.guard === undefined || this.#guards[t.guard](event));
    if (chosen === undefined) return false;
    if (chosen.target === undefined) {
      for (const a of chosen.actions) this.#actions[a](event);
      return true;
    }
    const target = this.#chart.states.get(chosen.target)!;
    for (const a of source.exit) this.#actions[a](event);
    for (const a of chosen.actions) this.#actions[a](event);
    this.#state = chosen.target;
    for (const a of target.entry) this.#actions[a](event);
    return true;
  }
}
