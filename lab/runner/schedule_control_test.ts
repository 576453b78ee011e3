import assert from "node:assert/strict";
import { createExecutor } from "../scenario/mod.ts";
import { LiveScheduleControl } from "./schedule_control.ts";
import { noopScenarioYaml, scenarioFile, tempFolder } from "./test_support.ts";

async function loadOf(load: string) {
  const folder = await tempFolder();
  try {
    return (await scenarioFile(folder, noopScenarioYaml({ load }))).load;
  } finally {
    await folder.dispose();
  }
}

const PER_MINUTE = [
  "  executor: constant-arrival-rate",
  "  rate: 600",
  "  timeUnit: 1m",
  "  duration: 10s",
  "  preAllocatedUsers: 5",
  "  maxUsers: 10",
].join("\n");

Deno.test("schedule control: rates per second whatever the time unit; asks before the start wait", async () => {
  const load = await loadOf(PER_MINUTE);
  let now = 1_000;
  let stops = 0;
  const control = new LiveScheduleControl(load, {
    now: () => now,
    requestStop: () => stops++,
    stopping: () => stops > 0,
  });
  // Before the schedule starts: a pause and a rate are kept for the start.
  control.pause();
  control.setRate(20);
  assert.deepEqual(control.status(), { paused: true, elapsedMs: 0, stopping: false });

  const executor = createExecutor(load, { startMs: now });
  control.attach(executor);
  assert.equal(executor.paused, true);
  assert.equal(executor.model === "arrival" && executor.currentRate(now), 1_200); // per minute
  now += 500;
  assert.equal(executor.model === "arrival" && executor.nextArrivals(now), 0);
  control.resume();
  now += 1_000;
  assert.deepEqual(control.status(), {
    paused: false,
    rate: 20,
    elapsedMs: 1_000,
    durationMs: 10_000,
    stopping: false,
  });
  // 20/s from the start of the schedule: 21 arrivals owed by 1 s (one at 0).
  assert.equal(executor.model === "arrival" && executor.nextArrivals(now), 21);

  control.setRate(0.5);
  assert.equal(executor.model === "arrival" && executor.currentRate(now), 30);
  assert.equal(control.status().rate, 0.5);
  for (const bad of [-1, Number.NaN, Infinity]) {
    assert.throws(() => control.setRate(bad), RangeError);
  }
  control.stop();
  assert.equal(stops, 1);
  assert.equal(control.status().stopping, true);
});

Deno.test("schedule control: user executors pause and resume but have no arrival rate", async () => {
  const load = await loadOf("  executor: constant-users\n  users: 3\n  duration: 5s");
  let now = 0;
  const control = new LiveScheduleControl(load, {
    now: () => now,
    requestStop: () => {},
    stopping: () => false,
  });
  assert.throws(() => control.setRate(5), { name: "RangeError", message: /constant-users/ });
  const executor = createExecutor(load, { startMs: 0 });
  control.attach(executor);
  control.pause();
  assert.equal(executor.model === "users" && executor.startIteration(0, now), false);
  now = 2_000;
  control.resume();
  assert.equal(executor.model === "users" && executor.startIteration(0, now), true);
  const status = control.status();
  assert.equal(status.rate, undefined);
  assert.equal(status.elapsedMs, 0);
  assert.equal(status.durationMs, 5_000);
  assert.throws(() => control.setRate(5), RangeError);
});
