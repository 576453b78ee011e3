/**
 * `runScenario`: one load-test run from a validated scenario to its results folder.
 *
 * 1. Check every workload can run, build the population, create `results/<run-id>/` at once
 *    (the scenario as run), and from then on write a time-series line per metric every second.
 * 2. Start the lab agents (`kind: lab` targets) and one driver per workload.
 * 3. Drive the executor with the {@link IterationScheduler}; each iteration runs on a virtual
 *    user (population member) and a workload picked by weight.
 * 4. Every second: gather the drivers' and agents' actors per state (`stateCounts`), snapshot
 *    the metrics into the results, redraw the progress line, evaluate the thresholds (an
 *    `abortOnFail` failure past its `delayAbortEval` stops the run), then hand the snapshot to
 *    `onSecond`.
 * 5. When the schedule ends, or on Ctrl-C / SIGTERM / the abort signal, or on an aborting
 *    threshold: start no more iterations, give running ones up to `gracefulStop`, then stop
 *    the drivers (gracefully if nothing is left running: users unregister) and the lab agents.
 *    A second Ctrl-C, or `maxDuration`, stops at once.
 * 6. Always: final thresholds, `summary.json`, `report.html`, the summary table.
 *
 * A live dashboard plugs in through `onStart` (the registry, the `ScheduleControl`, the
 * thresholds and the drivers' recent users, once the agents and drivers are up), `onSecond`
 * and `onIterationFailed`.
 *
 * Exit codes: see `run_outcome.ts` (0 pass, 99 thresholds failed, 130 interrupted, 1 runtime
 * error; 2 scenario error, thrown before anything starts and mapped by the command line).
 *
 * @module
 */

import { stringify } from "yaml";
import {
  formatRunId,
  formatSummaryTable,
  MetricsRegistry,
  type MetricsSnapshot,
  progressFromSnapshot,
  ProgressLine,
  ResultsWriter,
  type RunSummary,
  type ThresholdOutcome,
  writeReport,
} from "../metrics/mod.ts";
import {
  createExecutor,
  deriveSeed,
  type Executor,
  type ExecutorControl,
  type Scenario,
  Xoshiro128,
} from "../scenario/mod.ts";
import { type TimerHandle, TimerWheel } from "../sip/timer/mod.ts";
import { checkRunnable } from "./availability.ts";
import { combineUserSources, type IterationFailure, type LiveRun } from "./live_run.ts";
import { Population } from "./population.ts";
import { formatIterationTotals, type IterationSeries, RunnerMetrics } from "./run_metrics.ts";
import { runExitCode, type RunOutcome, type StopReason } from "./run_outcome.ts";
import { IterationScheduler, virtualUserLimit } from "./scheduler.ts";
import { LiveScheduleControl } from "./schedule_control.ts";
import { StopControl } from "./stop_control.ts";
import { describeAbortingFailures, ThresholdWatch } from "./threshold_watch.ts";
import { UserSampler } from "./user_sampler.ts";
import { WeightedPicker } from "./weighted_picker.ts";
import type {
  IterationOutcome,
  LabTargetFactory,
  MachineStateCounts,
  RunContext,
  RunnableWorkload,
  RunningLabAgents,
  WorkloadDriver,
  WorkloadFactory,
} from "./workload.ts";

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Driver factories by workload kind (`noopWorkload`, the agents' `defaultWorkloads()`). */
  readonly workloads: readonly WorkloadFactory[];
  /** Starts the agents of a `kind: lab` target. */
  readonly labTarget?: LabTargetFactory;
  /** Folder the run's folder is made in (default `results`). */
  readonly resultsDir?: string;
  /** Aborting it is a Ctrl-C: the graceful stop. */
  readonly signal?: AbortSignal;
  /** Listen for SIGINT and SIGTERM during the run (first: graceful stop, second: at once). */
  readonly handleSignals?: boolean;
  /** Show the live progress line (default true). */
  readonly progress?: boolean;
  /** Where terminal text goes (default: standard output). */
  readonly out?: (text: string) => void;
  /**
   * Whether `out` is a terminal, so the progress line is redrawn in place (default: when `out`
   * is the default and standard output is a terminal).
   */
  readonly terminal?: boolean;
  /** The run's timer wheel (default: a host wheel at 1 ms, stopped at the end). */
  readonly wheel?: TimerWheel;
  /** The scenario text to save as run (default: the scenario file). */
  readonly scenarioText?: string;
  /** Scheduling tick (default 1 ms). */
  readonly tickMs?: number;
  /**
   * Called when the schedule starts, with the executor's live controls (pause, resume,
   * setRateMultiplier…) for a dashboard.
   */
  readonly onScheduleStart?: (control: ExecutorControl) => void;
  /**
   * Called once the lab agents and the drivers are up, just before the schedule starts, with
   * the live run (registry, controls, thresholds, recent users); the run waits for it. What
   * the controls are asked before the schedule starts applies when it does.
   */
  readonly onStart?: (run: LiveRun) => void | Promise<void>;
  /** Every second, after the thresholds are checked, with the second's snapshot. */
  readonly onSecond?: (snapshot: MetricsSnapshot) => void;
  /** Every iteration that ends with `ok: false`. */
  readonly onIterationFailed?: (failure: IterationFailure) => void;
}

