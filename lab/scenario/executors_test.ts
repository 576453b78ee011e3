import assert from "node:assert/strict";
import {
  type ArrivalExecutor,
  createExecutor,
  type Executor,
  type UsersExecutor,
} from "./executors.ts";
import { Xoshiro128 } from "./prng.ts";
import type { Load } from "./types.ts";

const START = 1_000_000; // any epoch: executors only look at differences

function constantRate(rate: number, durationMs: number, extra: Partial<Load> = {}): Load {
  return {
    executor: "constant-arrival-rate",
    rate,
    timeUnitMs: 1000,
    durationMs,
    preAllocatedUsers: 10,
    maxUsers: 20,
    arrivals: "uniform",
    gracefulStopMs: 0,
    maxDurationMs: 60_000,
    ...extra,
  } as Load;
}

function arrival(executor: Executor): ArrivalExecutor {
  assert.equal(executor.model, "arrival");
  return executor as ArrivalExecutor;
}

function users(executor: Executor): UsersExecutor {
  assert.equal(executor.model, "users");
  return executor as UsersExecutor;
}

/** Virtual clock: tick every `stepMs` from 0 to `untilMs`; returns the arrivals per tick time. */
function drive(executor: ArrivalExecutor, untilMs: number, stepMs = 1): Map<number, number> {
  const started = new Map<number, number>();
  for (let t = 0; t <= untilMs; t += stepMs) {
    const n = executor.nextArrivals(START + t);
    if (n > 0) started.set(t, n);
  }
  return started;
}

function total(started: Map<number, number>): number {
  return [...started.values()].reduce((a, b) => a + b, 0);
}

Deno.test("constant-arrival-rate: 50/s for 10 s starts 500 iterations, one every 20 ms from 0", () => {
  const executor = arrival(createExecutor(constantRate(50, 10_000), { startMs: START }));
  const started = drive(executor, 12_000);
  assert.equal(total(started), 500);
  assert.deepEqual([...started.keys()], Array.from({ length: 500 }, (_, k) => k * 20));
  assert.ok([...started.values()].every((n) => n === 1));
  assert.equal(executor.done(START + 9_999), false);
  assert.equal(executor.done(START + 10_000), true);
  assert.equal(executor.targetUsers(START), 10);
});

Deno.test("constant-arrival-rate: counts at exact instants and with coarse ticks", () => {
  const at = (t: number) => {
    const executor = arrival(createExecutor(constantRate(50, 10_000), { startMs: START }));
    return executor.nextArrivals(START + t);
  };
  assert.equal(at(0), 1);
  assert.equal(at(19), 1);
  assert.equal(at(20), 2);
  assert.equal(at(999), 50);
  assert.equal(at(1000), 51);
  assert.equal(at(10_000), 500);
  assert.equal(at(50_000), 500);
  // Coarse, irregular ticks lose nothing and never exceed the total.
  const executor = arrival(createExecutor(constantRate(50, 10_000), { startMs: START }));
  const counts = [0, 333, 1000, 7777, 9999, 10_000, 10_500].map((t) =>
    executor.nextArrivals(START + t)
  );
  assert.deepEqual(counts, [1, 16, 34, 338, 111, 0, 0]);
});

Deno.test("constant-arrival-rate with a fractional rate and a minute time unit", () => {
  // 7 per minute for 1 minute: J(t) = 7t/60000; iterations at k·60000/7 ms.
  const executor = arrival(
    createExecutor(constantRate(7, 60_000, { timeUnitMs: 60_000 }), { startMs: START }),
  );
  const started = drive(executor, 61_000, 10);
  assert.equal(total(started), 7);
  assert.deepEqual([...started.keys()], [0, 8580, 17150, 25720, 34290, 42860, 51430]);
});

Deno.test("ramping-arrival-rate: exact totals at stage boundaries (linear ramp integral)", () => {
  const load: Load = {
    executor: "ramping-arrival-rate",
    startRate: 0,
    timeUnitMs: 1000,
    stages: [
      { target: 100, durationMs: 10_000 }, // ∫ = 500
      { target: 100, durationMs: 10_000 }, // ∫ = 1000
      { target: 0, durationMs: 5_000 }, // ∫ = 250
    ],
    preAllocatedUsers: 10,
    maxUsers: 100,
    arrivals: "uniform",
    gracefulStopMs: 0,
    maxDurationMs: 60_000,
  };
  const cumulative = (t: number) =>
    arrival(createExecutor(load, { startMs: START })).nextArrivals(START + t);
  // Iteration k starts when J(t) ≥ k: count = ⌊J(t)⌋ + 1 until the end.
  assert.equal(cumulative(5_000), 126); // J = 100·5²/(2·10) = 125
  assert.equal(cumulative(10_000), 501); // J = 500
  assert.equal(cumulative(20_000), 1501); // J = 1500
  assert.equal(cumulative(22_500), 1688); // J = 1500 + (100 + 50)/2·2.5 = 1687.5
  assert.equal(cumulative(25_000), 1750); // J(end) = 1750: exactly ⌈1750⌉ iterations
  const executor = arrival(createExecutor(load, { startMs: START }));
  assert.equal(total(drive(executor, 26_000, 7)), 1750);
  assert.equal(executor.currentRate(START + 5_000), 50);
  assert.equal(executor.currentRate(START + 30_000), 0);
});

