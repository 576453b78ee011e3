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
import type { AnyStateMachine } from "xstate";
import type { LabTargetFactory, WorkloadFactory } from "../lab/runner/workload.ts";
import { callWorkload } from "./call_workload.ts";
import { labTarget } from "./lab_target.ts";
import { flowWorkload } from "./flow/mod.ts";
import { signInWorkload } from "./signin_workload.ts";
import { imWorkload } from "./im_workload.ts";
import { presenceWorkload } from "./presence_workload.ts";
import { signInChart } from "./client/mod.ts";
import { imSessionChart } from "./im/mod.ts";
import { basicCallUacChart } from "./uac/basic_call_chart.ts";
import { basicCallUasChart } from "./uas/basic_call_chart.ts";

export { callWorkload } from "./call_workload.ts";
export {
  type CallEnd,
  CallUserLog,
  type CallUserLogOptions,
  type LoggedCall,
} from "./call_workload_users.ts";
export { flowWorkload } from "./flow/mod.ts";
export { signInWorkload } from "./signin_workload.ts";
export { IM_SESSION_MACHINE, imWorkload } from "./im_workload.ts";
export { presenceWorkload } from "./presence_workload.ts";
export { fanoutMetrics, FanoutProbe, type FanoutSamples } from "./presence_fanout_probe.ts";
export { LyncClient, type LyncClientOptions, LyncEndpoint, signInChart } from "./client/mod.ts";
export { labTarget } from "./lab_target.ts";
export { BasicCaller, type CallOutcome } from "./uac/caller.ts";
export { UasAgent } from "./uas/uas_agent.ts";
export { basicCallUacChart } from "./uac/basic_call_chart.ts";
export { basicCallUasChart } from "./uas/basic_call_chart.ts";

/** Every workload kind this build can run (the runner adds `noop`). */
export function defaultWorkloads(): WorkloadFactory[] {
  return [callWorkload(), flowWorkload(), signInWorkload(), imWorkload(), presenceWorkload()];
}

/**
 * The state machines whose actors the default workloads and lab agents count, by the machine
 * id they report under: what the live dashboard draws.
 *
 * @example
 * ```ts
 * startDashboard({ registry, control, charts: fleetCharts() });
 * ```
 */
export function fleetCharts(): Record<string, AnyStateMachine> {
  return {
    [basicCallUacChart.id]: basicCallUacChart,
    [basicCallUasChart.id]: basicCallUasChart,
    [signInChart.id]: signInChart,
    [imSessionChart.id]: imSessionChart,
  };
}

/** The lab target: starts the in-lab agents a scenario asks for. */
export function defaultLabTarget(): LabTargetFactory {
  return labTarget();
}
