/**
 * Random distributions for think times, hold times, arrivals and per-user counts (contacts,
 * endpoints, messages per session). Every sampler draws from a seedable {@link RandomSource}
 * so a scenario replays identically from its seed.
 *
 * Time distributions are in milliseconds. A scenario's `poisson` time distribution (events at a
 * rate) is normalized to `exponential` with mean = 1 / rate: the gaps between Poisson arrivals
 * are exponential. The `poisson` kind below is the *count* distribution (how many events).
 *
 * @module
 */

import type { RandomSource } from "./prng.ts";

/** Always the same value. */
export interface ConstantDistribution {
  readonly kind: "constant";
  readonly value: number;
}

/** Uniform on [min, max] (counts: integers min..max inclusive). */
export interface UniformDistribution {
  readonly kind: "uniform";
  readonly min: number;
  readonly max: number;
}

/** Exponential with the given mean (memoryless gaps; Poisson inter-arrival times). */
export interface ExponentialDistribution {
  readonly kind: "exponential";
  readonly mean: number;
}

/** Log-normal: ln(X) ~ Normal(ln(median), sigma²); mean = median · e^(sigma²/2). */
export interface LognormalDistribution {
  readonly kind: "lognormal";
  readonly median: number;
  readonly sigma: number;
}

/** Poisson count with the given mean (counts only). */
export interface PoissonDistribution {
  readonly kind: "poisson";
  readonly mean: number;
}

/** A distribution of durations in milliseconds. */
export type DurationDistribution =
  | ConstantDistribution
  | UniformDistribution
  | ExponentialDistribution
  | LognormalDistribution;

/** A distribution of non-negative whole numbers (sampled values are rounded). */
export type CountDistribution = DurationDistribution | PoissonDistribution;

/** Any distribution this module samples. */
export type Distribution = CountDistribution;

/** The mean of a distribution, exact (used for sizing and in reports). */
export function distributionMean(dist: Distribution): number {
  switch (dist.kind) {
    case "constant":
      return dist.value;
    case "uniform":
      return (dist.min + dist.max) / 2;
    case "exponential":
    case "poisson":
      return dist.mean;
    case "lognormal":
      return dist.median * Math.exp((dist.sigma * dist.sigma) / 2);
  }
}

/**
 * The median of a log-normal with the given mean and sigma (the scenario may give either).
 *
 * @example
 * ```ts
 * lognormalMedianFromMean(1000, 0); // 1000
 * ```
 */
export function lognormalMedianFromMean(mean: number, sigma: number): number {
  return mean / Math.exp((sigma * sigma) / 2);
}

/**
 * A sampler of real values (durations in ms): uniform is continuous on [min, max).
 *
 * @example
 * ```ts
 * const hold = createSampler({ kind: "exponential", mean: 30_000 }, Xoshiro128.fromSeed(7));
 * hold(); // e.g. 12873.4 ms
 * ```
 */
export function createSampler(dist: Distribution, random: RandomSource): () => number {
  switch (dist.kind) {
    case "constant":
      return () => dist.value;
    case "uniform":
      return () => dist.min + (dist.max - dist.min) * random.next();
    case "exponential":
      // Inverse transform: -mean · ln(U), U in (0, 1] so the logarithm is finite.
      return () => -dist.mean * Math.log(1 - random.next());
    case "lognormal": {
      const normal = createStandardNormal(random);
      const mu = Math.log(dist.median);
      return () => Math.exp(mu + dist.sigma * normal());
    }
    case "poisson":
      return () => samplePoisson(dist.mean, random);
  }
}

/**
 * A sampler of non-negative whole numbers: uniform draws each integer in [min, max] with equal
 * probability; continuous kinds are rounded to the nearest integer.
 *
 * @example
 * ```ts
 * const contacts = createCountSampler({ kind: "uniform", min: 5, max: 50 }, rng);
 * contacts(); // an integer 5..50
 * ```
 */
export function createCountSampler(dist: CountDistribution, random: RandomSource): () => number {
  if (dist.kind === "uniform") {
    const low = Math.ceil(dist.min);
    const span = Math.floor(dist.max) - low + 1;
    return () => low + Math.floor(random.next() * span);
  }
  const real = createSampler(dist, random);
  return () => Math.max(0, Math.round(real()));
}

/** Box–Muller transform; the second value of each pair is kept for the next call. */
function createStandardNormal(random: RandomSource): () => number {
  let spare: number | undefined;
  return () => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
    const angle = 2 * Math.PI * random.next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

/**
 * Poisson count by counting unit-rate exponential gaps that fit in `mean` (exact, O(mean));
 * scenario schemas cap count means so this stays cheap.
 */
function samplePoisson(mean: number, random: RandomSource): number {
  let count = 0;
  let elapsed = -Math.log(1 - random.next());
  while (elapsed <= mean) {
    count++;
    elapsed -= Math.log(1 - random.next());
  }
  return count;
}
