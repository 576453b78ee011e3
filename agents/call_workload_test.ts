import assert from "node:assert/strict";
import type { MetricsSnapshot } from "../lab/metrics/mod.ts";
import { type LiveRun, runScenario } from "../lab/runner/mod.ts";
import { loadScenario } from "../lab/scenario/mod.ts";
import { callWorkload } from "./call_workload.ts";
import { labTarget } from "./lab_target.ts";

/** Lab calls at 20/s for 1.5 s, each ringing 100 ms and held 600 ms: calls overlap seconds. */
const SCENARIO = `name: call-live
seed: 3
target:
  kind: lab
  transport: udp
  host: 127.0.0.1
  agents:
    uas:
      count: 1
      ringTime: 100ms
population:
  count: 50
  domain: lab.sipfleet.test
  naming: "caller{index:4}"
workloads:
  - kind: call
    callee: uas
    holdTime: 600ms
    answerTimeout: 3s
load:
  executor: constant-arrival-rate
  rate: 20
  duration: 1500ms
  preAllocatedUsers: 20
  maxUsers: 50
  gracefulStop: 5s
`;

Deno.test("call workload: calls per state of both charts each second, users' recent calls", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-call-live-" });
  try {
    const file = `${dir}/call-live.yaml`;
    await Deno.writeTextFile(file, SCENARIO);
    const scenario = await loadScenario(file);
    let live: LiveRun | undefined;
    const seconds: MetricsSnapshot[] = [];
    let listedDuringRun: readonly string[] = [];
    const result = await runScenario(scenario, {
      workloads: [callWorkload()],
      labTarget: labTarget(),
      resultsDir: `${dir}/results`,
      progress: false,
      out: () => {},
      onStart: (run) => void (live = run),
      onSecond: (snapshot) => {
        seconds.push(snapshot);
        if (listedDuringRun.length === 0) listedDuringRun = live?.users?.list(100) ?? [];
      },
    });
    assert.equal(result.exitCode, 0, result.error);
    const first = seconds[0].states;
    const machines = Object.fromEntries(first.map((s) => [s.machine, s.counts]));
    assert.deepEqual(Object.keys(machines).sort(), ["uacCall", "uasCall"]);
    // About 20 calls in progress one second in: answered and held (connected / confirmed).
    const total = (counts: Record<string, number>) =>
      Object.values(counts).reduce((n, c) => n + c, 0);
    assert.ok(total(machines.uacCall) >= 10, JSON.stringify(machines));
    assert.ok(total(machines.uasCall) >= 10, JSON.stringify(machines));
    assert.ok((machines.uacCall.connected ?? 0) > 0, JSON.stringify(machines));

    // The users in a call at the first second, then their finished calls.
    assert.ok(listedDuringRun.length > 0);
    const detail = live?.users?.inspect(listedDuringRun[0]);
    assert.match(detail?.id ?? "", /^caller\d{4}$/);
    assert.equal(detail?.machine, "uacCall");
    assert.equal(detail?.state, "completed");
    const call = detail?.recent.transactions[0];
    assert.equal(call?.method, "INVITE");
    assert.equal(call?.status, 200);
    assert.ok((call?.durationMs ?? -1) >= 90, `setup ${call?.durationMs} ms (100 ms ring)`);
    assert.ok((call?.at ?? 0) >= Date.parse(result.startedAt) - 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

for (const transport of ["tls", "wss"] as const) {
  Deno.test(`call workload over ${transport}: the lab CA secures caller and UAS out of the box`, async () => {
    const dir = await Deno.makeTempDir({ prefix: `sipfleet-call-${transport}-` });
    try {
      const file = `${dir}/call-${transport}.yaml`;
      await Deno.writeTextFile(
        file,
        SCENARIO.replace("transport: udp", `transport: ${transport}`).replace(
          "duration: 1500ms",
          "duration: 500ms",
        ),
      );
      const result = await runScenario(await loadScenario(file), {
        workloads: [callWorkload()],
        labTarget: labTarget(),
        resultsDir: `${dir}/results`,
        progress: false,
        out: () => {},
      });
      assert.equal(result.exitCode, 0, result.error);
      assert.equal(result.sessions.attempted, 10);
      assert.equal(result.sessions.completed, 10);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  });
}
