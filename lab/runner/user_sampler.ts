/**
 * Samples a time distribution from each user's own random stream, so the values one user
 * draws do not depend on what the other users drew (a shared sampler would interleave them,
 * and the log-normal sampler keeps a spare normal value between calls).
 *
 * @module
 */

import { createSampler, type DurationDistribution } from "../scenario/mod.ts";
import type { PopulationUser } from "./workload.ts";

/**
 * A distribution sampled per user: constants cost nothing, other kinds keep one sampler per
 * user, made on the user's first draw.
 *
 * @example
 * ```ts
 * const think = new UserSampler({ kind: "exponential", mean: 10_000 });
 * think.sample(population.user(3)); // ms, from user 3's stream
 * ```
 */
export class UserSampler {
  readonly #distribution: DurationDistribution;
  readonly #samplers = new Map<number, () => number>();
  /** The value of a constant distribution, else undefined. */
  readonly constant: number | undefined;

  constructor(distribution: DurationDistribution) {
    this.#distribution = distribution;
    this.constant = distribution.kind === "constant" ? distribution.value : undefined;
  }

  /** The next value for `user`. */
  sample(user: PopulationUser): number {
    if (this.constant !== undefined) return this.constant;
    let sampler = this.#samplers.get(user.position);
    if (sampler === undefined) {
      sampler = createSampler(this.#distribution, user.random);
      this.#samplers.set(user.position, sampler);
    }
    return sampler();
  }
}
