import assert from "node:assert/strict";
import { basicCallUacChart } from "../agents/uac/basic_call_chart.ts";
import { MetricsRegistry } from "../lab/metrics/mod.ts";
import { ErrorLog } from "./error_log.ts";
import { buildFrame, PointHistory } from "./frame.ts";
import { machineGraph } from "./state_graph.ts";

/** HDR reports the top of a value's bucket: within 0.1% at 3 significant digits. */
function assertHdr(actual: number | null, expected: number): void {
  assert.ok(
    actual !== null && Math.abs(actual - expected) <= expected * 1e-3,
    `${actual} ≈ ${expected}`,
  );
}

function registryAt(clock: { now: number }): MetricsRegistry {
  return new MetricsRegistry({ clock: () => clock.now, startedAt: 0 });
}

Deno.test("buildFrame: per-second throughput by method and class, HDR percentiles, failures", () => {
  const clock = { now: 0 };
  const registry = registryAt(clock);
  for (let i = 0; i < 10; i++) registry.requestSent("INVITE", false);
  for (let i = 0; i < 4; i++) registry.requestSent("BYE", false);
  registry.requestSent("INVITE", true);
  for (let i = 1; i <= 100; i++) registry.responseReceived("INVITE", 200, i);
  registry.responseReceived("INVITE", 180, 0);
  registry.responseReceived("INVITE", 486, 5);
  registry.responseReceived("INVITE", 503, 5);
  registry.kpi.sessionFailed(486);
  registry.stateCounts("uacCall", { idle: 7, ringing: 3 });
  registry.stateCounts("other", { a: 1 });
  registry.gauge("active_users").set(3);
  clock.now = 2_000; // a two-second interval: rates are per second
  const errors = new ErrorLog({ clock: () => 1_500 });
  errors.record({ status: 486, diagnostics: '15025;reason="busy"', user: "caller0001" });
  const graphs = new Map([["uacCall", { ...machineGraph(basicCallUacChart), machine: "uacCall" }]]);
  const frame = buildFrame(registry.snapshot(), {
    run: { paused: false, rate: 5, elapsedMs: 2_000, durationMs: 10_000 },
    graphs,
    thresholds: [{ metric: "call_setup_time", expression: "p(95)<300", observed: 1, passed: true }],
    errors,
  });
  assert.equal(frame.type, "frame");
  assert.equal(frame.elapsedMs, 2_000);
  assert.equal(frame.point.t, 2);
  assert.deepEqual(frame.point.requests, { INVITE: 5.5, BYE: 2 });
  assert.deepEqual(frame.point.responses, { "2xx": 50, "1xx": 0.5, "4xx": 0.5, "5xx": 0.5 });
  assert.equal(frame.headline.requestsPerSecond, 7.5);
  assert.equal(frame.headline.activeUsers, 3);
  const invite = frame.point.latency['sip_request_duration{method="INVITE"}'];
  assert.equal(invite.count, 102);
  // HDR percentiles of 1..100 ms plus two 5 ms samples (3 significant digits).
  assertHdr(invite.p50, 49);
  assertHdr(invite.p95, 95); // the 97th of 102 sorted samples
  assertHdr(invite.p99, 99);
  assert.equal(invite.p999, 100); // capped at the recorded maximum
  assert.deepEqual(frame.latencies.map((r) => r.key), ['sip_request_duration{method="INVITE"}']);
  // A machine with a chart gets every state of the chart, unreported ones at 0.
  assert.deepEqual(
    frame.states.uacCall,
    Object.fromEntries(
      Object.keys(basicCallUacChart.root.states).map((id) => [
        id,
        id === "idle" ? 7 : id === "ringing" ? 3 : 0,
      ]),
    ),
  );
  assert.deepEqual(frame.states.other, { a: 1 });
  assert.deepEqual(
    frame.errors.failures.map((f) => [f.metric, f.labels, f.total]),
    [
      ["sip_responses_received", { method: "INVITE", class: "4xx" }, 1],
      ["sip_responses_received", { method: "INVITE", class: "5xx" }, 1],
      ["session_failures", { status: "486" }, 1],
    ],
  );
  assert.deepEqual(frame.errors.byCode, [{
    status: "486",
    code: "15025",
    reason: "busy",
    count: 1,
  }]);
  assert.equal(frame.errors.latest[0].user, "caller0001");
  assert.equal(frame.thresholds[0].passed, true);
  // The next second has no new samples: no latency point, rates fall to 0.
  clock.now = 3_000;
  const quiet = buildFrame(registry.snapshot(), {
    run: { paused: true, elapsedMs: 2_000 },
    graphs,
    thresholds: [],
  });
  assert.deepEqual(quiet.point.latency, {});
  assert.equal(quiet.point.requests.INVITE, 0);
  assert.equal(quiet.latencies[0].count, 102);
  assert.deepEqual(quiet.errors.byCode, []);
});

Deno.test("PointHistory: keeps the last points, oldest first", () => {
  const history = new PointHistory(3);
  for (let t = 1; t <= 5; t++) history.push({ t, requests: {}, responses: {}, latency: {} });
  assert.deepEqual(history.points().map((p) => p.t), [3, 4, 5]);
  assert.throws(() => new PointHistory(0), RangeError);
});
