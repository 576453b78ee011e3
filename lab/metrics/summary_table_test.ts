import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";
import { buildSummary, type RunSummary } from "./summary.ts";
import {
  formatLatency,
  formatNumber,
  formatSummaryTable,
  progressFromSnapshot,
  ProgressLine,
  type ProgressState,
  renderProgress,
} from "./summary_table.ts";

/** 100 calls in 10 s: 95 answered (setup 10..104 ms), 3 × 486, one 503, one timeout. */
function hundredCalls(): { registry: MetricsRegistry; summary: RunSummary } {
  let now = 0;
  const registry = new MetricsRegistry({ clock: () => now });
  for (let i = 0; i < 100; i++) registry.kpi.sessionAttempt();
  for (let i = 0; i < 95; i++) registry.kpi.sessionEstablished(10 + i);
  for (let i = 0; i < 3; i++) registry.kpi.sessionFailed(486);
  registry.kpi.sessionFailed(503);
  registry.kpi.sessionFailed("timeout");
  registry.distribution("qoe_mos").record(4.1);
  now = 10_000;
  const summary = buildSummary(registry.snapshot(), {
    runId: "20250102-030405-basic-call",
    scenario: "basic-call",
    startedAt: 0,
    complete: true,
    thresholds: [
      { metric: "call_setup_time", expression: "p(95) < 300ms", observed: 99.5, passed: true },
      { metric: "session_failure_ratio", expression: "rate < 0.01", observed: 0.05, passed: false },
    ],
  });
  return { registry, summary };
}

function lineWith(text: string, start: string): string {
  const line = text.split("\n").find((l) => l.trimStart().startsWith(start));
  assert.ok(line !== undefined, `no line starting with "${start}" in:\n${text}`);
  return line;
}

Deno.test("the summary table shows attempts, outcomes by status, rate and percentiles", () => {
  const text = formatSummaryTable(hundredCalls().summary);
  assert.match(text, /^Run 20250102-030405-basic-call — basic-call\n {2}10 s, complete\n/);
  assert.match(lineWith(text, "attempted"), /attempted\s+100$/);
  assert.match(lineWith(text, "succeeded"), /succeeded\s+95\s+95\.0%$/);
  assert.match(lineWith(text, "failed"), /failed\s+5\s+5\.0%$/);
  assert.match(lineWith(text, "486 Busy Here"), /486 Busy Here\s+3\s+3\.0%$/);
  assert.match(lineWith(text, "503 Service Unavailable"), /\s1\s+1\.0%$/);
  assert.match(lineWith(text, "timeout (no final response)"), /\s1\s+1\.0%$/);
  assert.match(text, /rate: 10\.0 calls\/s/);
  // call_setup_time over 10..104 ms: p50 57, p95 100, p99 104, max 104 (HDR, 3 digits).
  const setup = lineWith(text, "call_setup_time").trim().split(/\s+/);
  assert.deepEqual(setup, ["call_setup_time", "95", "57.0", "100.0", "104.0", "104.0", "104.0"]);
  assert.match(lineWith(text, "qoe_mos"), /qoe_mos\s+1\s+4\.1\s/);
  assert.match(text, /SER 95\.0%\s+SEER 98\.0%\s+ISA 2\.0%/);
  assert.match(text, /Thresholds \(1\/2 passed\)/);
  assert.match(lineWith(text, "PASS"), /PASS\s+call_setup_time\s+p\(95\) < 300ms\s+99\.5$/);
  assert.match(lineWith(text, "FAIL"), /FAIL\s+session_failure_ratio\s+rate < 0\.01\s+0\.050$/);
});

Deno.test("an interrupted run says so and empty sections are left out", () => {
  const registry = new MetricsRegistry({ clock: () => 5_000, startedAt: 0 });
  const summary = buildSummary(registry.snapshot(), {
    runId: "r",
    scenario: "s",
    startedAt: 0,
    complete: false,
    thresholds: [],
  });
  const text = formatSummaryTable(summary);
  assert.match(text, /INTERRUPTED/);
  assert.doesNotMatch(text, /Calls|Registrations|Latency|Thresholds|KPIs/);
});

Deno.test("a run stopped early names its stop reason", () => {
  const registry = new MetricsRegistry({ clock: () => 5_000, startedAt: 0 });
  const summary = buildSummary(registry.snapshot(), {
    runId: "r",
    scenario: "s",
    startedAt: 0,
    complete: false,
    stopReason: "max-duration",
    thresholds: [],
  });
  assert.equal(summary.stopReason, "max-duration");
  assert.match(
    formatSummaryTable(summary),
    /^Run r — s\n {2}5 s, STOPPED EARLY \(max-duration\): figures cover the time it ran\n/,
  );
});

Deno.test("numbers are printed with as much precision as they need", () => {
  assert.equal(formatNumber(1234.5), "1235");
  assert.equal(formatNumber(12.345), "12.3");
  assert.equal(formatNumber(1.2345), "1.23");
  assert.equal(formatNumber(0.01234), "0.012");
  assert.equal(formatNumber(7), "7");
  assert.equal(formatNumber(null), "-");
  assert.equal(formatLatency(12), "12.0");
  assert.equal(formatLatency(0.25), "0.250");
  assert.equal(formatLatency(15_000.4), "15000");
});

