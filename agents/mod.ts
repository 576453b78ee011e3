/**
 * The fleet: what each simulated member does, wired for the runner.
 *
 * @example
 * ```ts
 * import { defaultLabTarget, defaultWorkloads } from "./agents/mod.ts";
 * // runScenario(scenario, { workloads: defaultWorkloads(), labTarget: defaultLabTarget() })
 * ```
 *
 * @module
 */
import type { LabTargetFactory, WorkloadFactory } from "../lab/runner/workload.ts";
import { callWorkload } from "./call_workload.ts";
import { labTarget } from "./lab_target.ts";
import { flowWorkload } from "./flow/mod.ts";

export { callWorkload } from "./call_workload.ts";
export { flowWorkload } from "./flow/mod.ts";
export { labTarget } from "./lab_target.ts";
export { BasicCaller, type CallOutcome } from "./uac/caller.ts";
export { UasAgent } from "./uas/uas_agent.ts";
export { basicCallUacChart } from "./uac/basic_call_chart.ts";
export { basicCallUasChart } from "./uas/basic_call_chart.ts";

/** Every workload kind this build can run (the runner adds `noop`). */
export function defaultWorkloads(): WorkloadFactory[] {
  return [callWorkload(), flowWorkload()];
}

/** The lab target: starts the in-lab agents a scenario asks for. */
export function defaultLabTarget(): LabTargetFactory {
  return labTarget();
}
