/**
 * The runner: starts the lab agents and the workload drivers, builds the population, drives a
 * scenario's executor on one timer, enforces its duration, stops cleanly on Ctrl-C, and writes
 * the results folder from the first second. `workload.ts` is the contract the fleet's drivers
 * (in `agents/`) implement.
 *
 * @example
 * ```ts
 * import { noopWorkload, runScenario } from "./lab/runner/mod.ts";
 * import { loadScenario } from "./lab/scenario/mod.ts";
 * const result = await runScenario(await loadScenario("x.yaml"), { workloads: [noopWorkload] });
 * result.exitCode; // 0, 99, 130 or 1
 * ```
 *
 * @module
 */

export { type RunOptions, type RunResult, runScenario } from "./fleet.ts";
export { combineUserSources, type IterationFailure, type LiveRun } from "./live_run.ts";
export {
  LiveScheduleControl,
  type ScheduleControl,
  type ScheduleControlOptions,
  type ScheduleStatus,
} from "./schedule_control.ts";
export { RUN_EXIT_CODES, runExitCode, type RunOutcome, type StopReason } from "./run_outcome.ts";
export { formatIterationTotals, type IterationSeries, RunnerMetrics } from "./run_metrics.ts";
export { describeAbortingFailures, ThresholdWatch } from "./threshold_watch.ts";
export { type InterruptSources, StopControl, type StopRequest } from "./stop_control.ts";
export { checkRunnable, runnableWorkloads, RunSetupError } from "./availability.ts";
export { Population, type PopulationOptions } from "./population.ts";
export { expandPassword, passwordSecret } from "./password.ts";
export { type CsvRow, CsvSyntaxError, parseCsv } from "./csv.ts";
export { type IterationRunner, IterationScheduler, type SchedulerOptions } from "./scheduler.ts";
export { UserSampler } from "./user_sampler.ts";
export { WeightedPicker } from "./weighted_picker.ts";
export { noopWorkload } from "./noop_workload.ts";
export {
  benchSchedulerAccuracy,
  type SchedulerBenchOptions,
  type SchedulerBenchResult,
} from "./overhead_bench.ts";
export type {
  AgentAddress,
  FlowWorkload,
  IterationOutcome,
  LabTargetFactory,
  MachineStateCounts,
  OutcomeDiagnostics,
  PopulationUser,
  RunContext,
  RunnableWorkload,
  RunningLabAgents,
  UserActivity,
  UserActivitySource,
  UserMessageRecord,
  UserTransactionRecord,
  WorkloadDriver,
  WorkloadFactory,
} from "./workload.ts";
