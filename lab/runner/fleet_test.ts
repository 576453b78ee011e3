import assert from "node:assert/strict";
import { readResults, RESULT_FILES, type TimeseriesLine } from "../metrics/mod.ts";
import { ScenarioError } from "../scenario/mod.ts";
import { RunSetupError } from "./availability.ts";
import { RUN_EXIT_CODES } from "./run_outcome.ts";
import { noopWorkload } from "./noop_workload.ts";
import {
  counterTotal,
  noopScenarioYaml,
  runVirtual,
  scenarioFile,
  tempFolder,
} from "./test_support.ts";
import type { IterationOutcome, WorkloadFactory } from "./workload.ts";

const ARRIVALS_200_FOR_2S = [
  "  executor: constant-arrival-rate",
  "  rate: 200",
  "  duration: 2s",
  "  preAllocatedUsers: 20",
  "  maxUsers: 50",
  "  gracefulStop: 1s",
].join("\n");

Deno.test("200 arrivals/s for 2 s: 400 iterations and a complete results folder", async () => {
  const folder = await tempFolder();
  try {
    const yaml = noopScenarioYaml({ load: ARRIVALS_200_FOR_2S });
    const scenario = await scenarioFile(folder, yaml);
    const { result, output } = await runVirtual(scenario, {
      workloads: [noopWorkload],
      resultsDir: `${folder.dir}/results`,
      progress: true,
      terminal: false,
    });
    assert.equal(result.exitCode, RUN_EXIT_CODES.passed);
    assert.equal(result.stopReason, "completed");
    assert.equal(counterTotal(result, "iterations_started"), 400);
    assert.equal(counterTotal(result, "iterations_completed"), 400);
    assert.equal(counterTotal(result, "iterations_failed"), 0);
    assert.equal(counterTotal(result, "iterations_dropped"), 0);
    assert.ok(output.includes("Iterations: started 400, completed 400"), output);

    const dir = result.resultsDir;
    assert.ok(dir.startsWith(`${folder.dir}/results/`));
    assert.equal(await Deno.readTextFile(`${dir}/${RESULT_FILES.scenario}`), yaml);
    for (const file of [RESULT_FILES.summary, RESULT_FILES.report, RESULT_FILES.run]) {
      assert.ok((await Deno.stat(`${dir}/${file}`)).isFile, file);
    }
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/${RESULT_FILES.summary}`));
    assert.equal(summary.complete, true);
    assert.equal(summary.stopReason, "completed");
    // A run without calls shows its iterations on the progress line.
    assert.match(output, /users \d+ {2}iterations 400 {2}ok 400 {2}failed 0/);
    assert.ok((await Deno.readTextFile(`${dir}/${RESULT_FILES.report}`)).includes("<html"));

    // One line per series per snapshot: whole seconds 1 and 2, then the final snapshot.
    const lines = (await Deno.readTextFile(`${dir}/${RESULT_FILES.timeseries}`)).trim()
      .split("\n").map((l) => JSON.parse(l) as TimeseriesLine);
    const snapshots: TimeseriesLine[][] = [[]];
    for (const line of lines) {
      if (line.kind === "end") snapshots.push([]);
      else snapshots[snapshots.length - 1].push(line);
    }
    snapshots.pop();
    assert.deepEqual(snapshots.map((s) => s[0].elapsedMs).slice(0, 2), [1000, 2000]);
    assert.equal(snapshots.length, 3);
    for (const snapshot of snapshots) {
      const series = snapshot.map((l) =>
        "name" in l ? `${l.name}${JSON.stringify(l.labels)}` : l.kind
      );
      assert.equal(new Set(series).size, series.length, `${series}`);
      assert.ok(series.includes('iterations_started{"workload":"noop"}'), `${series}`);
    }
    const started = lines.filter((l) =>
      l.kind === "counter" && l.name === "iterations_started" && l.elapsedMs === 1000
    );
    assert.equal(started.length, 1);
    assert.ok("total" in started[0] && started[0].total === 200, JSON.stringify(started[0]));
    const results = readResults(dir);
    assert.equal(results.summarySource, "final");
  } finally {
    await folder.dispose();
  }
});

Deno.test("a failed threshold gives exit code 99; abortOnFail stops the run early", async () => {
  const folder = await tempFolder();
  try {
    const failing = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S,
        thresholds: "  iterations_completed: count > 1000",
      }),
      "failing.yaml",
    );
    const run = await runVirtual(failing, {
      workloads: [noopWorkload],
      resultsDir: `${folder.dir}/results`,
    });
    assert.equal(run.result.exitCode, RUN_EXIT_CODES.thresholdsFailed);
    assert.equal(run.result.stopReason, "completed");
    assert.deepEqual(run.result.thresholds.map((t) => [t.passed, t.observed]), [[false, 400]]);

    const aborting = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S.replace("2s", "10s"),
        thresholds: [
          "  iterations_started:",
          "    - threshold: count < 100",
          "      abortOnFail: true",
          "      delayAbortEval: 2s",
        ].join("\n"),
      }),
      "aborting.yaml",
    );
    const aborted = await runVirtual(aborting, {
      workloads: [noopWorkload],
      resultsDir: `${folder.dir}/results`,
    });
    assert.equal(aborted.result.exitCode, RUN_EXIT_CODES.thresholdsFailed);
    assert.equal(aborted.result.stopReason, "thresholds");
    // Evaluated every second; the first abort-eligible evaluation is at 2 s: about 400 started.
    const started = counterTotal(aborted.result, "iterations_started");
    assert.ok(started >= 380 && started <= 402, `started ${started}`);
    assert.ok(aborted.output.includes("abortOnFail"), aborted.output);
  } finally {
    await folder.dispose();
  }
});

Deno.test("an abort (Ctrl-C) mid-run stops gracefully and still writes summary.json", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S.replace("2s", "10s"),
        workloads: "  - kind: noop\n    duration: 200ms",
      }),
    );
    const controller = new AbortController();
    const { result } = await runVirtual(
      scenario,
      { workloads: [noopWorkload], signal: controller.signal, resultsDir: folder.dir },
      (wheel) => wheel.schedule(1500, () => controller.abort()),
    );
    assert.equal(result.exitCode, RUN_EXIT_CODES.interrupted);
    assert.equal(result.stopReason, "interrupted");
    const started = counterTotal(result, "iterations_started");
    assert.ok(started >= 300 && started <= 302, `started ${started}`);
    // In-flight iterations (200 ms each) finished within gracefulStop (1 s).
    assert.equal(counterTotal(result, "iterations_completed"), started);
    assert.equal(counterTotal(result, "iterations_interrupted"), 0);
    const summary = JSON.parse(
      await Deno.readTextFile(`${result.resultsDir}/${RESULT_FILES.summary}`),
    );
    assert.equal(summary.runId, result.runId);
    // The final summary of an interrupted run is not complete and says why it stopped.
    assert.equal(summary.complete, false);
    assert.equal(summary.stopReason, "interrupted");
    assert.equal(result.complete, false);
    const events = await Deno.readTextFile(`${result.resultsDir}/${RESULT_FILES.events}`);
    assert.ok(events.includes('"reason":"interrupted"'), events);
  } finally {
    await folder.dispose();
  }
});

Deno.test("gracefulStop, then maxDuration, cut iterations that outlive them: counted as interrupted", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: [
          "  executor: constant-users",
          "  users: 3",
          "  duration: 1s",
          "  gracefulStop: 500ms",
          "  maxDuration: 5s",
        ].join("\n"),
        workloads: "  - kind: noop\n    duration: 10s",
      }),
    );
    const { result } = await runVirtual(scenario, {
      workloads: [noopWorkload],
      resultsDir: folder.dir,
    });
    assert.equal(result.stopReason, "completed");
    assert.equal(counterTotal(result, "iterations_started"), 3);
    assert.equal(counterTotal(result, "iterations_completed"), 0);
    assert.equal(counterTotal(result, "iterations_interrupted"), 3);
    assert.ok(result.durationS >= 1.5 && result.durationS < 1.6, `${result.durationS} s`);

    const capped = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: "  executor: constant-users\n  users: 3\n  duration: 1s\n  maxDuration: 2s",
        workloads: "  - kind: noop\n    duration: 10s",
      }),
      "capped.yaml",
    );
    const cut = (await runVirtual(capped, { workloads: [noopWorkload], resultsDir: folder.dir }))
      .result;
    assert.equal(cut.stopReason, "max-duration");
    assert.equal(cut.complete, false);
    assert.equal(cut.exitCode, RUN_EXIT_CODES.passed);
    assert.equal(counterTotal(cut, "iterations_interrupted"), 3);
    assert.ok(cut.durationS >= 2 && cut.durationS < 2.1, `${cut.durationS} s`);
  } finally {
    await folder.dispose();
  }
});

Deno.test("constant users loop iterations with think times; vus_active follows", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: "  executor: constant-users\n  users: 4\n  duration: 2s",
        workloads: "  - kind: noop\n    duration: 100ms\n    thinkTime: 100ms",
      }),
    );
    const { result } = await runVirtual(scenario, {
      workloads: [noopWorkload],
      resultsDir: folder.dir,
    });
    // Each user: 100 ms iteration + 100 ms think (+ a tick) → 10 iterations in 2 s.
    const started = counterTotal(result, "iterations_started");
    assert.ok(started >= 36 && started <= 40, `started ${started}`);
    const seconds = readResults(result.resultsDir).seconds;
    const busy = seconds[0].gauges.find((g) => g.name === "vus_active");
    assert.equal(busy?.value, 4);
  } finally {
    await folder.dispose();
  }
});

Deno.test("arrivals with every virtual user busy are dropped and counted", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: [
          "  executor: constant-arrival-rate",
          "  rate: 100",
          "  duration: 1s",
          "  preAllocatedUsers: 2",
          "  maxUsers: 5",
          "  gracefulStop: 2s",
        ].join("\n"),
        workloads: "  - kind: noop\n    duration: 1500ms",
      }),
    );
    const { result } = await runVirtual(scenario, {
      workloads: [noopWorkload],
      resultsDir: folder.dir,
    });
    assert.equal(counterTotal(result, "iterations_started"), 5);
    assert.equal(counterTotal(result, "iterations_dropped"), 95);
    assert.equal(counterTotal(result, "iterations_completed"), 5);
  } finally {
    await folder.dispose();
  }
});

Deno.test("workloads are picked by weight, failures counted with examples", async () => {
  const folder = await tempFolder();
  try {
    let calls = 0;
    const flaky: WorkloadFactory = {
      kind: "noop",
      create: () =>
        Promise.resolve({
          active: 0,
          startIteration(_user, done: (o: IterationOutcome) => void) {
            const n = ++calls;
            queueMicrotask(() => done(n % 2 === 0 ? { ok: false, status: 486 } : { ok: true }));
          },
          stop: () => Promise.resolve(),
        }),
    };
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S,
        workloads: "  - { kind: noop, name: a, weight: 3 }\n  - { kind: noop, name: b, weight: 1 }",
      }),
    );
    const { result } = await runVirtual(scenario, { workloads: [flaky], resultsDir: folder.dir });
    const a = counterTotal(result, "iterations_started", { workload: "a" });
    const b = counterTotal(result, "iterations_started", { workload: "b" });
    assert.equal(a + b, 400);
    assert.ok(a > 260 && a < 340, `a ${a}, b ${b}`);
    assert.equal(counterTotal(result, "iterations_failed"), 200);
    const events = await Deno.readTextFile(`${result.resultsDir}/${RESULT_FILES.events}`);
    assert.ok(events.includes("486"), events);
  } finally {
    await folder.dispose();
  }
});

Deno.test("planned workloads are refused at their line; missing drivers too", async () => {
  const folder = await tempFolder();
  try {
    const planned = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S,
        workloads: "  - kind: noop\n  - kind: voicemail",
      }),
    );
    const results = `${folder.dir}/results`;
    await assert.rejects(
      () => runVirtual(planned, { workloads: [noopWorkload], resultsDir: results }),
      (error: Error) => {
        assert.ok(error instanceof ScenarioError);
        assert.match(
          error.message,
          /scenario\.yaml:11:11: workloads\[1\]\.kind: workload 'voicemail' is not available yet/,
        );
        return true;
      },
    );
    await assert.rejects(() => Deno.stat(results), Deno.errors.NotFound);
    const call = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: ARRIVALS_200_FOR_2S,
        workloads: "  - { kind: call, callee: population }",
      }),
      "call.yaml",
    );
    await assert.rejects(
      () => runVirtual(call, { workloads: [noopWorkload], resultsDir: results }),
      RunSetupError,
    );
  } finally {
    await folder.dispose();
  }
});

Deno.test("a driver that fails to start ends the run with exit code 1, results kept", async () => {
  const folder = await tempFolder();
  try {
    const broken: WorkloadFactory = {
      kind: "noop",
      create: () => Promise.reject(new Error("socket refused")),
    };
    const scenario = await scenarioFile(folder, noopScenarioYaml({ load: ARRIVALS_200_FOR_2S }));
    const { result } = await runVirtual(scenario, { workloads: [broken], resultsDir: folder.dir });
    assert.equal(result.exitCode, RUN_EXIT_CODES.runtimeError);
    assert.equal(result.stopReason, "error");
    assert.equal(result.error, "socket refused");
    assert.ok((await Deno.stat(`${result.resultsDir}/${RESULT_FILES.summary}`)).isFile);
  } finally {
    await folder.dispose();
  }
});

Deno.test("drivers stop gracefully when nothing runs; a stuck stop is given up", async () => {
  const folder = await tempFolder();
  try {
    const stops: boolean[] = [];
    const stuck: WorkloadFactory = {
      kind: "noop",
      create: () =>
        Promise.resolve({
          active: 0,
          startIteration(_user, done: (o: IterationOutcome) => void) {
            queueMicrotask(() => done({ ok: true }));
          },
          stop({ graceful }: { graceful: boolean }) {
            stops.push(graceful);
            return new Promise<void>(() => {}); // never stops: users never sign out
          },
        }),
    };
    const scenario = await scenarioFile(folder, noopScenarioYaml({ load: ARRIVALS_200_FOR_2S }));
    const { result, output } = await runVirtual(scenario, {
      workloads: [stuck],
      resultsDir: folder.dir,
    });
    assert.deepEqual(stops, [true]);
    assert.equal(result.exitCode, RUN_EXIT_CODES.passed);
    assert.match(output, /workload noop did not stop in 1000ms/);
    // The schedule (2 s) plus the wait for the stuck stop (gracefulStop, 1 s).
    assert.ok(result.durationS >= 3 && result.durationS < 3.1, `${result.durationS} s`);
  } finally {
    await folder.dispose();
  }
});
