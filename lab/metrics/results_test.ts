import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";
import { parseNdjson } from "./ndjson.ts";
import {
  decodeHistogramSeries,
  formatRunId,
  readResults,
  RESULT_FILES,
  ResultsWriter,
} from "./results.ts";
import type { RunSummary } from "./summary.ts";

const SCENARIO = "name: basic-call\nload:\n  rate: 10/s\n";

/** A registry on a hand-driven clock, and a writer on a fresh temporary folder. */
function setUp(): {
  base: string;
  registry: MetricsRegistry;
  advance: (ms: number) => void;
  writer: ResultsWriter;
} {
  let now = Date.UTC(2025, 0, 2, 3, 4, 5);
  const registry = new MetricsRegistry({ clock: () => now });
  const base = Deno.makeTempDirSync({ prefix: "sipfleet-results-" });
  const writer = ResultsWriter.create(base, "20250102-030405-basic-call", SCENARIO, {
    startedAt: registry.startedAt,
    histograms: registry,
    histogramEvery: 2,
  });
  return { base, registry, advance: (ms) => now += ms, writer };
}

/** One simulated second: `calls` attempts, all but one established with growing setup times. */
function simulateSecond(registry: MetricsRegistry, calls: number): void {
  for (let i = 0; i < calls; i++) {
    registry.kpi.sessionAttempt();
    if (i === 0) registry.kpi.sessionFailed(486);
    else registry.kpi.sessionEstablished(20 + i);
  }
}

function readJson<T>(path: string): T {
  return JSON.parse(Deno.readTextFileSync(path)) as T;
}

Deno.test("formatRunId: YYYYMMDD-HHMMSS-<scenario-name> in local time", () => {
  assert.equal(
    formatRunId("basic-call", new Date(2025, 0, 2, 3, 4, 5)),
    "20250102-030405-basic-call",
  );
  assert.equal(
    formatRunId("Busy Hour / 50k!", new Date(2024, 11, 31, 23, 59, 58)),
    "20241231-235958-busy-hour-50k",
  );
  assert.equal(formatRunId("***", new Date(2024, 0, 1, 0, 0, 0)), "20240101-000000-run");
});