const STATE: ProgressState = {
  elapsedMs: 15_000,
  durationMs: 60_000,
  activeUsers: 50,
  attempts: 400,
  succeeded: 395,
  failed: 5,
  ratePerSecond: 33,
  p95Ms: 21.3,
};

Deno.test("renderProgress draws the bar, elapsed/duration and live counts", () => {
  assert.equal(
    renderProgress(STATE, 20),
    "[#####...............] 15s/1m00s  users 50  calls 400  ok 395  failed 5  33.0/s  p95 21.3ms",
  );
  assert.equal(
    renderProgress({ ...STATE, durationMs: undefined, p95Ms: undefined, elapsedMs: 125_000 }),
    "2m05s  users 50  calls 400  ok 395  failed 5  33.0/s",
  );
});

Deno.test("renderProgress shows iterations while no call was attempted, calls otherwise", () => {
  const iterations = { started: 120, completed: 110, failed: 4, ratePerSecond: 8 };
  assert.equal(
    renderProgress({ ...STATE, attempts: 0, succeeded: 0, failed: 0, iterations }, 20),
    "[#####...............] 15s/1m00s  users 50  iterations 120  ok 110  failed 4  8.0/s",
  );
  assert.equal(
    renderProgress({ ...STATE, iterations }, 20),
    "[#####...............] 15s/1m00s  users 50  calls 400  ok 395  failed 5  33.0/s  p95 21.3ms",
  );
  assert.equal(
    renderProgress({
      ...STATE,
      attempts: 0,
      p95Ms: undefined,
      iterations: { ...iterations, started: 0 },
    }),
    "[#####...............] 15s/1m00s  users 50  calls 0  ok 395  failed 5  33.0/s",
  );
});

Deno.test("on a terminal the progress line redraws in place", () => {
  const out: string[] = [];
  const progress = new ProgressLine({ isTerminal: true, write: (t) => out.push(t), barWidth: 10 });
  progress.update(STATE);
  progress.update({ ...STATE, elapsedMs: 16_000 });
  progress.done();
  assert.equal(out.length, 3);
  assert.ok(out[0].startsWith("\r[###.......] 15s/1m00s"));
  assert.ok(out[0].endsWith("\x1b[K"));
  assert.ok(out[1].startsWith("\r[###.......] 16s/1m00s"));
  assert.equal(out[2], "\n");
});

Deno.test("without a terminal a plain line is printed every N seconds, and the last one at the end", () => {
  const out: string[] = [];
  const progress = new ProgressLine({
    isTerminal: false,
    write: (t) => out.push(t),
    plainEverySeconds: 10,
  });
  for (let second = 1; second <= 25; second++) {
    progress.update({ ...STATE, elapsedMs: second * 1_000 });
  }
  progress.done();
  assert.deepEqual(out.map((line) => line.split("  ")[0].split(" ").at(-1)), [
    "1s/1m00s",
    "11s/1m00s",
    "21s/1m00s",
    "25s/1m00s",
  ]);
  assert.ok(out.every((line) => line.endsWith("\n") && !line.includes("\r")));
});

Deno.test("progressFromSnapshot reads calls, users, interval rate and interval p95", () => {
  let now = 0;
  const registry = new MetricsRegistry({ clock: () => now });
  registry.gauge("active_users").set(12);
  for (let i = 0; i < 20; i++) registry.kpi.sessionAttempt();
  for (let i = 1; i <= 18; i++) registry.kpi.sessionEstablished(i);
  registry.kpi.sessionFailed(486);
  now = 2_000;
  const state = progressFromSnapshot(registry.snapshot(), 30_000);
  assert.equal(state.activeUsers, 12);
  assert.equal(state.attempts, 20);
  assert.equal(state.succeeded, 18);
  assert.equal(state.failed, 1);
  assert.equal(state.ratePerSecond, 10);
  assert.ok(state.p95Ms !== undefined && Math.abs(state.p95Ms - 18) < 0.02);
  assert.equal(state.durationMs, 30_000);
});

Deno.test("progressFromSnapshot sums the runner's iteration counts over workloads", () => {
  let now = 0;
  const registry = new MetricsRegistry({ clock: () => now });
  registry.counter("iterations_started").inc({ workload: "flow" }, 6);
  registry.counter("iterations_started").inc({ workload: "noop" }, 2);
  now = 1_000;
  registry.snapshot();
  registry.counter("iterations_started").inc({ workload: "flow" }, 4);
  registry.counter("iterations_completed").inc({ workload: "flow" }, 9);
  registry.counter("iterations_failed").inc({ workload: "noop" }, 1);
  now = 3_000;
  const state = progressFromSnapshot(registry.snapshot());
  assert.deepEqual(state.iterations, { started: 12, completed: 9, failed: 1, ratePerSecond: 2 });
  assert.equal(state.attempts, 0);
});
