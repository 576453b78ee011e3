import assert from "node:assert/strict";
import {
  evaluateThreshold,
  evaluateThresholds,
  type MetricSnapshot,
  parseMetricSelector,
  parseThresholdExpression,
  type Threshold,
  THRESHOLDS_FAILED_EXIT_CODE,
  thresholdsExitCode,
  ThresholdSyntaxError,
} from "./thresholds.ts";

/** A snapshot over a fixed list of samples (nearest-rank percentiles). */
function snapshotOf(samples: readonly number[]): MetricSnapshot {
  const sorted = [...samples].sort((a, b) => a - b);
  const empty = sorted.length === 0;
  return {
    percentile: (p) =>
      empty ? undefined : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)],
    count: sorted.length,
    rate: empty ? undefined : sorted.filter((v) => v !== 0).length / sorted.length,
    avg: empty ? undefined : sorted.reduce((a, b) => a + b, 0) / sorted.length,
    min: sorted[0],
    max: sorted.at(-1),
    value: sorted.at(-1),
  };
}

function threshold(metric: string, source: string, extra: Partial<Threshold> = {}): Threshold {
  return {
    metric,
    selector: parseMetricSelector(metric),
    expression: parseThresholdExpression(source),
    abortOnFail: false,
    delayAbortEvalMs: 0,
    ...extra,
  };
}

Deno.test("expressions: every aggregation, operator and unit", () => {
  const cases: [string, unknown, string, number][] = [
    ["p(95) < 300ms", { kind: "percentile", percentile: 95 }, "<", 300],
    ["p(99.9)<=1s", { kind: "percentile", percentile: 99.9 }, "<=", 1000],
    ["avg < 200", { kind: "avg" }, "<", 200],
    ["med>=1.5m", { kind: "med" }, ">=", 90_000],
    ["min > 0", { kind: "min" }, ">", 0],
    ["max != 2h", { kind: "max" }, "!=", 7_200_000],
    ["rate < 0.001", { kind: "rate" }, "<", 0.001],
    ["rate < 0.1%", { kind: "rate" }, "<", 0.001],
    ["count > 1000", { kind: "count" }, ">", 1000],
    ["value == 1e3", { kind: "value" }, "==", 1000],
    ["  p( 50 )  <  .5s  ", { kind: "percentile", percentile: 50 }, "<", 500],
  ];
  for (const [source, aggregation, operator, value] of cases) {
    const parsed = parseThresholdExpression(source);
    assert.deepEqual(parsed, { source, aggregation, operator, value }, source);
  }
});

Deno.test("malformed expressions: message and offset of the fault", () => {
  const cases: [string, RegExp, number][] = [
    ["", /^expected avg, min, max, med, p\(N\), count, rate or value$/, 0],
    ["p95 < 3", /instead of "p95"/, 0],
    ["avg 300", /^expected a comparison operator/, 4],
    ["p(95) << 300ms", /^expected a number$/, 7],
    ["p(0) < 3", /percentile above 0 and at most 100/, 2],
    ["p(101) < 3", /percentile above 0/, 2],
    ["p(95 < 3", /^expected \) after the percentile$/, 5],
    ["count > 10ms", /count takes a plain number/, 10],
    ["rate < 1s", /rate takes a fraction/, 8],
    ["avg < 3 parsecs", /unexpected unit "parsecs": units are ms, s, m or h/, 8],
    ["avg < 3ms and more", /unexpected "and more" after the value/, 10],
  ];
  for (const [source, message, offset] of cases) {
    assert.throws(() => parseThresholdExpression(source), (error: unknown) => {
      assert.ok(error instanceof ThresholdSyntaxError, source);
      assert.match(error.message, message, source);
      assert.equal(error.offset, offset, source);
      return true;
    });
  }
});

Deno.test("metric selectors with tags", () => {
  assert.deepEqual(parseMetricSelector("call_setup_time"), { name: "call_setup_time", tags: {} });
  assert.deepEqual(parseMetricSelector("sip_latency{method:INVITE, transport:udp}"), {
    name: "sip_latency",
    tags: { method: "INVITE", transport: "udp" },
  });
  assert.throws(() => parseMetricSelector("m{oops}"), /expected tag:value/);
});

Deno.test("evaluation against a snapshot returns the observed value", () => {
  const latencies = snapshotOf(Array.from({ length: 100 }, (_, i) => i + 1)); // 1..100 ms
  const cases: [string, number, boolean][] = [
    ["p(95) < 300ms", 95, true],
    ["p(95) < 95", 95, false],
    ["p(95) <= 95", 95, true],
    ["med == 50", 50, true],
    ["avg < 50", 50.5, false],
    ["min >= 1", 1, true],
    ["max > 100", 100, false],
    ["count > 99", 100, true],
  ];
  for (const [source, observed, passed] of cases) {
    const result = evaluateThreshold(threshold("t", source), latencies);
    assert.deepEqual([result.observed, result.passed], [observed, passed], source);
  }
  const failures = snapshotOf([0, 0, 0, 1]);
  assert.deepEqual(
    [evaluateThreshold(threshold("f", "rate < 0.1%"), failures).observed],
    [0.25],
  );
});

Deno.test("a metric without samples, or never recorded, fails", () => {
  const result = evaluateThreshold(threshold("t", "p(95) < 300"), snapshotOf([]));
  assert.deepEqual([result.observed, result.passed], [undefined, false]);
  assert.equal(evaluateThreshold(threshold("t", "count >= 0"), undefined).passed, false);
});

Deno.test("abortOnFail waits for delayAbortEval and for data; exit code 0 or 99", () => {
  const slow = snapshotOf([500, 600, 700]);
  const thresholds = [
    threshold("call_setup_time", "p(95) < 300ms", { abortOnFail: true, delayAbortEvalMs: 10_000 }),
    threshold("session_failure_ratio", "rate < 0.01", { abortOnFail: true }),
    threshold("session_attempts", "count > 1"),
  ];
  const lookup = (snapshots: Record<string, MetricSnapshot>) => (s: { name: string }) =>
    snapshots[s.name];
  const early = evaluateThresholds(thresholds, lookup({ call_setup_time: slow }), 5_000);
  assert.equal(early.passed, false);
  assert.deepEqual(early.abortingFailures, []); // grace period; session_failure_ratio has no data yet
  const late = evaluateThresholds(thresholds, lookup({ call_setup_time: slow }), 10_000);
  assert.deepEqual(late.abortingFailures.map((r) => r.threshold.metric), ["call_setup_time"]);
  assert.equal(thresholdsExitCode(late), THRESHOLDS_FAILED_EXIT_CODE);
  const good = evaluateThresholds(
    thresholds,
    lookup({
      call_setup_time: snapshotOf([100, 120]),
      session_failure_ratio: snapshotOf([0, 0]),
      session_attempts: snapshotOf([1, 1, 1]),
    }),
    20_000,
  );
  assert.equal(good.passed, true);
  assert.equal(thresholdsExitCode(good), 0);
});