Deno.test("create writes scenario.yaml and run.json at once; a taken folder gets a suffix", () => {
  const { base, writer } = setUp();
  try {
    assert.equal(writer.dir, `${base}/20250102-030405-basic-call`);
    assert.equal(Deno.readTextFileSync(`${writer.dir}/${RESULT_FILES.scenario}`), SCENARIO);
    const meta = readJson<{ runId: string; scenario: string }>(`${writer.dir}/run.json`);
    assert.equal(meta.runId, "20250102-030405-basic-call");
    assert.equal(meta.scenario, "basic-call");
    const again = ResultsWriter.create(base, "20250102-030405-basic-call", SCENARIO);
    assert.equal(again.runId, "20250102-030405-basic-call-2");
    again.close();
  } finally {
    writer.close();
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("writeSecond appends whole lines, refreshes the partial summary and the histograms", () => {
  const { base, registry, advance, writer } = setUp();
  try {
    simulateSecond(registry, 10);
    advance(1_000);
    writer.writeSecond(registry.snapshot());
    const afterOne = Deno.readTextFileSync(`${writer.dir}/${RESULT_FILES.timeseries}`);
    assert.ok(afterOne.endsWith("\n"));
    const lines = parseNdjson<{ kind: string; name?: string; total?: number }>(afterOne);
    assert.equal(lines.skipped, 0);
    assert.equal(
      lines.records.find((l) => l.kind === "counter" && l.name === "session_attempts")?.total,
      10,
    );
    assert.equal(lines.records.at(-1)?.kind, "end");
    let partial = readJson<RunSummary>(`${writer.dir}/${RESULT_FILES.partialSummary}`);
    assert.equal(partial.sessions.attempted, 10);
    assert.equal(partial.complete, false);
    // Histograms are rewritten every 2nd second here.
    assert.deepEqual([...Deno.readDirSync(`${writer.dir}/histograms`)], []);

    simulateSecond(registry, 20);
    advance(1_000);
    writer.writeSecond(registry.snapshot());
    partial = readJson<RunSummary>(`${writer.dir}/${RESULT_FILES.partialSummary}`);
    assert.equal(partial.sessions.attempted, 30);
    assert.deepEqual(partial.sessions.failedByStatus, { "486": 2 });
    assert.equal(partial.durationS, 2);
    const results = readResults(writer.dir);
    assert.equal(results.seconds.length, 2);
    const setup = results.histograms.find((h) => h.name === "call_setup_time");
    assert.ok(setup !== undefined);
    assert.equal(setup.tick, "1us");
    assert.equal(decodeHistogramSeries(setup, 0).count, 28);
  } finally {
    writer.close();
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("a killed run: a cut last line is skipped and the partial summary is used", () => {
  const { base, registry, advance, writer } = setUp();
  try {
    for (let second = 0; second < 3; second++) {
      simulateSecond(registry, 5);
      advance(1_000);
      writer.writeSecond(registry.snapshot());
    }
    writer.writeEvent("note", { text: "before the kill" });
    writer.close();
    // Simulate SIGKILL in the middle of the 4th second's write: half a line, no newline.
    const path = `${writer.dir}/${RESULT_FILES.timeseries}`;
    const text = Deno.readTextFileSync(path);
    const firstLine = text.slice(0, text.indexOf("\n"));
    Deno.writeTextFileSync(path, text + firstLine.slice(0, firstLine.length / 2), {
      append: false,
    });

    const results = readResults(writer.dir);
    assert.equal(results.summarySource, "partial");
    assert.equal(results.skippedLines, 1);
    assert.equal(results.seconds.length, 3);
    assert.equal(results.seconds.at(-1)?.elapsedMs, 3_000);
    assert.equal(results.summary.sessions.attempted, 15);
    assert.equal(results.summary.complete, false);
    assert.equal(results.scenarioText, SCENARIO);
    assert.equal(results.events.find((e) => e.type === "note")?.text, "before the kill");
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("a second cut short is dropped; without summaries the time series rebuilds one", () => {
  const { base, registry, advance, writer } = setUp();
  try {
    for (let second = 0; second < 2; second++) {
      simulateSecond(registry, 4);
      advance(1_000);
      writer.writeSecond(registry.snapshot());
    }
    writer.setThresholds([
      { metric: "call_setup_time", expression: "p(95) < 300ms", observed: 23, passed: true },
    ]);
    writer.close();
    const path = `${writer.dir}/${RESULT_FILES.timeseries}`;
    const text = Deno.readTextFileSync(path);
    // Keep the first 3 lines of the last second again: whole lines, but no `end` line.
    const lines = text.split("\n").filter((l) => l !== "");
    const perSecond = lines.length / 2;
    const cut = lines.slice(perSecond, perSecond + 3).map((l) =>
      l.replace(/"t":\d+/, `"t":${Date.UTC(2030, 0, 1)}`)
    );
    Deno.writeTextFileSync(path, text + cut.join("\n") + "\n");
    Deno.removeSync(`${writer.dir}/${RESULT_FILES.partialSummary}`);

    const results = readResults(writer.dir);
    assert.equal(results.summarySource, "timeseries");
    assert.equal(results.seconds.length, 2);
    assert.equal(results.summary.sessions.attempted, 8);
    assert.equal(results.summary.sessions.succeeded, 6);
    assert.equal(results.summary.durationS, 2);
    assert.deepEqual(results.summary.thresholds.map((t) => t.passed), [true]);
    const setup = results.summary.latencies.find((l) => l.name === "call_setup_time");
    assert.equal(setup?.stats.count, 6);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("finish writes a complete summary.json and closes the files", () => {
  const { base, registry, advance, writer } = setUp();
  try {
    simulateSecond(registry, 3);
    advance(1_000);
    writer.writeSecond(registry.snapshot());
    simulateSecond(registry, 3);
    advance(500);
    const summary = writer.finish(registry.snapshot());
    assert.equal(summary.complete, true);
    assert.equal(summary.sessions.attempted, 6);
    assert.equal(summary.sessions.attemptsPerSecond, 4);
    assert.deepEqual(readJson(`${writer.dir}/${RESULT_FILES.summary}`), summary);
    assert.throws(() => writer.writeEvent("late"), /closed/);
    const results = readResults(writer.dir);
    assert.equal(results.summarySource, "final");
    assert.equal(results.seconds.length, 2);
    assert.equal(results.seconds[1].intervalMs, 500);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("finish with a stop reason: an interrupted run's summary.json is not complete", () => {
  const { base, registry, advance, writer } = setUp();
  try {
    simulateSecond(registry, 2);
    advance(1_000);
    const summary = writer.finish(registry.snapshot(), { stopReason: "interrupted" });
    assert.equal(summary.complete, false);
    assert.equal(summary.stopReason, "interrupted");
    const results = readResults(writer.dir);
    assert.equal(results.summarySource, "final");
    assert.equal(results.summary.complete, false);
    assert.equal(results.summary.stopReason, "interrupted");
    assert.equal(results.summary.sessions.attempted, 2);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("finish with stop reason completed is complete; complete can be given outright", () => {
  for (
    const [end, complete] of [
      [{ stopReason: "completed" }, true],
      [{ stopReason: "max-duration" }, false],
      [{ stopReason: "thresholds", complete: true }, true],
    ] as const
  ) {
    const { base, registry, writer } = setUp();
    try {
      const summary = writer.finish(registry.snapshot(), end);
      assert.equal(summary.complete, complete, end.stopReason);
      assert.equal(summary.stopReason, end.stopReason);
    } finally {
      Deno.removeSync(base, { recursive: true });
    }
  }
});

Deno.test("error examples: the first few of each kind are kept, the rest counted", () => {
  const { base, writer } = setUp();
  try {
    for (let i = 1; i <= 7; i++) {
      writer.writeErrorExample("503", `SIP/2.0 503 Service Unavailable #${i}`);
    }
    assert.equal(writer.writeErrorExample("timeout", "INVITE to sip:bob@lab"), 1);
    writer.close();
    const examples = readResults(writer.dir).events.filter((e) => e.type === "error-example");
    assert.equal(examples.filter((e) => e.kind === "503").length, 5);
    assert.equal(examples.filter((e) => e.kind === "timeout").length, 1);
    assert.equal(examples[4].occurrence, 5);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});

Deno.test("readResults refuses a missing folder", () => {
  assert.throws(() => readResults("/nonexistent/sipfleet-results"), Deno.errors.NotFound);
});

Deno.test("a run killed with SIGKILL leaves every complete second readable", async () => {
  const base = Deno.makeTempDirSync({ prefix: "sipfleet-killed-" });
  const target = new URL("./testdata/endless_writer.ts", import.meta.url);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-write", target.pathname, base],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const timeseries = `${base}/20250601-000000-killed/${RESULT_FILES.timeseries}`;
  try {
    // Wait (bounded) until at least 5 seconds are on disk, then kill without warning.
    for (let wait = 0; wait < 600; wait++) {
      const text = (() => {
        try {
          return Deno.readTextFileSync(timeseries);
        } catch {
          return "";
        }
      })();
      if ((text.match(/"kind":"end"/g) ?? []).length >= 5) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    child.kill("SIGKILL");
    await child.status;
  }
  try {
    const results = readResults(`${base}/20250601-000000-killed`);
    assert.ok(results.seconds.length >= 5, `${results.seconds.length} seconds`);
    assert.notEqual(results.summarySource, "final");
    // Every complete second is whole: its counters add up to 7 calls per elapsed second.
    for (const second of results.seconds) {
      const attempts = second.counters.find((c) => c.name === "session_attempts");
      assert.equal(attempts?.total, 7 * second.elapsedMs / 1_000);
    }
    const last = results.seconds.at(-1);
    assert.ok(last !== undefined);
    // The partial summary is never behind the time series by more than the second being written.
    assert.ok(results.summary.sessions.attempted >= 7 * (last.elapsedMs / 1_000 - 1));
    assert.equal(results.summary.complete, false);
  } finally {
    Deno.removeSync(base, { recursive: true });
  }
});
