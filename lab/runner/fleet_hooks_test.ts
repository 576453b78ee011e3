import assert from "node:assert/strict";
import type { MetricsSnapshot } from "../metrics/mod.ts";
import type { IterationFailure, LiveRun } from "./live_run.ts";
import { RUN_EXIT_CODES } from "./run_outcome.ts";
import {
  counterTotal,
  noopScenarioYaml,
  runVirtual,
  scenarioFile,
  tempFolder,
} from "./test_support.ts";
import type {
  IterationOutcome,
  RunnableWorkload,
  UserActivity,
  WorkloadDriver,
  WorkloadFactory,
} from "./workload.ts";

const ARRIVALS_100_FOR_4S = [
  "  executor: constant-arrival-rate",
  "  rate: 100",
  "  duration: 4s",
  "  preAllocatedUsers: 10",
  "  maxUsers: 20",
  "  maxDuration: 30s",
].join("\n");

/** Iterations of 50 ms; every third fails. Reports actors per state and its users. */
function reportingWorkload(machineState: string): WorkloadFactory {
  return {
    kind: "noop",
    create(ctx, workload: RunnableWorkload): Promise<WorkloadDriver> {
      let n = 0;
      const seen: string[] = [];
      const users = {
        inspect: (id: string): UserActivity | undefined =>
          seen.includes(id)
            ? {
              id,
              machine: "m",
              state: machineState,
              recent: { transactions: [], messages: [] },
            }
            : undefined,
        list: (limit: number) => seen.slice(0, limit),
      };
      return Promise.resolve({
        active: 0,
        users,
        stateCounts: () => ({ m: { [machineState]: 2, shared: 1 } }),
        startIteration(user, done: (o: IterationOutcome) => void) {
          if (!seen.includes(user.name)) seen.push(user.name);
          const failed = ++n % 3 === 0;
          ctx.wheel.schedule(
            50,
            () =>
              done(
                failed ? { ok: false, status: 503, reason: `${workload.name} busy` } : { ok: true },
              ),
          );
        },
        stop: () => Promise.resolve(),
      });
    },
  };
}

Deno.test("run hooks: the controls pause, resume and re-rate the run; a snapshot every second", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(folder, noopScenarioYaml({ load: ARRIVALS_100_FOR_4S }));
    let live: LiveRun | undefined;
    const seconds: MetricsSnapshot[] = [];
    const statuses: ReturnType<LiveRun["control"]["status"]>[] = [];
    const { result } = await runVirtual(scenario, {
      workloads: [reportingWorkload("busy")],
      resultsDir: folder.dir,
      onStart: (run) => {
        live = run;
        // Asked before the schedule starts: applies when it does.
        run.control.setRate(100);
      },
      onSecond: (snapshot) => {
        seconds.push(snapshot);
        statuses.push(live!.control.status());
      },
    }, (wheel) => {
      wheel.schedule(1_500, () => live!.control.pause());
      wheel.schedule(3_500, () => {
        live!.control.resume();
        live!.control.setRate(50);
      });
    });
    assert.equal(result.exitCode, RUN_EXIT_CODES.passed);
    // 150 arrivals in the first 1.5 s of schedule, none while paused, then 2.5 s at 50/s.
    assert.equal(counterTotal(result, "iterations_started"), 150 + 125);

    const started = (s: MetricsSnapshot) =>
      s.counters.filter((c) => c.name === "iterations_started").reduce((n, c) => n + c.total, 0);
    assert.ok(seconds.length >= 6, `${seconds.length} seconds`);
    assert.deepEqual(
      seconds.slice(0, 6).map((s) => s.elapsedMs),
      [1, 2, 3, 4, 5, 6].map((s) => s * 1000),
    );
    // Seconds 2 and 3 fall in the pause: no arrival between them, schedule time stood still.
    assert.equal(started(seconds[1]), started(seconds[2]));
    assert.ok(started(seconds[1]) >= 150, `${started(seconds[1])}`);
    assert.deepEqual(
      [statuses[1].paused, statuses[2].paused, statuses[1].elapsedMs, statuses[2].elapsedMs],
      [true, true, 1_500, 1_500],
    );
    assert.equal(statuses[0].rate, 100);
    assert.equal(statuses[3].rate, 50);
    assert.equal(statuses[3].paused, false);
    assert.equal(statuses[0].durationMs, 4_000);
    assert.equal(statuses.some((s) => s.stopping), false);
    assert.deepEqual(live?.thresholds(), []);
  } finally {
    await folder.dispose();
  }
});

Deno.test("run hooks: state counts summed, failures reported, users looked up, stop", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_100_FOR_4S,
        workloads: "  - { kind: noop, name: a }\n  - { kind: noop, name: b }",
        thresholds: "  iterations_failed: count < 1000",
      }),
    );
    let live: LiveRun | undefined;
    const failures: IterationFailure[] = [];
    const states: MetricsSnapshot["states"][] = [];
    let stoppingAfterStop: boolean | undefined;
    const { result } = await runVirtual(scenario, {
      workloads: [reportingWorkload("ringing")],
      resultsDir: folder.dir,
      onStart: (run) => void (live = run),
      onSecond: (snapshot) => states.push(snapshot.states),
      onIterationFailed: (failure) => failures.push(failure),
    }, (wheel) =>
      wheel.schedule(2_500, () => {
        live!.control.stop();
        stoppingAfterStop = live!.control.status().stopping;
      }));
    // A stop from the controls is a graceful interruption (as a first Ctrl-C).
    assert.equal(stoppingAfterStop, true);
    assert.equal(result.stopReason, "interrupted");
    assert.equal(result.exitCode, RUN_EXIT_CODES.interrupted);
    assert.equal(counterTotal(result, "iterations_interrupted"), 0);
    const started = counterTotal(result, "iterations_started");
    assert.ok(started >= 250 && started <= 252, `${started}`);
    assert.equal(failures.length, counterTotal(result, "iterations_failed"));
    assert.ok(failures.length > 80, `${failures.length}`);
    assert.deepEqual(
      { ...failures[0], at: 0, user: "" },
      { at: 0, user: "", workload: failures[0].workload, status: 503, reason: failures[0].reason },
    );
    assert.match(failures[0].user, /^user\d+$/);
    assert.ok(failures[0].at >= Date.parse(result.startedAt), `${failures[0].at}`);
    assert.deepEqual(states[0], [{ machine: "m", counts: { ringing: 4, shared: 2 } }]);
    // Two drivers, each seeing the same few virtual users (about 5 busy at a time).
    const listed = live?.users?.list(5) ?? [];
    assert.ok(listed.length >= 3 && new Set(listed).size === listed.length, `${listed}`);
    assert.equal(live?.users?.inspect(listed[0])?.state, "ringing");
    assert.equal(live?.users?.inspect("nobody"), undefined);
    assert.equal(live?.thresholds().length, 1);
    assert.equal(live?.thresholds()[0].passed, true);
  } finally {
    await folder.dispose();
  }
});
