import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { isPortBound } from "../../lab/testing/mod.ts";
import { labServeBuilt, parseLabUacSummary, runLabUac, startLabUas } from "./lab_agent_process.ts";

const scripted = fileURLToPath(new URL("./testdata/scripted_lab.ts", import.meta.url));

const SUMMARY = {
  attempted: 3,
  succeeded: 2,
  failed: 1,
  failedByStatus: { "486": 1 },
  elapsedMs: 15.5,
  callsPerSec: 200,
  setupMs: { p50: 1.5, p95: 2, p99: 2.5 },
  retransmissions: 4,
};

Deno.test("parseLabUacSummary: the last JSON line of the output, every field checked", () => {
  const stdout = `listening udp:127.0.0.1:5070\n{"note":"progress"}\n${JSON.stringify(SUMMARY)}\n`;
  assert.deepEqual(parseLabUacSummary(stdout), SUMMARY);
  assert.throws(() => parseLabUacSummary("listening udp:127.0.0.1:5070\n"), /no JSON line/);
  assert.throws(
    () => parseLabUacSummary(JSON.stringify({ ...SUMMARY, failed: "1" })),
    /failed is not a number/,
  );
  assert.throws(
    () => parseLabUacSummary(JSON.stringify({ ...SUMMARY, setupMs: { p50: 1, p95: 2 } })),
    /setupMs\.p99 is not a number/,
  );
  assert.throws(
    () => parseLabUacSummary(JSON.stringify({ ...SUMMARY, failedByStatus: [] })),
    /failedByStatus is not an object/,
  );
});

Deno.test("startLabUas: ready once it prints listening; SIGTERM stops it; CPU measured", async () => {
  const uas = await startLabUas({ transport: "udp", cpuCore: 0, cliModule: scripted });
  let stopped = false;
  try {
    assert.equal(uas.address, `127.0.0.1:${uas.port}`);
    assert.equal(uas.target, `udp:127.0.0.1:${uas.port}`);
    assert.equal(await isPortBound(uas.port, "udp"), true);
    const exit = await uas.stop();
    stopped = true;
    assert.equal(exit.exitCode, 0, exit.output);
    assert.equal(exit.killedByHarness, false);
    assert.ok(exit.cpuMs > 0, "starting Deno costs CPU time");
    assert.ok(exit.cpuMsAfterReady !== undefined && exit.cpuMsAfterReady <= exit.cpuMs);
    assert.equal(await isPortBound(uas.port, "udp"), false);
  } finally {
    if (!stopped) await uas.stop();
  }
});

Deno.test("startLabUas: an agent that exits before it is ready is reported", async () => {
  const taken = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    await assert.rejects(
      startLabUas({ transport: "tcp", port: taken.addr.port, cliModule: scripted }).then(
        (uas) => uas.stop(),
      ),
      /lab uas on tcp:127\.0\.0\.1:\d+ did not start: .*exited[\s\S]*AddrInUse/,
    );
  } finally {
    taken.close();
  }
});

Deno.test("runLabUac: reads the summary; a run past its deadline is ended", async () => {
  const done = await runLabUac({
    transport: "tcp",
    target: "tcp:127.0.0.1:9",
    rate: 250,
    calls: 7,
    cliModule: scripted,
  });
  assert.equal(done.exitCode, 0, done.output);
  assert.equal(done.hitDeadline, false);
  assert.equal(done.summary?.attempted, 7);
  assert.equal(done.summary?.callsPerSec, 250);

  const late = await runLabUac({
    transport: "udp",
    target: "udp:127.0.0.1:9",
    rate: 1,
    calls: 1,
    holdMs: 60_000,
    deadlineMs: 1500,
    cliModule: scripted,
  });
  assert.equal(late.hitDeadline, true);
  assert.equal(late.exitCode, 124);
  assert.equal(late.summary, undefined);
  assert.match(late.summaryProblem ?? "", /no JSON line/);

  // Counted from the listening line: SIGTERM ends the stand-in (exit 143 through timeout).
  const slow = await runLabUac({
    transport: "udp",
    target: "udp:127.0.0.1:9",
    rate: 1,
    calls: 1,
    holdMs: 60_000,
    runDeadlineMs: 300,
    cliModule: scripted,
  });
  assert.equal(slow.hitDeadline, true);
  assert.equal(slow.killedByHarness, false);
  assert.equal(slow.exitCode, 143);
  assert.equal(slow.summary, undefined);
});

Deno.test({
  name: "lab serve uac: says listening first, its JSON summary last; start-up CPU is sampled",
  ignore: !(await labServeBuilt()),
  async fn() {
    // No call to place: nothing is sent to the discard port.
    const run = await runLabUac({ transport: "udp", target: "udp:127.0.0.1:9", rate: 1, calls: 0 });
    assert.equal(run.exitCode, 0, run.output);
    const lines = run.output.trim().split("\n");
    assert.match(lines[0], /^listening udp:127\.0\.0\.1:\d+$/, run.output);
    assert.equal(run.summary?.attempted, 0, run.summaryProblem);
    assert.ok(lines.at(-1)?.startsWith("{"), run.output);
    assert.ok(
      run.cpuMsAfterReady !== undefined && run.cpuMsAfterReady < run.cpuMs,
      `start-up left out: ${run.cpuMsAfterReady} of ${run.cpuMs} CPU-ms`,
    );
  },
});
