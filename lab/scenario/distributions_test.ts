import assert from "node:assert/strict";
import {
  createCountSampler,
  createSampler,
  type Distribution,
  distributionMean,
  lognormalMedianFromMean,
} from "./distributions.ts";
import { Xoshiro128 } from "./prng.ts";

const N = 20_000;

function samples(dist: Distribution, seed: number, count = N): number[] {
  const sample = createSampler(dist, Xoshiro128.fromSeed(seed));
  return Array.from({ length: count }, sample);
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function assertClose(actual: number, expected: number, relative: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= relative * Math.abs(expected),
    `${what}: ${actual} not within ${relative * 100}% of ${expected}`,
  );
}

Deno.test("constant always returns its value", () => {
  assert.deepEqual(samples({ kind: "constant", value: 250 }, 1, 5), [250, 250, 250, 250, 250]);
});

Deno.test("uniform: inside [min, max), mean and variance of U(min, max)", () => {
  const values = samples({ kind: "uniform", min: 1000, max: 3000 }, 11);
  assert.ok(values.every((v) => v >= 1000 && v < 3000));
  assertClose(mean(values), 2000, 0.01, "mean");
  assertClose(variance(values), 2000 ** 2 / 12, 0.03, "variance");
});

Deno.test("exponential: mean and standard deviation both equal the mean", () => {
  const values = samples({ kind: "exponential", mean: 30_000 }, 12);
  assert.ok(values.every((v) => v >= 0 && Number.isFinite(v)));
  assertClose(mean(values), 30_000, 0.03, "mean");
  assertClose(Math.sqrt(variance(values)), 30_000, 0.04, "sd");
  // Memorylessness shows in the median: mean · ln 2.
  assertClose(median(values), 30_000 * Math.LN2, 0.04, "median");
});

Deno.test("lognormal: sample median ≈ median, mean ≈ median·e^(σ²/2), ln(X) has sd σ", () => {
  const dist = { kind: "lognormal", median: 2000, sigma: 0.5 } as const;
  const values = samples(dist, 13);
  assertClose(median(values), 2000, 0.03, "median");
  assertClose(mean(values), distributionMean(dist), 0.03, "mean");
  assertClose(Math.sqrt(variance(values.map(Math.log))), 0.5, 0.03, "sd of ln");
  assertClose(lognormalMedianFromMean(distributionMean(dist), 0.5), 2000, 1e-12, "round trip");
});

Deno.test("poisson counts: mean and variance equal the mean", () => {
  const values = samples({ kind: "poisson", mean: 4 }, 14);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 0));
  assertClose(mean(values), 4, 0.03, "mean");
  assertClose(variance(values), 4, 0.05, "variance");
  // P(0) = e^-4 ≈ 1.83%.
  assertClose(values.filter((v) => v === 0).length / N, Math.exp(-4), 0.15, "P(0)");
});

Deno.test("Poisson arrivals: exponential gaps give a Poisson count per window", () => {
  // 5 arrivals per second: gaps exponential with mean 200 ms; count arrivals per 1 s window.
  const gap = createSampler({ kind: "exponential", mean: 200 }, Xoshiro128.fromSeed(15));
  const windows = new Array(2000).fill(0);
  let t = gap();
  while (t < windows.length * 1000) {
    windows[Math.floor(t / 1000)]++;
    t += gap();
  }
  assertClose(mean(windows), 5, 0.03, "arrivals per second");
  assertClose(variance(windows), 5, 0.08, "variance of the count");
});

Deno.test("count sampler: uniform integers cover min..max evenly, continuous kinds round", () => {
  const sample = createCountSampler({ kind: "uniform", min: 1, max: 3 }, Xoshiro128.fromSeed(16));
  const histogram = new Map<number, number>();
  for (let i = 0; i < 9000; i++) {
    const v = sample();
    histogram.set(v, (histogram.get(v) ?? 0) + 1);
  }
  assert.deepEqual([...histogram.keys()].sort(), [1, 2, 3]);
  for (const count of histogram.values()) assertClose(count, 3000, 0.05, "bucket");

  const rounded = createCountSampler({ kind: "exponential", mean: 10 }, Xoshiro128.fromSeed(17));
  const values = Array.from({ length: N }, rounded);
  assert.ok(values.every((v) => Number.isInteger(v) && v >= 0));
  assertClose(mean(values), 10, 0.03, "rounded mean");
});

Deno.test("fixed seed → fixed sequence; another seed → another", () => {
  const dist = { kind: "exponential", mean: 1000 } as const;
  assert.deepEqual(samples(dist, 99, 5), samples(dist, 99, 5));
  assert.notDeepEqual(samples(dist, 99, 5), samples(dist, 100, 5));
  // The first value is −mean·ln(1 − u) for the first xoshiro output of seed 42.
  const u = 1776835114 / 4294967296;
  assert.equal(samples(dist, 42, 1)[0], -1000 * Math.log(1 - u));
});
