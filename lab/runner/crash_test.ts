/**
 * The run as a process: `lab run` killed with SIGKILL leaves a results folder that reads and
 * reports; SIGINT (Ctrl-C) stops gracefully with exit code 130 and a final summary.
 */
import assert from "node:assert/strict";
import { main } from "../cli.ts";
import { readResults, RESULT_FILES } from "../metrics/mod.ts";
import { noopScenarioYaml, tempFolder } from "./test_support.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = new URL("../cli.ts", import.meta.url).pathname;
const WAIT_LIMIT_MS = 20_000;

const LONG_RUN = noopScenarioYaml({
  load: [
    "  executor: constant-arrival-rate",
    "  rate: 50",
    "  duration: 30s",
    "  preAllocatedUsers: 10",
    "  maxUsers: 20",
    "  gracefulStop: 1s",
    "  maxDuration: 40s",
  ].join("\n"),
  workloads: "  - kind: noop\n    duration: 50ms",
});

/** Start `lab run` on the long noop scenario; results go under `<dir>/results`. */
function startRun(scenarioPath: string, resultsBase: string): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "run", scenarioPath, "--results", resultsBase, "--no-progress"],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

/** Wait until the run's folder holds `seconds` whole snapshots; returns the folder. */
async function waitForSeconds(resultsBase: string, seconds: number): Promise<string> {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(resultsBase)];
    } catch {
      continue;
    }
    if (entries.length !== 1) continue;
    const dir = `${resultsBase}/${entries[0].name}`;
    try {
      const text = Deno.readTextFileSync(`${dir}/${RESULT_FILES.timeseries}`);
      if ((text.match(/"kind":"end"/g) ?? []).length >= seconds) return dir;
    } catch {
      continue;
    }
  }
  throw new Error(`no ${seconds} seconds of results in ${resultsBase} after ${WAIT_LIMIT_MS} ms`);
}

Deno.test("SIGKILL mid-run: everything up to the last second reads back and reports", async () => {
  const folder = await tempFolder();
  const child = startRun(await folder.write("long.yaml", LONG_RUN), `${folder.dir}/results`);
  try {
    const dir = await waitForSeconds(`${folder.dir}/results`, 2);
    await new Promise((resolve) => setTimeout(resolve, 500)); // mid-second
    child.kill("SIGKILL");
    const { code, signal } = await child.output();
    assert.equal(signal, "SIGKILL", `exit ${code}`);

    const results = readResults(dir);
    assert.ok(results.seconds.length >= 2, `${results.seconds.length} seconds`);
    assert.notEqual(results.summarySource, "final");
    assert.equal(results.scenarioText, LONG_RUN);
    const started = results.seconds[1].counters.find((c) => c.name === "iterations_started");
    assert.ok(started !== undefined && started.total >= 50, JSON.stringify(started));
    await assert.rejects(() => Deno.stat(`${dir}/${RESULT_FILES.summary}`), Deno.errors.NotFound);

    const printed: string[] = [];
    const code2 = await main(["report", dir], {
      out: (t) => printed.push(t),
      err: (t) => printed.push(t),
    });
    assert.equal(code2, 0, printed.join(""));
    assert.match(printed.join(""), /did not finish/);
    assert.ok((await Deno.readTextFile(`${dir}/${RESULT_FILES.report}`)).includes("<html"));
  } finally {
    try {
      child.kill("SIGKILL");
      await child.output();
    } catch {
      // Already ended and collected.
    }
    await folder.dispose();
  }
});

Deno.test("SIGINT mid-run: graceful stop, exit code 130, final summary", async () => {
  const folder = await tempFolder();
  const child = startRun(await folder.write("long.yaml", LONG_RUN), `${folder.dir}/results`);
  try {
    const dir = await waitForSeconds(`${folder.dir}/results`, 2);
    child.kill("SIGINT");
    const { code, stdout } = await child.output();
    const text = new TextDecoder().decode(stdout);
    assert.equal(code, 130, text);
    assert.match(text, /interrupted: stopping gracefully/);
    assert.match(text, /Iterations: started \d+/);
    const summary = JSON.parse(await Deno.readTextFile(`${dir}/${RESULT_FILES.summary}`));
    assert.ok(summary.durationS >= 2 && summary.durationS < 30, `${summary.durationS} s`);
    assert.equal(readResults(dir).summarySource, "final");
  } finally {
    try {
      child.kill("SIGKILL");
      await child.output();
    } catch {
      // Already ended and collected.
    }
    await folder.dispose();
  }
});
