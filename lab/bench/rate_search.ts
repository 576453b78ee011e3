/**
 * Finding the highest sustained rate with few bounded probes: a geometric ramp from a start
 * rate (up while probes pass, down while they fail) until one passing and one failing rate
 * bracket the answer, then bisection of the bracket. Stops after `maxSteps` probes, when the
 * bracket is narrower than `precision`, at `maxRate` / `minRate`, or when a probe aborts (the
 * thing under test is broken, not overloaded).
 *
 * @module
 */

/** What one probe at one rate found. */
export interface RateProbeOutcome<T> {
  /** The rate was sustained. */
  sustained: boolean;
  /** Set when the search must stop: the run could not be made at all (not an overload). */
  abort?: string;
  /** Whatever the probe measured, kept with the step. */
  detail: T;
}

/** One probe of the search. */
export interface RateSearchStep<T> extends RateProbeOutcome<T> {
  rate: number;
}

/** Options for {@link searchSustainedRate}. */
export interface RateSearchOptions {
  /** First rate tried. */
  startRate: number;
  /** Ramp factor (> 1): the next rate is rate × growth (or ÷ growth going down). */
  growth: number;
  /** Never probe above this. */
  maxRate: number;
  /** Never probe below this. */
  minRate: number;
  /** At most this many probes. */
  maxSteps: number;
  /** Stop bisecting when failing / passing − 1 is at most this (e.g. 0.05 for 5%). */
  precision: number;
}

/** The outcome of a search. */
export interface RateSearchResult<T> {
  /** The highest rate that passed; undefined when none did. */
  bestRate?: number;
  /** The lowest rate that failed, when one did. */
  lowestFailedRate?: number;
  steps: RateSearchStep<T>[];
  /** Why the search stopped early, when a probe aborted it. */
  aborted?: string;
}

/**
 * `rate` rounded to three significant figures (rates read better: 5,750 not 5,731.25).
 *
 * @example
 * ```ts
 * roundRate(5731.25); // 5730
 * ```
 */
export function roundRate(rate: number): number {
  if (rate <= 0) return 0;
  const step = 10 ** Math.max(0, Math.floor(Math.log10(rate)) - 2);
  return Math.round(rate / step) * step;
}

/**
 * Runs the search; `probe` runs one bounded run at a rate.
 *
 * @example
 * ```ts
 * const result = await searchSustainedRate(
 *   async (rate) => ({ sustained: rate <= 3000, detail: null }),
 *   { startRate: 500, growth: 4, maxRate: 50_000, minRate: 10, maxSteps: 6, precision: 0.05 },
 * );
 * result.bestRate; // 2750 (500, 2000 pass; 8000 fails; 5000, 3500 fail; 2750 passes)
 * ```
 */
export async function searchSustainedRate<T>(
  probe: (rate: number) => Promise<RateProbeOutcome<T>>,
  options: RateSearchOptions,
): Promise<RateSearchResult<T>> {
  if (!(options.growth > 1)) throw new Error(`rate search: growth ${options.growth} must be > 1`);
  const steps: RateSearchStep<T>[] = [];
  let passed: number | undefined;
  let failed: number | undefined;
  let rate = roundRate(Math.min(Math.max(options.startRate, options.minRate), options.maxRate));
  while (steps.length < options.maxSteps) {
    const outcome = await probe(rate);
    steps.push({ rate, ...outcome });
    if (outcome.abort !== undefined) {
      return { bestRate: passed, lowestFailedRate: failed, steps, aborted: outcome.abort };
    }
    if (outcome.sustained) passed = Math.max(passed ?? rate, rate);
    else failed = Math.min(failed ?? rate, rate);

    let next: number;
    if (failed === undefined) {
      if (rate >= options.maxRate) break;
      next = Math.min(rate * options.growth, options.maxRate);
    } else if (passed === undefined) {
      if (rate <= options.minRate) break;
      next = Math.max(rate / options.growth, options.minRate);
    } else {
      if (failed / passed - 1 <= options.precision) break;
      next = (passed + failed) / 2;
    }
    next = roundRate(next);
    if (next === passed || next === failed || next === rate) break;
    rate = next;
  }
  return { bestRate: passed, lowestFailedRate: failed, steps };
}
