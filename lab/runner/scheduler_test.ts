import assert from "node:assert/strict";
import { createExecutor, deriveSeed, type Load, Xoshiro128 } from "../scenario/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";
import { IterationScheduler } from "./scheduler.ts";
import { WeightedPicker } from "./weighted_picker.ts";

const LOAD_BASE = { gracefulStopMs: 0, maxDurationMs: 60_000 };

/** Drive a scheduler on a virtual wheel; iterations last `iterationMs` and think `thinkMs`. */
async function drive(
  load: Load,
  maxUsers: number,
  iterationMs: number,
  thinkMs: number,
  ms: number,
) {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const executor = createExecutor(load, { startMs: wheel.now() });
  const starts: { vu: number; at: number }[] = [];
  let dropped = 0;
  const scheduler = new IterationScheduler({
    executor,
    wheel,
    maxUsers,
    onDropped: () => dropped++,
    runIteration: (vu, end) => {
      starts.push({ vu, at: wheel.now() });
      if (iterationMs === 0) queueMicrotask(() => end(thinkMs));
      else wheel.schedule(iterationMs, () => end(thinkMs));
    },
  });
  const busy: number[] = [];
  scheduler.start();
  for (let t = 1; t <= ms; t++) {
    wheel.advance(1);
    await Promise.resolve(); // iterations that end on a microtask end now
    if (t % 10 === 0) busy.push(scheduler.busy);
  }
  scheduler.stop();
  wheel.stop();
  return { starts, dropped, busy };
}

Deno.test("arrivals start on time on the lowest free users; full pools drop", async () => {
  const { starts, dropped } = await drive(
    {
      ...LOAD_BASE,
      executor: "constant-arrival-rate",
      rate: 100,
      timeUnitMs: 1000,
      durationMs: 1000,
      preAllocatedUsers: 2,
      maxUsers: 3,
      arrivals: "uniform",
    },
    3,
    25,
    0,
    1200,
  );
  // Every 10 ms an arrival; each holds a user 25 ms: three users suffice, none is dropped.
  assert.equal(starts.length, 100);
  assert.equal(dropped, 0);
  assert.deepEqual(starts.slice(0, 4).map((s) => s.at), [0, 10, 20, 30]);
  assert.deepEqual(starts.slice(0, 4).map((s) => s.vu), [0, 1, 2, 0]);
  assert.ok(starts.every((s, k) => s.at === k * 10));

  // Iterations of 100 ms need ten users; with three, seven arrivals in ten are dropped.
  const slow = await drive(
    {
      ...LOAD_BASE,
      executor: "constant-arrival-rate",
      rate: 100,
      timeUnitMs: 1000,
      durationMs: 1000,
      preAllocatedUsers: 1,
      maxUsers: 3,
      arrivals: "uniform",
    },
    3,
    100,
    0,
    1200,
  );
  assert.equal(slow.starts.length + slow.dropped, 100);
  assert.equal(slow.starts.length, 30);
});

Deno.test("per-user iterations: each user runs exactly its quota, with think times", async () => {
  const { starts } = await drive(
    {
      ...LOAD_BASE,
      executor: "per-user-iterations",
      users: 3,
      iterations: 4,
    },
    3,
    0,
    20,
    500,
  );
  const perUser = Map.groupBy(starts, (s) => s.vu);
  assert.deepEqual([...perUser.keys()].sort(), [0, 1, 2]);
  for (const [vu, runs] of perUser) {
    assert.equal(runs.length, 4, `user ${vu}`);
    // 20 ms think plus at most one tick between iterations.
    const gaps = runs.slice(1).map((r, i) => r.at - runs[i].at);
    assert.ok(gaps.every((g) => g >= 20 && g <= 22), `${gaps}`);
  }
});

Deno.test("ramping users: busy users follow the ramp up and down", async () => {
  const { busy } = await drive(
    {
      ...LOAD_BASE,
      executor: "ramping-users",
      startUsers: 0,
      stages: [{ target: 10, durationMs: 1000 }, { target: 0, durationMs: 1000 }],
      gracefulRampDownMs: 0,
    },
    10,
    5,
    5,
    2000,
  );
  // At 500 ms the target is 5 users; at 1000 ms, 10; at 1500 ms, 5 again.
  assert.ok(Math.abs(busy[49] - 5) <= 1, `${busy[49]}`);
  assert.ok(busy[99] >= 9, `${busy[99]}`);
  assert.ok(Math.abs(busy[149] - 5) <= 1, `${busy[149]}`);
});

Deno.test("iterations that end at once do not starve the timers", async () => {
  const { starts } = await drive(
    {
      ...LOAD_BASE,
      executor: "constant-users",
      users: 2,
      durationMs: 100,
    },
    2,
    0,
    0,
    200,
  );
  // At most one iteration per user per 1 ms tick.
  assert.ok(starts.length > 100 && starts.length <= 202, `${starts.length}`);
});

Deno.test("weighted picks: deterministic from the seed, in proportion", () => {
  const pick = (seed: number) => {
    const picker = new WeightedPicker([3, 1], Xoshiro128.fromSeed(deriveSeed(seed, "pick")));
    return Array.from({ length: 4000 }, () => picker.pick());
  };
  assert.deepEqual(pick(5), pick(5));
  assert.notDeepEqual(pick(5), pick(6));
  const zeros = pick(5).filter((i) => i === 0).length;
  assert.ok(zeros > 2850 && zeros < 3150, `${zeros}`);
  assert.throws(() => new WeightedPicker([1, 0], Xoshiro128.fromSeed(1)), RangeError);
});
