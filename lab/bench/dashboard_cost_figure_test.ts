import assert from "node:assert/strict";
import { steadyFigures } from "./dashboard_cost_figure.ts";

Deno.test("steadyFigures: the seconds after the warm-up, the last one left out", () => {
  // Second by second: 1,000 ms apart; 500 calls and 300 CPU-ms per steady second.
  const marks = [0, 1, 2, 3, 4, 5].map((s) => ({
    wallMs: 1_000 * (s + 1),
    cpuMs: s < 2 ? 900 * s : 1_800 + 300 * (s - 2),
    calls: s < 2 ? 10 * s : 20 + 500 * (s - 2),
    rssMb: 100 + (s === 3 ? 50 : s),
  }));
  // The last second (an odd one: the schedule's end) is left out.
  marks[5] = { ...marks[5], calls: marks[4].calls + 5 };
  const figures = steadyFigures(marks);
  assert.equal(figures.callsPerSecond, 500);
  assert.equal(figures.cpuMsPerCall, 0.6);
  assert.equal(figures.cpuPercent, 30);
  assert.equal(figures.rssPeakMb, 150);
  assert.throws(() => steadyFigures(marks.slice(0, 3)), /only 3 seconds/);
});
