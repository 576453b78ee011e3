import assert from "node:assert/strict";
import { parseNdjson, toNdjson } from "./ndjson.ts";
import { MetricsRegistry } from "./registry.ts";
import { snapshotLines, snapshotsFromLines, type TimeseriesLine } from "./timeseries.ts";

function busyRegistry(): { registry: MetricsRegistry; advance: (ms: number) => void } {
  let now = 5_000_000;
  const registry = new MetricsRegistry({ clock: () => now });
  registry.requestSent("INVITE", false);
  registry.responseReceived("INVITE", 200, 31);
  registry.gauge("active_users").set(3);
  registry.distribution("qoe_mos").record(3.9);
  registry.kpi.sessionAttempt();
  registry.kpi.sessionEstablished(31);
  registry.stateCounts("uacCall", { connected: 1 });
  return { registry, advance: (ms) => now += ms };
}

Deno.test("snapshots survive the NDJSON round trip unchanged", () => {
  const { registry, advance } = busyRegistry();
  advance(1_000);
  const first = registry.snapshot();
  registry.kpi.sessionAttempt();
  advance(1_000);
  const second = registry.snapshot();
  const text = toNdjson([...snapshotLines(first), ...snapshotLines(second)]);
  const parsed = parseNdjson<TimeseriesLine>(text);
  assert.equal(parsed.skipped, 0);
  assert.deepEqual(snapshotsFromLines(parsed.records), [first, second]);
});

Deno.test("every snapshot ends with an end line counting its lines", () => {
  const { registry, advance } = busyRegistry();
  advance(1_000);
  const lines = snapshotLines(registry.snapshot());
  const end = lines.at(-1);
  assert.deepEqual(end?.kind === "end" && end.lines, lines.length - 1);
  assert.ok(lines.some((l) => l.kind === "distribution" && l.name === "qoe_mos"));
  assert.ok(lines.some((l) => l.kind === "states" && l.machine === "uacCall"));
});

Deno.test("a snapshot missing lines before its end line is dropped", () => {
  const { registry, advance } = busyRegistry();
  advance(1_000);
  const lines = snapshotLines(registry.snapshot());
  assert.deepEqual(snapshotsFromLines([...lines.slice(0, 2), ...lines.slice(3)]), []);
  assert.deepEqual(snapshotsFromLines(lines.slice(0, -1)), []);
});
