/**
 * Before a run: is every workload of the scenario one the fleet can drive? Kinds marked
 * `planned` in `WORKLOAD_STATUS` are refused as scenario errors pointing at the `kind` field;
 * a kind without a driver factory in this build, or a lab target without the lab agents, is a
 * setup error.
 *
 * @module
 */

import {
  formatFieldPath,
  locateIssue,
  type PathSegment,
  type Scenario,
  ScenarioError,
  WORKLOAD_STATUS,
} from "../scenario/mod.ts";
import type { LabTargetFactory, RunnableWorkload, WorkloadFactory } from "./workload.ts";

/**
 * The run cannot start for a reason outside the scenario file (a missing driver).
 *
 * @example
 * ```ts
 * try { await runScenario(scenario, { workloads: [] }); }
 * catch (e) { if (e instanceof RunSetupError) console.error(e.message); }
 * ```
 */
export class RunSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RunSetupError";
  }
}

/**
 * The scenario's workloads and its flow, as the runner picks among them.
 *
 * @example
 * ```ts
 * runnableWorkloads(scenario).map((w) => w.kind); // ["call", "flow"]
 * ```
 */
export function runnableWorkloads(scenario: Scenario): RunnableWorkload[] {
  const runnable: RunnableWorkload[] = [...scenario.workloads];
  if (scenario.flow !== undefined) {
    runnable.push({
      kind: "flow",
      name: scenario.flow.name,
      weight: scenario.flow.weight,
      thinkTime: { kind: "constant", value: 0 },
      flow: scenario.flow,
    });
  }
  return runnable;
}

/**
 * Check that every workload can run; returns them with the factory of each. `scenarioText` is
 * the file's text, to point at the line of a refused workload.
 *
 * @example
 * ```ts
 * const drivers = checkRunnable(scenario, text, [noopWorkload], undefined);
 * ```
 */
export function checkRunnable(
  scenario: Scenario,
  scenarioText: string | undefined,
  factories: readonly WorkloadFactory[],
  labTarget: LabTargetFactory | undefined,
): { workload: RunnableWorkload; factory: WorkloadFactory }[] {
  const planned = scenario.workloads
    .map((w, i) => ({ kind: w.kind, path: ["workloads", i, "kind"] as PathSegment[] }))
    .filter((w) => WORKLOAD_STATUS[w.kind] === "planned");
  if (planned.length > 0) {
    throw new ScenarioError(
      scenario.file,
      planned.map(({ kind, path }) => {
        const message = `workload '${kind}' is not available yet`;
        return scenarioText === undefined
          ? { file: scenario.file, line: 1, column: 1, field: formatFieldPath(path), message }
          : locateIssue(scenarioText, scenario.file, { path, message });
      }),
    );
  }
  const paired = runnableWorkloads(scenario).map((workload) => {
    const factory = factories.find((f) => f.kind === workload.kind);
    if (factory === undefined) {
      const known = factories.map((f) => f.kind).join(", ") || "none";
      throw new RunSetupError(
        `no driver for workload kind '${workload.kind}' in this build (drivers: ${known}); ` +
          "the fleet's drivers come from agents/mod.ts defaultWorkloads()",
      );
    }
    return { workload, factory };
  });
  if (scenario.target.kind === "lab" && labTarget === undefined) {
    throw new RunSetupError(
      "a kind: lab target needs the lab agents (agents/mod.ts defaultLabTarget()), " +
        "which this build does not have",
    );
  }
  return paired;
}