/** What {@link runScenario} returns. */
export type RunResult = RunSummary & RunOutcome;

/** Drivers and lab agents get this long to stop when the stop is not graceful. */
const HARD_STOP_TIMEOUT_MS = 5_000;

/**
 * Run a scenario to the end and write its results.
 *
 * Throws `ScenarioError` (a refused workload, a bad CSV) or `RunSetupError` (no driver for a
 * kind) before anything starts; once the results folder exists, errors end the run with exit
 * code 1 and the results are still finalized.
 *
 * @example
 * ```ts
 * const scenario = await loadScenario("scenarios/basic-call.yaml");
 * const result = await runScenario(scenario, { workloads: defaultWorkloads(), handleSignals: true });
 * Deno.exit(result.exitCode);
 * ```
 */
export async function runScenario(scenario: Scenario, options: RunOptions): Promise<RunResult> {
  const scenarioText = options.scenarioText ?? await scenarioTextOf(scenario);
  const runnable = checkRunnable(scenario, scenarioText, options.workloads, options.labTarget);
  const maxUsers = virtualUserLimit(scenario.load, scenario.population.count);
  const population = await Population.build(scenario, { activeUsers: maxUsers, scenarioText });
  return await new FleetRun(scenario, population, runnable, maxUsers, scenarioText, options)
    .execute();
}

/** The text saved as `scenario.yaml`: the file, or a dump for a scenario made in code. */
async function scenarioTextOf(scenario: Scenario): Promise<string> {
  try {
    return await Deno.readTextFile(scenario.file);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
    return `# normalized scenario (no file ${scenario.file})\n${stringify(scenario)}`;
  }
}

