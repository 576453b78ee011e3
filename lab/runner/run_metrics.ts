/**
 * What the runner itself records: iterations per workload (started, completed, failed,
 * interrupted, duration), failures by final status and ms-diagnostics code, arrivals dropped
 * for want of a free virtual user, and the virtual users busy.
 *
 * @module
 */

import type {
  CounterFamily,
  CounterSeries,
  GaugeSeries,
  HistogramSeries,
  MetricsRegistry,
  RunSummary,
} from "../metrics/mod.ts";

/** The series of one workload. */
export interface IterationSeries {
  readonly started: CounterSeries;
  readonly completed: CounterSeries;
  readonly failed: CounterSeries;
  /** Still running when the run stopped. */
  readonly interrupted: CounterSeries;
  /** Iteration start → end, ms. */
  readonly duration: HistogramSeries;
}

/** Names of the runner's counters, in the order the summary line shows them. */
const ITERATION_COUNTERS = [
  ["started", "iterations_started"],
  ["completed", "iterations_completed"],
  ["failed", "iterations_failed"],
  ["dropped", "iterations_dropped"],
  ["interrupted", "iterations_interrupted"],
] as const;

/**
 * The runner's metrics in a registry.
 *
 * @example
 * ```ts
 * const runner = new RunnerMetrics(registry);
 * runner.forWorkload("call").started.inc();
 * ```
 */
export class RunnerMetrics {
  /** Arrivals that found every virtual user busy. */
  readonly dropped: CounterSeries;
  /** Virtual users in an iteration or a think time. */
  readonly vusActive: GaugeSeries;
  /** Failed iterations by `status` and `diagnostic` (ms-diagnostics ErrorId), `none` if absent. */
  readonly errors: CounterFamily;
  readonly #registry: MetricsRegistry;

  constructor(registry: MetricsRegistry) {
    // Kinds, help texts and labels come from lab/metrics' catalogue (RUNNER_METRICS).
    this.#registry = registry;
    this.dropped = registry.counter("iterations_dropped").with();
    this.vusActive = registry.gauge("vus_active").with();
    this.errors = registry.counter("errors");
  }

  /**
   * A failed iteration: counted under its final status and ms-diagnostics ErrorId (each
   * `none` when there was none), so both stay bounded sets of label values.
   */
  failed(status: number | undefined, diagnostic: string | undefined): void {
    this.errors.at2(status === undefined ? "none" : String(status), diagnostic ?? "none").value++;
  }

  /** The series of workload `name` (its `workload` tag). */
  forWorkload(name: string): IterationSeries {
    const registry = this.#registry;
    return {
      started: registry.counter("iterations_started").at1(name),
      completed: registry.counter("iterations_completed").at1(name),
      failed: registry.counter("iterations_failed").at1(name),
      interrupted: registry.counter("iterations_interrupted").at1(name),
      duration: registry.latency("iteration_duration").at1(name),
    };
  }
}

/**
 * The iteration totals of a summary as one line.
 *
 * @example
 * ```ts
 * formatIterationTotals(summary);
 * // "Iterations: started 400, completed 400, failed 0, dropped 0, interrupted 0\n"
 * ```
 */
export function formatIterationTotals(summary: RunSummary): string {
  const total = (name: string) =>
    summary.counters.filter((c) => c.name === name).reduce((sum, c) => sum + c.total, 0);
  const parts = ITERATION_COUNTERS.map(([label, name]) => `${label} ${total(name)}`);
  return `Iterations: ${parts.join(", ")}\n`;
}
