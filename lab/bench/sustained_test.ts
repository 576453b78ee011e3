import assert from "node:assert/strict";
import { type CallRunCounts, judgeSustained } from "./sustained.ts";

const CLEAN: CallRunCounts = {
  requested: 4000,
  rate: 1000,
  attempted: 4000,
  succeeded: 4000,
  failed: 0,
  retransmissions: 0,
  elapsedMs: 4100,
};

Deno.test("judgeSustained: a clean run within run time + 5% is sustained", () => {
  assert.deepEqual(judgeSustained(CLEAN), { sustained: true, reasons: [] });
  // 4000 / 1000 s + 5% = 4200 ms exactly is still in.
  assert.equal(judgeSustained({ ...CLEAN, elapsedMs: 4200 }).sustained, true);
});

Deno.test("judgeSustained: each criterion on its own boundary", () => {
  // 3 of 4000 = 0.075% < 0.1%; 4 = 0.1% is not below.
  assert.equal(judgeSustained({ ...CLEAN, succeeded: 3997, failed: 3 }).sustained, true);
  assert.deepEqual(judgeSustained({ ...CLEAN, succeeded: 3996, failed: 4 }).reasons, [
    "4 failed (0.10% ≥ 0.10%)",
  ]);
  assert.equal(judgeSustained({ ...CLEAN, retransmissions: 39 }).sustained, true);
  assert.deepEqual(judgeSustained({ ...CLEAN, retransmissions: 40 }).reasons, [
    "40 retransmissions (1.0% ≥ 1.0%)",
  ]);
  assert.deepEqual(judgeSustained({ ...CLEAN, elapsedMs: 4201 }).reasons, [
    "took 4201.0 ms > 4200.0 ms (run time + 5.0%)",
  ]);
});

Deno.test("judgeSustained: calls not placed or not finished; every reason listed", () => {
  const verdict = judgeSustained({
    ...CLEAN,
    attempted: 3000,
    succeeded: 2000,
    failed: 10,
    elapsedMs: Number.NaN,
  });
  assert.equal(verdict.sustained, false);
  assert.deepEqual(verdict.reasons, [
    "placed 3000 of 4000 calls",
    "990 calls never finished",
    "10 failed (0.25% ≥ 0.10%)",
    "took NaN ms > 4200.0 ms (run time + 5.0%)",
  ]);
});
