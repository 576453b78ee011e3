/**
 * Test helpers: scenario files in a temporary folder, and runs on a virtual clock (a virtual
 * timer wheel advanced in small steps, yielding to the event loop between steps so file I/O
 * and promise chains go on).
 *
 * @module
 */

import { loadScenario, type Scenario } from "../scenario/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";
import { type RunOptions, type RunResult, runScenario } from "./fleet.ts";

/** A temporary folder for one test, removed by `dispose`. */
export interface TempFolder {
  readonly dir: string;
  /** Write `<dir>/<name>` and return its path. */
  write(name: string, text: string): Promise<string>;
  dispose(): Promise<void>;
}

/** Make a temporary folder. */
export async function tempFolder(): Promise<TempFolder> {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-runner-" });
  return {
    dir,
    async write(name, text) {
      const path = `${dir}/${name}`;
      await Deno.writeTextFile(path, text);
      return path;
    },
    dispose: () => Deno.remove(dir, { recursive: true }),
  };
}

/** A noop scenario's YAML: an external target (nothing is started), `load` and extras given. */
export function noopScenarioYaml(parts: {
  load: string;
  workloads?: string;
  population?: string;
  thresholds?: string;
}): string {
  return [
    "name: noop-test",
    "seed: 7",
    "target:",
    "  kind: external",
    "  host: 127.0.0.1",
    "  domain: example.test",
    "population:",
    parts.population ?? "  count: 100",
    "workloads:",
    parts.workloads ?? "  - kind: noop",
    "load:",
    parts.load,
    ...(parts.thresholds === undefined ? [] : ["thresholds:", parts.thresholds]),
    "",
  ].join("\n");
}

/** Write and load a scenario. */
export async function scenarioFile(
  folder: TempFolder,
  yaml: string,
  name: string = "scenario.yaml",
): Promise<Scenario> {
  return await loadScenario(await folder.write(name, yaml));
}

/** What {@link runVirtual} returns. */
export interface VirtualRun {
  readonly result: RunResult;
  readonly output: string;
  readonly wheel: TimerWheel;
}

/**
 * Run a scenario on a virtual clock: once the schedule starts, `stepMs` of virtual time per
 * turn of the event loop, at most `maxSteps` turns. `setup` runs when the schedule starts and
 * may arm timers on the wheel (a Ctrl-C 1.5 s into the schedule…).
 */
export async function runVirtual(
  scenario: Scenario,
  options: Omit<RunOptions, "wheel" | "out">,
  setup: (wheel: TimerWheel) => void = () => {},
  { stepMs = 5, maxSteps = 20_000 }: { stepMs?: number; maxSteps?: number } = {},
): Promise<VirtualRun> {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const chunks: string[] = [];
  let scheduleStarted = false;
  let outcome: { result: RunResult } | { error: unknown } | undefined;
  runScenario(scenario, {
    progress: false,
    ...options,
    wheel,
    out: (text) => chunks.push(text),
    onScheduleStart: (control) => {
      scheduleStarted = true;
      setup(wheel);
      options.onScheduleStart?.(control);
    },
  }).then((result) => (outcome = { result }), (error) => (outcome = { error }));
  // Setup (files, imports) takes no virtual time: the clock moves once the schedule runs.
  for (let step = 0; outcome === undefined && step < maxSteps; step++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (outcome === undefined && scheduleStarted) wheel.advance(stepMs);
  }
  wheel.stop();
  if (outcome === undefined) throw new Error(`the run did not end within ${maxSteps} steps`);
  if ("error" in outcome) throw outcome.error;
  return { result: outcome.result, output: chunks.join(""), wheel };
}

/** The total of a counter in a summary, over the series whose labels include `labels`. */
export function counterTotal(
  result: RunResult,
  name: string,
  labels: Readonly<Record<string, string>> = {},
): number {
  return result.counters
    .filter((c) => c.name === name && Object.entries(labels).every(([k, v]) => c.labels[k] === v))
    .reduce((sum, c) => sum + c.total, 0);
}
