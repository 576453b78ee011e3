/**
 * Thresholds during a run: evaluated every second against the registry's cumulative views,
 * logged to the results when a pass/fail flips (and every few seconds, so a killed run's
 * partial summary has recent figures), and the failed `abortOnFail` ones reported.
 *
 * @module
 */

import type { MetricsRegistry, ThresholdOutcome } from "../metrics/mod.ts";
import { evaluateThresholds, type Threshold, type ThresholdEvaluation } from "../scenario/mod.ts";

/** Threshold outcomes are logged at least this often (and on every change). */
const LOG_EVERY_S = 5;

/**
 * Watches a scenario's thresholds.
 *
 * @example
 * ```ts
 * const watch = new ThresholdWatch(scenario.thresholds, registry);
 * const { evaluation, outcomes, log } = watch.check(seconds);
 * if (log) writer.setThresholds(outcomes);
 * ```
 */
export class ThresholdWatch {
  readonly #thresholds: readonly Threshold[];
  readonly #registry: MetricsRegistry;
  #last: readonly ThresholdOutcome[] | undefined;

  constructor(thresholds: readonly Threshold[], registry: MetricsRegistry) {
    this.#thresholds = thresholds;
    this.#registry = registry;
  }

  /** Whether there is anything to watch. */
  get empty(): boolean {
    return this.#thresholds.length === 0;
  }

  /** Evaluate now (elapsed time from the registry, for `delayAbortEval`). */
  evaluate(): { evaluation: ThresholdEvaluation; outcomes: ThresholdOutcome[] } {
    const evaluation = evaluateThresholds(
      this.#thresholds,
      (selector) => this.#registry.metricView(selector),
      this.#registry.elapsedMs(),
    );
    return { evaluation, outcomes: outcomesOf(evaluation) };
  }

  /** The per-second check: `log` says whether the outcomes should go to the results now. */
  check(second: number): {
    evaluation: ThresholdEvaluation;
    outcomes: ThresholdOutcome[];
    log: boolean;
  } {
    const { evaluation, outcomes } = this.evaluate();
    const last = this.#last;
    const changed = last === undefined || outcomes.some((o, i) => o.passed !== last[i].passed);
    this.#last = outcomes;
    return { evaluation, outcomes, log: !this.empty && (changed || second % LOG_EVERY_S === 0) };
  }
}

/** Threshold results in the shape the results files keep. */
function outcomesOf(evaluation: ThresholdEvaluation): ThresholdOutcome[] {
  return evaluation.results.map((r) => ({
    metric: r.threshold.metric,
    expression: r.threshold.expression.source,
    observed: r.observed ?? null,
    passed: r.passed,
  }));
}

/**
 * The failed `abortOnFail` thresholds of an evaluation, as text.
 *
 * @example
 * ```ts
 * describeAbortingFailures(evaluation); // "call_setup_time: p(99) < 1s"
 * ```
 */
export function describeAbortingFailures(evaluation: ThresholdEvaluation): string {
  return evaluation.abortingFailures
    .map((r) => `${r.threshold.metric}: ${r.threshold.expression.source}`).join("; ");
}
