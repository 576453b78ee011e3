import assert from "node:assert/strict";
import { benchSchedulerAccuracy } from "./overhead_bench.ts";

Deno.test("the scheduler bench runs briefly and returns sane figures", async () => {
  const r = await benchSchedulerAccuracy({ rate: 1000, durationMs: 300 });
  assert.equal(r.targetRate, 1000);
  assert.equal(r.iterations, 300);
  assert.equal(r.dropped, 0);
  assert.ok(r.actualRate > 0 && r.actualRate <= 1000, `${r.actualRate}`);
  assert.ok(r.latenessP50Ms >= 0 && r.latenessP50Ms <= r.latenessP99Ms, JSON.stringify(r));
  assert.ok(r.latenessP99Ms <= r.latenessMaxMs && Number.isFinite(r.latenessMaxMs));
});
