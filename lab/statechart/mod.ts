/**
 * Statecharts on the hot path: `compileChart` turns a flat XState v5 machine into a table,
 * `ChartExecutor` runs that table over plain objects with the machine's own named actions and
 * guards, and `assertExecutorAgreesWithChart` proves (in tests) that the executor and XState
 * agree on every path of a chart. Imports nothing but xstate and @xstate/graph.
 *
 * @example
 * ```ts
 * const executor = new ChartExecutor<Lamp, LampEvent>(lampChart);
 * const lamp: Lamp = { state: "", running: false, mailbox: undefined, watts: 40 };
 * executor.start(lamp);
 * executor.send(lamp, { type: "SWITCH" });
 * ```
 *
 * @module
 */
export {
  ChartCompileError,
  ChartExecutor,
  type ChartInstance,
  compileChart,
  type CompiledChart,
  type CompiledState,
  type CompiledTransition,
  type NamedCall,
} from "./chart_executor.ts";
export {
  type AgreementOptions,
  type AgreementReport,
  assertExecutorAgreesWithChart,
} from "./agreement.ts";
