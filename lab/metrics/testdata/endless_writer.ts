/**
 * A run that never ends on its own (until a bound): the SIGKILL test starts it, kills it
 * mid-run and reads what it left. Each loop turn is one simulated second of 7 calls; the
 * clock is simulated so the turns can be fast. Usage: `endless_writer.ts <results-base-dir>`.
 *
 * @module
 */

import { MetricsRegistry } from "../registry.ts";
import { ResultsWriter } from "../results.ts";

const MAX_SECONDS = 5_000;
const CALLS_PER_SECOND = 7;

let now = Date.UTC(2025, 5, 1);
const registry = new MetricsRegistry({ clock: () => now });
const writer = ResultsWriter.create(Deno.args[0], "20250601-000000-killed", "name: killed\n", {
  startedAt: registry.startedAt,
  histograms: registry,
  histogramEvery: 3,
});
for (let second = 1; second <= MAX_SECONDS; second++) {
  for (let call = 0; call < CALLS_PER_SECOND; call++) {
    registry.kpi.sessionAttempt();
    registry.kpi.sessionEstablished(10 + call);
  }
  now += 1_000;
  writer.writeSecond(registry.snapshot());
  await new Promise((resolve) => setTimeout(resolve, 5));
}
writer.finish();
