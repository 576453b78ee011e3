import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { runScenario } from "../../lab/runner/mod.ts";
import type { RunningLabAgents } from "../../lab/runner/workload.ts";
import { loadScenario, type Scenario } from "../../lab/scenario/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { UasAgent } from "../uas/uas_agent.ts";
import { flowWorkload } from "./flow_workload.ts";
import { fixedLabTarget, flowHarness, flowScenarioYaml } from "./test_support.ts";

const EXAMPLE = fileURLToPath(new URL("../../scenarios/flow-options.yaml", import.meta.url));

/** The lab UAS on `protocol`, as a running lab target. */
async function labUas(
  protocol: "udp" | "tcp",
  maxCalls?: number,
): Promise<RunningLabAgents & { uas: UasAgent }> {
  const wheel = new TimerWheel({ resolutionMs: 1 });
  const uas = await UasAgent.start({
    listen: { protocol, host: "127.0.0.1", port: 0 },
    wheel,
    maxCalls,
  });
  return {
    uas,
    addresses: { uas: uas.address },
    async stop() {
      await uas.stop();
      wheel.stop();
    },
  };
}

Deno.test("flow: OPTIONS over TCP to the lab UAS of a kind: lab target", async () => {
  const lab = await labUas("tcp");
  const target = [
    "  kind: lab",
    "  transport: tcp",
    "  agents:",
    "    uas: { count: 1 }",
  ].join("\n");
  const flow = `  name: tcp-ping
  steps:
    - send: |
        OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] OPTIONS
        Max-Forwards: 70
        Content-Length: [len]
    - expect: 200
      timeout: 2s`;
  const harness = await flowHarness(flowScenarioYaml(target, flow), {}, lab);
  try {
    assert.deepEqual(await harness.run(0), { ok: true });
    assert.deepEqual(await harness.run(1), { ok: true });
    // Both calls went over one TCP connection to the UAS (§18.1.1 connection reuse).
    assert.equal(harness.counter("transport_connections_opened", { protocol: "tcp" }), 1);
    assert.equal(harness.counter("transport_messages", { protocol: "tcp", direction: "in" }), 2);
    assert.equal(harness.counter("flow_retransmissions"), 0);
  } finally {
    await harness.close();
    await lab.stop();
  }
});

Deno.test("scenarios/flow-options.yaml runs against the lab UAS", async () => {
  const file = await loadScenario(EXAMPLE);
  assert.equal(file.target.kind, "lab");
  assert.equal(file.flow?.name, "options-ping");
  // Ten pings instead of five seconds of them, and no latency threshold in a test.
  const scenario: Scenario = {
    ...file,
    load: {
      executor: "shared-iterations",
      users: 2,
      iterations: 10,
      gracefulStopMs: 1000,
      maxDurationMs: 10_000,
    },
    thresholds: file.thresholds.filter((t) => t.metric === "iterations_failed"),
  };
  const lab = await labUas("udp");
  const resultsDir = await Deno.makeTempDir({ prefix: "sipfleet-flow-" });
  try {
    const result = await runScenario(scenario, {
      workloads: [flowWorkload()],
      labTarget: fixedLabTarget(lab),
      resultsDir,
      progress: false,
      out: () => {},
    });
    const total = (name: string) =>
      result.counters.filter((c) => c.name === name).reduce((sum, c) => sum + c.total, 0);
    assert.equal(result.exitCode, 0, result.error);
    assert.equal(total("iterations_completed"), 10);
    assert.equal(total("iterations_failed"), 0);
    assert.equal(lab.uas.counts.received, 0); // OPTIONS only: no call reached the UAS chart
    const responseTime = result.latencies.find((l) =>
      l.name === "flow_response_time" && l.labels.step === "1:200"
    );
    assert.equal(responseTime?.stats.count, 10);
    assert.equal(result.thresholds.every((t) => t.passed), true);
  } finally {
    await lab.stop();
    await Deno.remove(resultsDir, { recursive: true });
  }
});

Deno.test("flow: a refusal's ms-diagnostics in the outcome; steps per state; the user drill-down", async () => {
  const lab = await labUas("udp", 0); // a UAS at capacity: every INVITE refused 503
  const target = ["  kind: lab", "  transport: udp", "  agents:", "    uas: { count: 1 }"].join(
    "\n",
  );
  const flow = `  name: refused-call
  steps:
    - send: |
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] INVITE
        Contact: <sip:[user]@[local_ip]:[local_port]>
        Max-Forwards: 70
        Content-Length: [len]
    - expect: 100
      optional: true
    - expect: 200
      timeout: 2s`;
  const harness = await flowHarness(flowScenarioYaml(target, flow), {}, lab);
  try {
    const running = harness.run(0);
    const user = harness.driver.users.list(1)[0];
    // Looked at before the answer: its messages are kept from now on.
    assert.equal(harness.driver.users.inspect(user)?.state, "expect 1:100");
    assert.deepEqual(harness.driver.stateCounts(), { "flow:refused-call": { "expect 1:100": 1 } });
    const outcome = await running;
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, 503);
    assert.deepEqual(outcome.diagnostics, { code: "17000", reason: "Server overloaded" });
    const detail = harness.driver.users.inspect(user);
    assert.equal(detail?.machine, "flow:refused-call");
    assert.equal(detail?.state, "failed 503");
    assert.deepEqual(detail?.recent.transactions.map((t) => [t.direction, t.method, t.status]), [
      ["out", "INVITE", 503],
    ]);
    assert.equal(detail?.recent.messages.at(-1)?.summary, "SIP/2.0 503 Service Unavailable");
    assert.equal(lab.uas.counts.refused, 1);
  } finally {
    await harness.close();
    await lab.stop();
  }
});
