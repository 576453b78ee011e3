/**
 * What the runner itself records: iterations per workload (started, completed, failed,
 * interrupted, duration), arrivals dropped for want of a free virtual user, and the virtual
 * users busy.
 *
 * @module
 */

import type {
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
  readonly #registry: MetricsRegistry;

  constructor(registry: MetricsRegistry) {
    this.#registry = registry;
    this.dropped = registry.counter(
      "iterations_dropped",
      "Arrivals dropped because every virtual user was busy.",
    ).with();
    this.vusActive = registry.gauge(
      "vus_active",
      "Virtual users busy: in an iteration or a think time.",
    ).with();
  }

  /** The series of workload `name` (its `workload` tag). */
  forWorkload(name: string): IterationSeries {
    const registry = this.#registry;
    const labels = { workload: name };
    return {
      started: registry.counter("iterations_started", "Iterations started, by workload.")
        .with(labels),
      completed: registry.counter(
        "iterations_completed",
        "Iterations that ended well, by workload.",
      ).with(labels),
      failed: registry.counter("iterations_failed", "Iterations that failed, by workload.")
        .with(labels),
      interrupted: registry.counter(
        "iterations_interrupted",
        "Iterations still running when the run stopped, by workload.",
      ).with(labels),
      duration: registry.latency("iteration_duration", "Iteration start → end, by workload.")
        .with(labels),
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
