/**
 * Weighted choice among a run's workloads, from its own random stream so that the sequence
 * of picks depends only on the seed.
 *
 * @module
 */

import type { RandomSource } from "../scenario/mod.ts";

/**
 * Picks index _i_ with probability weightᵢ / Σ weights.
 *
 * @example
 * ```ts
 * const picker = new WeightedPicker([3, 1], Xoshiro128.fromSeed(deriveSeed(42, "workload-pick")));
 * picker.pick(); // 0 three times out of four
 * ```
 */
export class WeightedPicker {
  readonly #cumulative: Float64Array;
  readonly #random: RandomSource;

  constructor(weights: readonly number[], random: RandomSource) {
    if (weights.length === 0 || weights.some((w) => !(w > 0))) {
      throw new RangeError("weights must be a non-empty list of positive numbers");
    }
    this.#cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((w, i) => (this.#cumulative[i] = sum += w));
    this.#random = random;
  }

  /** The next index; a single weight is returned without drawing. */
  pick(): number {
    const cumulative = this.#cumulative;
    if (cumulative.length === 1) return 0;
    const x = this.#random.next() * cumulative[cumulative.length - 1];
    for (let i = 0; i < cumulative.length - 1; i++) if (x < cumulative[i]) return i;
    return cumulative.length - 1;
  }
}
