import assert from "node:assert/strict";
import { join } from "node:path";
import { writeReport } from "../metrics/mod.ts";
import type { IterationFailure } from "./live_run.ts";
import {
  counterTotal,
  noopScenarioYaml,
  runVirtual,
  scenarioFile,
  tempFolder,
} from "./test_support.ts";
import type { IterationOutcome, WorkloadDriver, WorkloadFactory } from "./workload.ts";

/** Iterations of 10 ms: every second one refused 503 with ms-diagnostics, every fifth timed out. */
function refusingWorkload(): WorkloadFactory {
  return {
    kind: "noop",
    create(ctx): Promise<WorkloadDriver> {
      let n = 0;
      return Promise.resolve({
        active: 0,
        startIteration(_user, done: (o: IterationOutcome) => void) {
          const i = ++n;
          const outcome: IterationOutcome = i % 5 === 0
            ? { ok: false, reason: "no final response" }
            : i % 2 === 0
            ? {
              ok: false,
              status: 503,
              reason: "503 Service Unavailable",
              diagnostics: { code: "17000", reason: "Server overloaded" },
            }
            : { ok: true };
          ctx.wheel.schedule(10, () => done(outcome));
        },
        stop: () => Promise.resolve(),
      });
    },
  };
}

Deno.test("failed iterations counted by status and ms-diagnostics code, in hooks and results", async () => {
  const folder = await tempFolder();
  try {
    const scenario = await scenarioFile(
      folder,
      noopScenarioYaml({
        load: [
          "  executor: shared-iterations",
          "  users: 1",
          "  iterations: 20",
          "  maxDuration: 30s",
        ].join("\n"),
      }),
    );
    const failures: IterationFailure[] = [];
    const { result } = await runVirtual(scenario, {
      workloads: [refusingWorkload()],
      resultsDir: folder.dir,
      onIterationFailed: (failure) => failures.push(failure),
    });
    // 20 iterations: 4 timed out (5, 10, 15, 20), 8 refused (the other even ones).
    assert.equal(counterTotal(result, "errors", { status: "503", diagnostic: "17000" }), 8);
    assert.equal(counterTotal(result, "errors", { status: "none", diagnostic: "none" }), 4);
    assert.equal(counterTotal(result, "errors"), counterTotal(result, "iterations_failed"));
    const refused = failures.find((f) => f.status === 503);
    assert.deepEqual(refused?.diagnostics, { code: "17000", reason: "Server overloaded" });
    assert.equal(failures.find((f) => f.status === undefined)?.diagnostics, undefined);

    const events = await Deno.readTextFile(join(result.resultsDir, "events.ndjson"));
    assert.match(
      events,
      /503 503 Service Unavailable \[ms-diagnostics 17000 \\"Server overloaded\\"\]/,
    );
    const report = await Deno.readTextFile(await writeReport(result.resultsDir));
    assert.match(report, /<h2>Errors by status and ms-diagnostics code<\/h2>/);
    assert.match(
      report,
      /<td class="num">503<\/td><td class="num">17000<\/td><td>Server overloaded<\/td><td class="num">8<\/td>/,
    );
  } finally {
    await folder.dispose();
  }
});