function writeStdout(text: string): void {
  const bytes = new TextEncoder().encode(text);
  let written = 0;
  while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The per-workload state of a run. */
interface WorkloadSlot {
  readonly workload: RunnableWorkload;
  readonly factory: WorkloadFactory;
  driver: WorkloadDriver | undefined;
  readonly think: UserSampler;
  readonly series: IterationSeries;
  /** Iterations started and not ended. */
  active: number;
}

class FleetRun {
  readonly #scenario: Scenario;
  readonly #population: Population;
  readonly #maxUsers: number;
  readonly #scenarioText: string;
  readonly #options: RunOptions;
  readonly #out: (text: string) => void;
  readonly #terminal: boolean;
  readonly #wheel: TimerWheel;
  readonly #ownsWheel: boolean;
  readonly #wheelStart: number;
  readonly #metrics: MetricsRegistry;
  readonly #runner: RunnerMetrics;
  readonly #thresholds: ThresholdWatch;
  readonly #control = new StopControl();
  readonly #schedule: LiveScheduleControl;
  #thresholdOutcomes: readonly ThresholdOutcome[] = [];
  readonly #slots: WorkloadSlot[];
  readonly #picker: WeightedPicker;
  #writer!: ResultsWriter;
  #progress: ProgressLine | undefined;
  #labAgents: RunningLabAgents | undefined;
  #executor: Executor | undefined;
  #scheduler: IterationScheduler | undefined;
  #secondTimer: TimerHandle | undefined;
  #seconds = 0;
  #hardCapTimer: TimerHandle | undefined;
  #scheduleOver = false;
  #drainExpired = false;
  /** Iterations started and not ended, all workloads. */
  #active = 0;
  /** Set once the drivers are being stopped: late `done` calls are ignored. */
  #closed = false;
  #error: unknown;

  constructor(
    scenario: Scenario,
    population: Population,
    runnable: readonly { workload: RunnableWorkload; factory: WorkloadFactory }[],
    maxUsers: number,
    scenarioText: string,
    options: RunOptions,
  ) {
    this.#scenario = scenario;
    this.#population = population;
    this.#maxUsers = maxUsers;
    this.#scenarioText = scenarioText;
    this.#options = options;
    this.#out = options.out ?? writeStdout;
    this.#terminal = options.terminal ?? (options.out === undefined && Deno.stdout.isTerminal());
    this.#ownsWheel = options.wheel === undefined;
    const wheel = options.wheel ?? new TimerWheel({ resolutionMs: 1 });
    const wheelStart = wheel.now();
    const epochStart = Date.now();
    this.#wheel = wheel;
    this.#wheelStart = wheelStart;
    // The registry reads the run's wheel, so a virtual clock drives the results too.
    this.#metrics = new MetricsRegistry({
      clock: () => epochStart + (wheel.now() - wheelStart),
      startedAt: epochStart,
    });
    this.#runner = new RunnerMetrics(this.#metrics);
    this.#thresholds = new ThresholdWatch(scenario.thresholds, this.#metrics);
    this.#schedule = new LiveScheduleControl(scenario.load, {
      now: () => wheel.now(),
      requestStop: () => {
        if (this.#control.request !== undefined) return;
        this.#log("stop asked for by the run's controls: stopping gracefully");
        this.#control.stop("interrupted", false);
      },
      stopping: () => this.#control.request !== undefined || this.#scheduleOver,
    });
    this.#slots = runnable.map(({ workload, factory }) => ({
      workload,
      factory,
      driver: undefined,
      think: new UserSampler(workload.thinkTime),
      series: this.#runner.forWorkload(workload.name),
      active: 0,
    }));
    this.#picker = new WeightedPicker(
      runnable.map((r) => r.workload.weight),
      Xoshiro128.fromSeed(deriveSeed(scenario.seed, "workload-pick")),
    );
  }

  async execute(): Promise<RunResult> {
    const scenario = this.#scenario;
    const startedAt = this.#metrics.startedAt;
    this.#writer = ResultsWriter.create(
      this.#options.resultsDir ?? "results",
      formatRunId(scenario.name, new Date(startedAt)),
      this.#scenarioText,
      { startedAt, scenarioName: scenario.name, histograms: this.#metrics },
    );
    this.#writer.writeEvent("run-start", { scenario: scenario.name, seed: scenario.seed });
    this.#out(`run ${this.#writer.runId}: ${scenario.name} → ${this.#writer.dir}\n`);
    if (this.#options.progress ?? true) {
      this.#progress = new ProgressLine({ write: this.#out, isTerminal: this.#terminal });
    }
    this.#scheduleSecond();
    // Interrupts are heard until the agents are down: a second Ctrl-C cuts a slow shutdown.
    const detach = this.#control.listen(this.#options, (immediate) =>
      this.#log(
        immediate
          ? "interrupted again: stopping at once"
          : `interrupted: stopping gracefully (up to ${scenario.load.gracefulStopMs / 1000}s)` +
            "; interrupt again to stop at once",
      ));
    try {
      try {
        await this.#start();
        if (this.#control.request === undefined) await this.#runSchedule();
      } catch (error) {
        this.#fail(error);
      }
      try {
        await this.#shutDown();
      } catch (error) {
        this.#fail(error);
      }
    } finally {
      detach();
    }
    return await this.#finalize();
  }

  // -------------------------------------------------------------------------------------------
  // start

  async #start(): Promise<void> {
    const base = {
      scenario: this.#scenario,
      population: this.#population,
      metrics: this.#metrics,
      wheel: this.#wheel,
      log: (line: string) => this.#log(line),
    };
    const target = this.#scenario.target;
    if (target.kind === "lab" && this.#options.labTarget !== undefined) {
      this.#labAgents = await this.#options.labTarget.start(target, base);
      const where = Object.entries(this.#labAgents.addresses)
        .map(([name, a]) => `${name} ${a.protocol}:${a.host}:${a.port}`).join(", ");
      this.#log(`lab agents: ${where || "none"}`);
    }
    const ctx: RunContext = { ...base, labAgents: this.#labAgents };
    for (const slot of this.#slots) {
      if (this.#control.immediate) return;
      slot.driver = await slot.factory.create(ctx, slot.workload);
    }
    if (this.#options.onStart !== undefined && this.#control.request === undefined) {
      await this.#options.onStart(this.#liveRun());
    }
  }

  #liveRun(): LiveRun {
    const users = this.#slots.flatMap((slot) => slot.driver?.users ?? []);
    return {
      scenario: this.#scenario,
      metrics: this.#metrics,
      control: this.#schedule,
      thresholds: () => this.#thresholdOutcomes,
      users: combineUserSources(users),
    };
  }

  async #runSchedule(): Promise<void> {
    const load = this.#scenario.load;
    const control = this.#control;
    const executor = createExecutor(load, {
      startMs: this.#wheel.now(),
      random: Xoshiro128.fromSeed(deriveSeed(this.#scenario.seed, "arrivals")),
    });
    this.#executor = executor;
    const scheduler = new IterationScheduler({
      executor,
      wheel: this.#wheel,
      maxUsers: this.#maxUsers,
      runIteration: this.#runIteration,
      onDropped: () => this.#runner.dropped.inc(),
      tickMs: this.#options.tickMs,
    });
    this.#scheduler = scheduler;
    this.#hardCapTimer = this.#wheel.schedule(load.maxDurationMs, () => {
      this.#hardCapTimer = undefined;
      this.#log(`maxDuration ${load.maxDurationMs / 1000}s reached: stopping now`);
      control.stop("max-duration", true);
    });
    scheduler.scheduleDone.then(() => {
      this.#scheduleOver = true;
      control.notify();
    });
    this.#schedule.attach(executor);
    this.#options.onScheduleStart?.(executor);
    scheduler.start();
    while (control.request === undefined && !this.#scheduleOver) await control.nextChange();
    scheduler.stop();
    if (control.immediate || this.#active === 0) return;
    // Graceful stop: running iterations get until gracefulStop (maxDuration still applies).
    const drain = this.#wheel.schedule(load.gracefulStopMs, () => {
      this.#drainExpired = true;
      control.notify();
    });
    this.#log(`waiting up to ${load.gracefulStopMs / 1000}s for ${this.#active} iterations`);
    while (this.#active > 0 && !this.#drainExpired && !control.immediate) {
      await control.nextChange();
    }
    this.#wheel.cancel(drain);
  }

  // -------------------------------------------------------------------------------------------
  // iterations

  readonly #runIteration = (vu: number, end: (thinkMs: number) => void): void => {
    const user = this.#population.user(vu);
    const slot = this.#slots[this.#picker.pick()];
    const driver = slot.driver as WorkloadDriver;
    const series = slot.series;
    series.started.inc();
    slot.active++;
    this.#active++;
    const startedAt = this.#wheel.now();
    let ended = false;
    const done = (outcome: IterationOutcome) => {
      if (ended || this.#closed) return;
      ended = true;
      slot.active--;
      this.#active--;
      (outcome.ok ? series.completed : series.failed).inc();
      series.duration.record(this.#wheel.now() - startedAt);
      if (!outcome.ok) {
        const status = outcome.status === undefined ? "" : `${outcome.status} `;
        const diagnostics = outcome.diagnostics;
        this.#runner.failed(outcome.status, diagnostics?.code);
        const diagnosticsText = diagnostics === undefined
          ? ""
          : ` [ms-diagnostics ${diagnostics.code}${
            diagnostics.reason === undefined ? "" : ` "${diagnostics.reason}"`
          }]`;
        this.#writer.writeErrorExample(
          `iteration ${slot.workload.name}`,
          `${user.name}: ${status}${outcome.reason ?? "failed"}${diagnosticsText}`,
        );
        this.#options.onIterationFailed?.({
          at: this.#metrics.startedAt + this.#metrics.elapsedMs(),
          workload: slot.workload.name,
          user: user.name,
          ...(outcome.status === undefined ? {} : { status: outcome.status }),
          ...(outcome.reason === undefined ? {} : { reason: outcome.reason }),
          ...(diagnostics === undefined ? {} : { diagnostics }),
        });
      }
      end(slot.think.constant === 0 ? 0 : slot.think.sample(user) / user.activity);
      if (this.#active === 0) this.#control.notify();
    };
    try {
      driver.startIteration(user, done);
    } catch (error) {
      done({ ok: false, reason: `startIteration threw: ${errorText(error)}` });
    }
  };

  // -------------------------------------------------------------------------------------------
  // every second

  #scheduleSecond(): void {
    const due = this.#wheelStart + (this.#seconds + 1) * 1000;
    this.#secondTimer = this.#wheel.schedule(Math.max(0, due - this.#wheel.now()), () => {
      this.#secondTimer = undefined;
      this.#seconds++;
      try {
        this.#recordSecond();
      } catch (error) {
        this.#fail(error);
        return;
      }
      this.#scheduleSecond();
    });
  }

  #recordSecond(): void {
    const busy = this.#scheduler?.busy ?? 0;
    this.#runner.vusActive.set(busy);
    this.#reportStates();
    const snapshot = this.#metrics.snapshot();
    this.#writer.writeSecond(snapshot);
    this.#progress?.update({
      ...progressFromSnapshot(snapshot, this.#executor?.scheduleMs),
      activeUsers: busy,
    });
    const { evaluation, outcomes, log } = this.#thresholds.check(this.#seconds);
    this.#thresholdOutcomes = outcomes;
    if (log) this.#writer.setThresholds(outcomes);
    if (evaluation.abortingFailures.length > 0 && this.#control.request === undefined) {
      this.#log(
        `threshold failed with abortOnFail (${describeAbortingFailures(evaluation)}): stopping`,
      );
      this.#control.stop("thresholds", false);
    }
    this.#options.onSecond?.(snapshot);
  }

  /** Actors per state of every driver and lab agent, summed by machine, into the registry. */
  #reportStates(): void {
    const reports: MachineStateCounts[] = [];
    for (const slot of this.#slots) {
      const counts = slot.driver?.stateCounts?.();
      if (counts !== undefined) reports.push(counts);
    }
    const agents = this.#labAgents?.stateCounts?.();
    if (agents !== undefined) reports.push(agents);
    const machines = new Map<string, Record<string, number>>();
    for (const report of reports) {
      for (const [machine, counts] of Object.entries(report)) {
        let total = machines.get(machine);
        if (total === undefined) machines.set(machine, total = {});
        for (const [state, n] of Object.entries(counts)) total[state] = (total[state] ?? 0) + n;
      }
    }
    for (const [machine, counts] of machines) this.#metrics.stateCounts(machine, counts);
  }

  // -------------------------------------------------------------------------------------------
  // stopping

  #fail(error: unknown): void {
    this.#error ??= error;
    this.#log(`error: ${errorText(error)}`);
    this.#control.stop("error", true);
  }

  async #shutDown(): Promise<void> {
    this.#scheduler?.stop();
    const graceful = !this.#control.immediate && this.#active === 0;
    for (const slot of this.#slots) {
      if (slot.active > 0) slot.series.interrupted.inc(slot.active);
    }
    this.#closed = true;
    const limit = graceful
      ? Math.max(this.#scenario.load.gracefulStopMs, 1000)
      : HARD_STOP_TIMEOUT_MS;
    await Promise.all(this.#slots.map(async (slot) => {
      if (slot.driver === undefined) return;
      try {
        const finished = await this.#within(slot.driver.stop({ graceful }), limit);
        if (!finished) this.#log(`workload ${slot.workload.name} did not stop in ${limit}ms`);
      } catch (error) {
        this.#log(`workload ${slot.workload.name} failed to stop: ${errorText(error)}`);
      }
    }));
    if (this.#labAgents === undefined) return;
    try {
      if (!await this.#within(this.#labAgents.stop(), HARD_STOP_TIMEOUT_MS)) {
        this.#log(`lab agents did not stop in ${HARD_STOP_TIMEOUT_MS}ms`);
      }
    } catch (error) {
      this.#log(`lab agents failed to stop: ${errorText(error)}`);
    }
  }

  /**
   * Wait for `work` up to `ms` on the run's wheel, or until a stop at once is asked for while
   * waiting; false when it did not finish in time.
   */
  async #within(work: Promise<void>, ms: number): Promise<boolean> {
    const control = this.#control;
    const immediateBefore = control.immediate;
    let finished: boolean | undefined;
    let failure: { error: unknown } | undefined;
    work.then(
      () => (finished ??= true),
      (error) => {
        failure = { error };
        finished ??= true;
      },
    ).finally(() => control.notify());
    const timer = this.#wheel.schedule(ms, () => {
      finished ??= false;
      control.notify();
    });
    while (finished === undefined && (immediateBefore || !control.immediate)) {
      await control.nextChange();
    }
    this.#wheel.cancel(timer);
    if (failure !== undefined) throw failure.error;
    return finished === true;
  }

  async #finalize(): Promise<RunResult> {
    if (this.#secondTimer !== undefined) this.#wheel.cancel(this.#secondTimer);
    if (this.#hardCapTimer !== undefined) this.#wheel.cancel(this.#hardCapTimer);
    this.#runner.vusActive.set(0);
    const writer = this.#writer;
    const { evaluation, outcomes } = this.#thresholds.evaluate();
    if (!this.#thresholds.empty) writer.setThresholds(outcomes);
    const stopReason: StopReason = this.#control.request?.reason ?? "completed";
    const error = this.#error === undefined ? {} : { error: errorText(this.#error) };
    writer.writeEvent("run-end", { reason: stopReason, ...error });
    // An interrupted run's summary.json says complete: false and why it stopped.
    const summary = writer.finish(this.#metrics.snapshot(), { stopReason });
    this.#progress?.done();
    if (this.#ownsWheel) this.#wheel.stop();
    try {
      await writeReport(writer.dir);
    } catch (reportError) {
      this.#out(`report.html not written: ${errorText(reportError)}\n`);
    }
    this.#out(`\n${formatSummaryTable(summary)}\n${formatIterationTotals(summary)}`);
    this.#out(`results: ${writer.dir}\n`);
    const exitCode = runExitCode(stopReason, {
      failed: this.#error !== undefined,
      thresholdsPassed: evaluation.passed,
    });
    return { ...summary, exitCode, resultsDir: writer.dir, stopReason, ...error };
  }

  #log(line: string): void {
    // Keep the log readable when the progress line is being redrawn in place.
    this.#out(this.#terminal && this.#progress !== undefined ? `\r\x1b[K${line}\n` : `${line}\n`);
    try {
      this.#writer?.writeEvent("log", { message: line });
    } catch {
      // The results writer is closed: the line was shown, there is nowhere else to keep it.
    }
  }
}
