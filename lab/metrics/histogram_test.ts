import assert from "node:assert/strict";
import { LatencyHistogram, mergeEncoded } from "./histogram.ts";

/** HDR with 3 significant digits: every reported value is within 0.1% of the true one. */
function assertWithinHdrPrecision(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined, `expected ~${expected}, got undefined`);
  assert.ok(
    Math.abs(actual - expected) <= expected * 0.001 + 1e-9,
    `expected ${expected} ± 0.1%, got ${actual}`,
  );
}

/**
 * Same count and the same bucket at every 0.1 percentile step: the same bucket counts. Both
 * sides go through the encoding first, which keeps buckets but not the exact maximum.
 */
function assertSameDistribution(actual: LatencyHistogram, expected: LatencyHistogram): void {
  const [a, b] = [actual, expected].map((h) => LatencyHistogram.decode(h.encode()));
  assert.equal(a.count, b.count);
  for (let tenths = 0; tenths <= 1000; tenths++) {
    const p = tenths / 10;
    assert.equal(a.percentile(p), b.percentile(p), `p${p}`);
  }
}

function uniform(from: number, to: number): LatencyHistogram {
  const h = new LatencyHistogram();
  for (let v = from; v <= to; v++) h.record(v);
  return h;
}

Deno.test("percentiles of 1..10000 ms match the uniform distribution within HDR precision", () => {
  const h = uniform(1, 10_000);
  assert.equal(h.count, 10_000);
  assertWithinHdrPrecision(h.percentile(50), 5_000);
  assertWithinHdrPrecision(h.percentile(95), 9_500);
  assertWithinHdrPrecision(h.percentile(99), 9_900);
  assertWithinHdrPrecision(h.percentile(99.9), 9_990);
  assertWithinHdrPrecision(h.percentile(100), 10_000);
  assert.equal(h.min, 1);
  assert.equal(h.max, 10_000);
  // The mean comes from the exact sum, not from buckets.
  assert.equal(h.mean, 5_000.5);
  assert.equal(h.sum, 50_005_000);
});

Deno.test("sub-millisecond latencies keep microsecond resolution", () => {
  const h = new LatencyHistogram();
  h.record(0.125);
  h.record(0.250);
  h.record(0.375);
  assert.equal(h.min, 0.125);
  assert.equal(h.percentile(50), 0.25);
  assert.equal(h.max, 0.375);
});

Deno.test("stats() gathers count, extremes and the reported percentiles", () => {
  const stats = uniform(1, 1_000).stats();
  assert.equal(stats.count, 1_000);
  assert.equal(stats.min, 1);
  assert.equal(stats.max, 1_000);
  assertWithinHdrPrecision(stats.p50, 500);
  assertWithinHdrPrecision(stats.p90, 900);
  assertWithinHdrPrecision(stats.p95, 950);
  assertWithinHdrPrecision(stats.p99, 990);
  assertWithinHdrPrecision(stats.p999, 999);
  assert.deepEqual(new LatencyHistogram().stats(), { count: 0 });
});

Deno.test("an empty histogram reports no percentile, min, max or mean", () => {
  const h = new LatencyHistogram();
  assert.equal(h.percentile(50), undefined);
  assert.equal(h.min, undefined);
  assert.equal(h.max, undefined);
  assert.equal(h.mean, undefined);
});

Deno.test("negative values count as 0 and NaN or infinite values are ignored", () => {
  const h = new LatencyHistogram();
  h.record(-5);
  h.record(Number.NaN);
  h.record(Infinity);
  h.record(10);
  assert.equal(h.count, 2);
  assert.equal(h.min, 0);
  assert.equal(h.max, 10);
});

Deno.test("encode/decode round-trips every bucket count", () => {
  const h = uniform(1, 5_000);
  h.record(120_000);
  const decoded = LatencyHistogram.decode(h.encode());
  assertSameDistribution(decoded, h);
  for (const p of [0, 1, 25, 50, 75, 90, 99, 99.9]) {
    assert.equal(decoded.percentile(p), h.percentile(p), `p${p}`);
  }
  // The exact maximum is not part of the format: it comes back as the top of its bucket.
  assert.ok(Math.abs((decoded.max ?? 0) - 120_000) <= 120_000 * 0.001);
  // The sum of a decoded histogram is estimated from its buckets.
  assert.ok(Math.abs(decoded.sum - h.sum) <= h.sum * 0.001);
  // Re-encoding the decoded histogram gives the same bytes.
  assert.equal(decoded.encode(), h.encode());
});

Deno.test("merging per-worker histograms equals recording everything in one", () => {
  const all = new LatencyHistogram();
  const workers = [new LatencyHistogram(), new LatencyHistogram(), new LatencyHistogram()];
  for (let i = 0; i < 3_000; i++) {
    const value = (i * 7_919) % 2_500 + (i % 7) * 0.013;
    all.record(value);
    workers[i % 3].record(value);
  }
  assertSameDistribution(mergeEncoded(workers.map((w) => w.encode())), all);

  const inMemory = workers[0].copy();
  inMemory.merge(workers[1]);
  inMemory.merge(workers[2]);
  assertSameDistribution(inMemory, all);
  assert.ok(Math.abs(inMemory.sum - all.sum) < 1e-6);
});

Deno.test("copy is independent and reset empties", () => {
  const h = uniform(1, 10);
  const copy = h.copy();
  h.reset();
  assert.equal(h.count, 0);
  assert.equal(copy.count, 10);
  assert.equal(copy.sum, 55);
});

Deno.test("histograms of different resolutions refuse to merge", () => {
  assert.throws(() => new LatencyHistogram(1000).merge(new LatencyHistogram(1)), RangeError);
});
