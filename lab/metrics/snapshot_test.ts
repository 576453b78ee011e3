import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";
import { counterIn, gaugeIn, histogramIn, ratioIn } from "./snapshot.ts";

/** A registry on a hand-driven clock starting at t = 1_000_000 ms. */
function clocked(): { registry: MetricsRegistry; advance: (ms: number) => void } {
  let now = 1_000_000;
  const registry = new MetricsRegistry({ clock: () => now });
  return { registry, advance: (ms) => now += ms };
}

Deno.test("counter deltas and rates cover the interval since the previous snapshot", () => {
  const { registry, advance } = clocked();
  for (let i = 0; i < 30; i++) registry.kpi.sessionAttempt();
  advance(1_000);
  const first = registry.snapshot();
  assert.equal(first.elapsedMs, 1_000);
  assert.equal(first.intervalMs, 1_000);
  assert.deepEqual(counterIn(first, "session_attempts"), { total: 30, delta: 30 });
  assert.equal(first.counters.find((c) => c.name === "session_attempts")?.rate, 30);

  for (let i = 0; i < 10; i++) registry.kpi.sessionAttempt();
  advance(500);
  const second = registry.snapshot();
  assert.equal(second.elapsedMs, 1_500);
  assert.equal(second.intervalMs, 500);
  assert.deepEqual(counterIn(second, "session_attempts"), { total: 40, delta: 10 });
  assert.equal(second.counters.find((c) => c.name === "session_attempts")?.rate, 20);

  advance(1_000);
  assert.deepEqual(counterIn(registry.snapshot(), "session_attempts"), { total: 40, delta: 0 });
});

Deno.test("latency snapshots carry interval stats and cumulative stats", () => {
  const { registry, advance } = clocked();
  const setup = registry.latency("call_setup_time");
  for (const ms of [10, 20, 30]) setup.record(ms);
  advance(1_000);
  const first = histogramIn(registry.snapshot(), "call_setup_time");
  assert.equal(first?.interval.count, 3);
  assert.equal(first?.interval.max, 30);
  assert.equal(first?.interval.mean, 20);
  assert.equal(first?.cumulative.count, 3);

  setup.record(1_000);
  advance(1_000);
  const second = histogramIn(registry.snapshot(), "call_setup_time");
  assert.equal(second?.interval.count, 1);
  assert.equal(second?.interval.min, 1_000);
  assert.equal(second?.cumulative.count, 4);
  assert.equal(second?.cumulative.min, 10);
  assert.equal(second?.cumulative.max, 1_000);

  advance(1_000);
  const idle = histogramIn(registry.snapshot(), "call_setup_time");
  assert.deepEqual(idle?.interval, { count: 0 });
  assert.equal(idle?.cumulative.count, 4);
});

Deno.test("gauges, ratios and state counts appear in snapshots", () => {
  const { registry, advance } = clocked();
  registry.gauge("active_users").set(20);
  registry.gauge("active_users").set(12);
  registry.kpi.sessionAttempt();
  registry.kpi.sessionAttempt();
  registry.kpi.sessionEstablished(100);
  registry.stateCounts("uacCall", { ringing: 1, connected: 1 });
  advance(1_000);
  const s = registry.snapshot();
  assert.equal(gaugeIn(s, "active_users"), 12);
  assert.deepEqual(
    s.gauges.find((g) => g.name === "active_users"),
    { name: "active_users", labels: {}, value: 12, min: 12, max: 20 },
  );
  const ser = ratioIn(s, "session_establishment_ratio");
  assert.equal(ser?.ratio, 0.5);
  assert.equal(ser?.deltaTotal, 2);
  assert.deepEqual(s.states, [{ machine: "uacCall", counts: { ringing: 1, connected: 1 } }]);

  registry.kpi.sessionAttempt();
  advance(1_000);
  const next = ratioIn(registry.snapshot(), "session_establishment_ratio");
  assert.equal(next?.deltaTotal, 1);
  assert.equal(next?.deltaHits, 0);
  assert.equal(next?.ratio, 1 / 3);
});

Deno.test("metricView: counters give totals and per-second rate over the run", () => {
  const { registry, advance } = clocked();
  registry.counter("im_sent").inc({ mode: "p2p" }, 30);
  registry.counter("im_sent").inc({ mode: "group" }, 10);
  advance(4_000);
  const all = registry.metricView("im_sent");
  assert.equal(all?.kind, "counter");
  assert.equal(all?.count, 40);
  assert.equal(all?.value, 40);
  assert.equal(all?.rate, 10);
  assert.equal(all?.percentile(95), undefined);
  assert.equal(registry.metricView("im_sent{mode:group}")?.count, 10);
  assert.equal(registry.metricView({ name: "im_sent", tags: { mode: "p2p" } })?.count, 30);
  assert.equal(registry.metricView("im_sent{mode:none}")?.count, 0);
});

Deno.test("metricView: latencies merge the matching series", () => {
  const { registry, advance } = clocked();
  const setup = registry.latency("call_setup_time");
  for (let ms = 1; ms <= 100; ms++) setup.record(ms, { transport: "udp" });
  for (let ms = 101; ms <= 200; ms++) setup.record(ms, { transport: "tcp" });
  advance(2_000);
  const udp = registry.metricView("call_setup_time{transport:udp}");
  assert.equal(udp?.count, 100);
  assert.equal(udp?.max, 100);
  assert.equal(udp?.avg, 50.5);
  const all = registry.metricView("call_setup_time");
  assert.equal(all?.count, 200);
  assert.equal(all?.min, 1);
  assert.equal(all?.max, 200);
  const median = all?.percentile(50) ?? NaN;
  assert.ok(Math.abs(median - 100) <= 100 * 0.001, `median ${median}`);
  assert.equal(all?.rate, 100);
  assert.equal(all?.value, undefined);
  // Taking snapshots does not disturb the cumulative view.
  registry.snapshot();
  assert.equal(registry.metricView("call_setup_time")?.count, 200);
});

Deno.test("metricView: gauges report value and extremes; unknown metrics are undefined", () => {
  const { registry } = clocked();
  registry.gauge("active_users").set(5);
  registry.gauge("active_users").set(50);
  registry.gauge("active_users").set(30);
  const users = registry.metricView("active_users");
  assert.equal(users?.value, 30);
  assert.equal(users?.min, 5);
  assert.equal(users?.max, 50);
  assert.equal(registry.metricView("no_such_metric"), undefined);
});

Deno.test("metricView: recorded ratios give the hit fraction as rate and value", () => {
  const { registry } = clocked();
  const failed = registry.ratio("web_request_failed");
  failed.add(true);
  failed.add(false);
  failed.add(false);
  failed.add(false);
  const view = registry.metricView("web_request_failed");
  assert.equal(view?.rate, 0.25);
  assert.equal(view?.value, 0.25);
  assert.equal(view?.count, 4);
});
