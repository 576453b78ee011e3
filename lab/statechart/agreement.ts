/**
 * Proof that {@link ChartExecutor} behaves exactly like XState on a given chart.
 *
 * @xstate/graph enumerates every simple path of the chart (once per context variant, so that
 * guards reading the context take each branch); each path is then extended by every
 * combination of `extraSteps` further events, so self-loops, repeated events and ignored
 * events are exercised too. A real XState actor and the executor are driven with each event
 * sequence, both with recording action implementations, and must produce the same state
 * sequence and the same action sequence (names and params). Every compiled transition must be
 * taken at least once.
 *
 * The machine's context must be its input (`context: ({ input }) => input`), as for every
 * chart the executor runs: the instance is the context.
 *
 * @module
 */
import { getSimplePaths } from "@xstate/graph";
import { type AnyStateMachine, createActor, type EventObject } from "xstate";
import { ChartExecutor, type ChartInstance, type CompiledTransition } from "./chart_executor.ts";

/** Options of {@link assertExecutorAgreesWithChart}. */
export interface AgreementOptions {
  /**
   * Context fields to run the chart with, one traversal per entry (the executor's own fields
   * and the recording log are added). Default: one empty context.
   */
  contexts?: readonly Record<string, unknown>[];
  /** The event object for an event type (payload the guards read). Default: `{ type }`. */
  event?: (type: string) => EventObject;
  /** Events appended, in every combination, to each simple path. Default 2. */
  extraSteps?: number;
  /** Fail when some compiled transition was never taken. Default true. */
  requireAllTransitions?: boolean;
}

/** What the check walked. */
export interface AgreementReport {
  /** Simple paths found, summed over the context variants. */
  paths: number;
  /** Event sequences run on both the actor and the executor. */
  sequences: number;
  /** Compiled transitions taken at least once. */
  transitionsCovered: number;
}

/** The name of the field recording actions append to (kept off the caller's field names). */
const LOG = "__agreementLog";

type RecordingContext = ChartInstance & Record<string, unknown> & { [LOG]: string[] };

interface Trace {
  states: string[];
  actions: string[];
}

/** The machine with every action replaced by one that logs its name and params. */
function recording(machine: AnyStateMachine): AnyStateMachine {
  const actions: Record<string, (args: { context: RecordingContext }, params: unknown) => void> =
    {};
  for (const name of Object.keys(machine.implementations.actions)) {
    actions[name] = ({ context }, params) =>
      context[LOG].push(params === undefined ? name : `${name}${JSON.stringify(params)}`);
  }
  return machine.provide({ actions } as Parameters<AnyStateMachine["provide"]>[0]);
}

function newContext(fields: Record<string, unknown>): RecordingContext {
  return { ...fields, state: "", running: false, mailbox: undefined, [LOG]: [] };
}

function runActor(
  machine: AnyStateMachine,
  fields: Record<string, unknown>,
  events: readonly EventObject[],
): Trace {
  const context = newContext(fields);
  const actor = createActor(machine, { input: context });
  actor.start();
  const states = [JSON.stringify(actor.getSnapshot().value)];
  for (const event of events) {
    if (actor.getSnapshot().status === "done") break;
    actor.send(event);
    states.push(JSON.stringify(actor.getSnapshot().value));
  }
  actor.stop();
  return { states, actions: context[LOG] };
}

function runExecutor(
  executor: ChartExecutor<RecordingContext, EventObject>,
  fields: Record<string, unknown>,
  events: readonly EventObject[],
  covered: Set<CompiledTransition>,
): Trace {
  const context = newContext(fields);
  executor.start(context);
  const states = [JSON.stringify(context.state)];
  for (const event of events) {
    if (executor.isDone(context)) break;
    const taken = executor.select(context, event);
    if (taken) covered.add(taken);
    executor.send(context, event);
    states.push(JSON.stringify(context.state));
  }
  return { states, actions: context[LOG] };
}

/** Every sequence of `length` events drawn from `alphabet`. */
function* combinations(alphabet: readonly EventObject[], length: number): Generator<EventObject[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const rest of combinations(alphabet, length - 1)) {
    for (const event of alphabet) yield [...rest, event];
  }
}

function describe(trace: Trace): string {
  return `states ${trace.states.join(" → ")}; actions [${trace.actions.join(", ")}]`;
}

/**
 * Walks every path of `machine` with @xstate/graph and throws an Error naming the first event
 * sequence on which the executor and an XState actor disagree (states or actions), or the
 * transitions no sequence took. See the module documentation.
 *
 * @example
 * ```ts
 * Deno.test("executor agrees with the chart", () => {
 *   assertExecutorAgreesWithChart(inviteClientChart, {
 *     contexts: [{ reliable: false }, { reliable: true }],
 *     event: (type) => ({ type, response: dummyResponse }),
 *   });
 * });
 * ```
 */
export function assertExecutorAgreesWithChart(
  machine: AnyStateMachine,
  options: AgreementOptions = {},
): AgreementReport {
  const recorded = recording(machine);
  const executor = new ChartExecutor<RecordingContext, EventObject>(recorded);
  const makeEvent = options.event ?? ((type: string) => ({ type }));
  const types = [...new Set(executor.chart.transitions.map((t) => t.event))].sort();
  const alphabet = types.map(makeEvent);
  const covered = new Set<CompiledTransition>();
  const report: AgreementReport = { paths: 0, sequences: 0, transitionsCovered: 0 };
  for (const fields of options.contexts ?? [{}]) {
    const paths = getSimplePaths(recorded, {
      input: newContext(fields),
      events: alphabet,
      serializeState: (snapshot) => JSON.stringify(snapshot.value),
    });
    report.paths += paths.length;
    for (const path of paths) {
      const base = path.steps.slice(1).map((step) => step.event); // step 0 is xstate.init
      for (const extra of combinations(alphabet, options.extraSteps ?? 2)) {
        const sequence = [...base, ...extra];
        const expected = runActor(recorded, fields, sequence);
        const actual = runExecutor(executor, fields, sequence, covered);
        report.sequences++;
        if (JSON.stringify(actual) === JSON.stringify(expected)) continue;
        throw new Error(
          `chart "${machine.id}" with context ${JSON.stringify(fields)}: the executor disagrees ` +
            `with XState on ${sequence.map((e) => e.type).join(" ")}\n` +
            `  XState:   ${describe(expected)}\n  executor: ${describe(actual)}`,
        );
      }
    }
  }
  report.transitionsCovered = covered.size;
  const missed = executor.chart.transitions.filter((t) => !covered.has(t));
  if ((options.requireAllTransitions ?? true) && missed.length > 0) {
    const names = missed.map((t) => `${t.source} --${t.event}--> ${t.target ?? "(self)"}`);
    throw new Error(`chart "${machine.id}": transitions never taken: ${names.join("; ")}`);
  }
  return report;
}