Deno.test("rate multiplier and live rate take effect from the moment they are set", () => {
  const executor = arrival(createExecutor(constantRate(100, 10_000), { startMs: START }));
  assert.equal(executor.nextArrivals(START + 5_000), 501);
  executor.setRateMultiplier(0.5, START + 5_000);
  assert.equal(executor.currentRate(START + 6_000), 50);
  assert.equal(executor.nextArrivals(START + 7_000), 100); // J = 500 + 50·2 = 600 → 601
  executor.setRate(200, START + 7_000);
  assert.equal(executor.currentRate(START + 7_500), 200);
  assert.equal(executor.nextArrivals(START + 8_000), 200); // J = 800 → 801
  executor.setRate(undefined, START + 8_000); // back to the scenario's rate, still halved
  assert.equal(executor.currentRate(START + 8_500), 50);
  assert.equal(executor.nextArrivals(START + 10_000), 99); // J(end) = 900 → 900 in all
  assert.throws(() => executor.setRateMultiplier(-1, START), RangeError);
});

Deno.test("pause stops arrivals and shifts the schedule; maxDuration is wall-clock", () => {
  const executor = arrival(
    createExecutor(constantRate(10, 10_000, { maxDurationMs: 14_000 }), { startMs: START }),
  );
  assert.equal(executor.nextArrivals(START + 3_000), 31);
  executor.pause(START + 3_000);
  assert.equal(executor.paused, true);
  assert.equal(executor.nextArrivals(START + 5_000), 0);
  assert.equal(executor.elapsedMs(START + 5_000), 3_000);
  executor.resume(START + 6_000);
  assert.equal(executor.elapsedMs(START + 6_000), 3_000);
  assert.equal(executor.nextArrivals(START + 6_050), 0); // schedule 3050 ms: J = 30.5 → 31
  assert.equal(executor.nextArrivals(START + 6_100), 1);
  assert.equal(executor.done(START + 12_999), false); // schedule time 9999 ms
  assert.equal(executor.expired(START + 13_999), false);
  assert.equal(executor.expired(START + 14_000), true);
  assert.equal(executor.done(START + 14_000), true);
});

Deno.test("poisson arrivals: deterministic for a seed, about rate × duration in all", () => {
  const load = constantRate(100, 100_000, { arrivals: "poisson", maxDurationMs: 200_000 });
  const run = (seed: number) =>
    drive(
      arrival(createExecutor(load, { startMs: START, random: Xoshiro128.fromSeed(seed) })),
      100_000,
      10,
    );
  const first = run(5);
  assert.deepEqual(first, run(5));
  assert.notDeepEqual(first, run(6));
  const count = total(first);
  assert.ok(Math.abs(count - 10_000) < 300, `${count} arrivals`); // sd = √10000 = 100
  assert.throws(() => createExecutor(load, { startMs: START }), /poisson arrivals need/);
});

Deno.test("constant-users: N users for the duration, then none", () => {
  const executor = users(createExecutor({
    executor: "constant-users",
    users: 10,
    durationMs: 5_000,
    gracefulStopMs: 0,
    maxDurationMs: 60_000,
  }, { startMs: START }));
  assert.equal(executor.targetUsers(START), 10);
  assert.equal(executor.startIteration(9, START + 4_999), true);
  assert.equal(executor.startIteration(10, START + 100), false);
  assert.equal(executor.targetUsers(START + 5_000), 0);
  assert.equal(executor.startIteration(0, START + 5_000), false);
  executor.setRateMultiplier(0.5, START);
  assert.equal(executor.targetUsers(START + 1), 5);
  executor.pause(START + 2);
  assert.equal(executor.startIteration(0, START + 3), false);
});

Deno.test("ramping-users: linear interpolation, exact at stage boundaries", () => {
  const executor = users(createExecutor({
    executor: "ramping-users",
    startUsers: 0,
    stages: [
      { target: 10, durationMs: 10_000 },
      { target: 10, durationMs: 5_000 },
      { target: 0, durationMs: 5_000 },
    ],
    gracefulRampDownMs: 0,
    gracefulStopMs: 0,
    maxDurationMs: 60_000,
  }, { startMs: START }));
  const at = (t: number) => executor.targetUsers(START + t);
  assert.deepEqual(
    [0, 999, 1_000, 5_000, 9_999, 10_000, 15_000, 17_500, 19_999, 20_000].map(at),
    [0, 0, 1, 5, 9, 10, 10, 5, 0, 0],
  );
  assert.equal(executor.done(START + 19_999), false);
  assert.equal(executor.done(START + 20_000), true);
});

Deno.test("per-user-iterations: each user runs exactly its iterations", () => {
  const executor = users(createExecutor({
    executor: "per-user-iterations",
    users: 2,
    iterations: 3,
    gracefulStopMs: 0,
    maxDurationMs: 60_000,
  }, { startMs: START }));
  assert.equal(executor.scheduleMs, undefined);
  const claims = [0, 0, 0, 0, 1, 1, 1].map((u) => executor.startIteration(u, START));
  assert.deepEqual(claims, [true, true, true, false, true, true, true]);
  assert.equal(executor.done(START), true);
  assert.equal(executor.targetUsers(START), 0);
});

Deno.test("shared-iterations: users share the pool; maxDuration cuts it short", () => {
  const load: Load = {
    executor: "shared-iterations",
    users: 3,
    iterations: 5,
    gracefulStopMs: 0,
    maxDurationMs: 1_000,
  };
  const executor = users(createExecutor(load, { startMs: START }));
  const claims = [0, 1, 2, 0, 1, 2].map((u) => executor.startIteration(u, START + 10));
  assert.deepEqual(claims, [true, true, true, true, true, false]);
  assert.equal(executor.done(START + 10), true);
  const cut = users(createExecutor(load, { startMs: START }));
  assert.equal(cut.startIteration(0, START + 999), true);
  assert.equal(cut.startIteration(0, START + 1_000), false);
  assert.equal(cut.done(START + 1_000), true);
});
