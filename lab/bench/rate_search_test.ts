import assert from "node:assert/strict";
import { type RateSearchOptions, roundRate, searchSustainedRate } from "./rate_search.ts";

const OPTIONS: RateSearchOptions = {
  startRate: 500,
  growth: 4,
  maxRate: 64_000,
  minRate: 25,
  maxSteps: 6,
  precision: 0.1,
};

/** A system that sustains up to `limit` calls/s; records the rates probed. */
function system(limit: number) {
  const probed: number[] = [];
  const probe = (rate: number) => {
    probed.push(rate);
    return Promise.resolve({ sustained: rate <= limit, detail: rate });
  };
  return { probe, probed };
}

Deno.test("roundRate: three significant figures", () => {
  assert.equal(roundRate(5731.25), 5730);
  assert.equal(roundRate(26_049), 26_000);
  assert.equal(roundRate(87.4), 87);
  assert.equal(roundRate(0), 0);
});

Deno.test("searchSustainedRate: ramps up, then bisects the bracket", async () => {
  const { probe, probed } = system(3000);
  const result = await searchSustainedRate(probe, OPTIONS);
  assert.deepEqual(probed, [500, 2000, 8000, 5000, 3500, 2750]);
  assert.equal(result.bestRate, 2750);
  assert.equal(result.lowestFailedRate, 3500);
  assert.deepEqual(result.steps.map((s) => [s.rate, s.sustained, s.detail]), [
    [500, true, 500],
    [2000, true, 2000],
    [8000, false, 8000],
    [5000, false, 5000],
    [3500, false, 3500],
    [2750, true, 2750],
  ]);
});

Deno.test("searchSustainedRate: ramps down when the start rate fails", async () => {
  const { probe, probed } = system(150);
  const result = await searchSustainedRate(probe, OPTIONS);
  assert.deepEqual(probed, [500, 125, 313, 219, 172, 149]);
  assert.equal(result.bestRate, 149);
});

Deno.test("searchSustainedRate: stops at maxRate, minRate and the precision", async () => {
  const fast = system(1e9);
  assert.equal(
    (await searchSustainedRate(fast.probe, { ...OPTIONS, maxRate: 10_000 })).bestRate,
    10_000,
  );
  assert.deepEqual(fast.probed, [500, 2000, 8000, 10_000]);

  const dead = system(0);
  const none = await searchSustainedRate(dead.probe, OPTIONS);
  assert.equal(none.bestRate, undefined);
  assert.deepEqual(dead.probed, [500, 125, 31, 25]);

  const precise = system(3000);
  await searchSustainedRate(precise.probe, { ...OPTIONS, precision: 1, maxSteps: 20 });
  // 2000 passes, 8000 fails: 4× > 1 + precision, so 5000; 5000 / 2000 − 1 = 1.5 > 1 → 3500;
  // 3500 / 2000 − 1 = 0.75 ≤ 1 → stop.
  assert.deepEqual(precise.probed, [500, 2000, 8000, 5000, 3500]);
});

Deno.test("searchSustainedRate: an aborting probe ends the search with its reason", async () => {
  let calls = 0;
  const result = await searchSustainedRate((rate) => {
    calls++;
    return Promise.resolve(
      rate > 500
        ? { sustained: false, abort: "the UAS crashed", detail: rate }
        : { sustained: true, detail: rate },
    );
  }, OPTIONS);
  assert.equal(calls, 2);
  assert.equal(result.aborted, "the UAS crashed");
  assert.equal(result.bestRate, 500);
});

Deno.test("searchSustainedRate: growth must be above 1", async () => {
  await assert.rejects(
    searchSustainedRate(system(1).probe, { ...OPTIONS, growth: 1 }),
    /growth 1 must be > 1/,
  );
});
