/**
 * The im workload's driver with the lab target's real front end (TLS, NTLM): iterations sign
 * users in, hold an IM session with a signed-in peer through the front end (INVITE with the
 * first message, typing INFO + MESSAGE, BYE), record `im_delivery_time` per message, report IM
 * sessions per chart state and the drill-down; an offline peer fails the iteration with 480.
 */
import assert from "node:assert/strict";
import { histogramIn, MetricsRegistry } from "../lab/metrics/mod.ts";
import { Population } from "../lab/runner/mod.ts";
import type { IterationOutcome, RunContext, WorkloadDriver } from "../lab/runner/workload.ts";
import { parseScenario } from "../lab/scenario/mod.ts";
import { TimerWheel } from "../lab/sip/timer/mod.ts";
import { imWorkload } from "./im_workload.ts";
import { labTarget } from "./lab_target.ts";

function scenarioText(signInPeers: boolean): string {
  return `name: im-driver
seed: 9
target:
  kind: lab
  transport: tls
  host: 127.0.0.1
  agents:
    frontend: { count: 1, port: 0 }
population:
  count: 4
  domain: lab.sipfleet.test
  contacts: 2
workloads:
  - kind: im
    to: ${signInPeers ? "contact" : "population"}
    messages: 3
    messageInterval: 20ms
    messageSize: 60
    signInPeers: ${signInPeers}
load:
  executor: shared-iterations
  users: 2
  iterations: 2
`;
}

/** The driver of the scenario's im workload against a started lab front end. */
async function withDriver(
  signInPeers: boolean,
  body: (driver: WorkloadDriver, ctx: RunContext) => Promise<void>,
): Promise<void> {
  const text = scenarioText(signInPeers);
  const scenario = parseScenario(text, "im-driver.yaml");
  const wheel = new TimerWheel();
  const metrics = new MetricsRegistry();
  const population = await Population.build(scenario, { scenarioText: text });
  const base = { scenario, population, metrics, wheel, log: () => {} };
  const agents = await labTarget().start(
    scenario.target as Extract<typeof scenario.target, { kind: "lab" }>,
    base,
  );
  const ctx: RunContext = { ...base, labAgents: agents };
  const driver = await imWorkload().create(ctx, scenario.workloads[0]);
  try {
    await body(driver, ctx);
  } finally {
    await driver.stop({ graceful: true });
    await agents.stop();
    wheel.stop();
  }
}

function iterate(driver: WorkloadDriver, ctx: RunContext, position: number) {
  return new Promise<IterationOutcome>((resolve) =>
    driver.startIteration(ctx.population.user(position), resolve)
  );
}

Deno.test("im workload: sessions with signed-in contacts, delivery times, states and drill-down", async () => {
  await withDriver(true, async (driver, ctx) => {
    const first = iterate(driver, ctx, 0);
    const second = iterate(driver, ctx, 1);
    assert.equal(driver.active, 2);
    const outcomes = await Promise.all([first, second]);
    assert.deepEqual(outcomes, [{ ok: true }, { ok: true }]);
    assert.equal(driver.active, 0);
    // 2 sessions × 3 messages, each received by the peer's agent.
    const delivery = histogramIn(ctx.metrics.snapshot(), "im_delivery_time");
    assert.equal(delivery?.cumulative.count, 6);
    // Callers and their peers stay signed in; no IM session is left.
    const counts = driver.stateCounts!();
    assert.ok((counts.lyncSignIn.online ?? 0) >= 2, JSON.stringify(counts));
    assert.equal(Object.values(counts.imSession).reduce((a, b) => a + b, 0), 0);

    const id = ctx.population.user(0).name;
    assert.ok(driver.users!.list(10).includes(id));
    const detail = driver.users!.inspect(id)!;
    assert.equal(detail.machine, "lyncSignIn");
    assert.equal(detail.state, "online");
    const methods = detail.recent.transactions.map((t) => t.method);
    assert.ok(methods.includes("REGISTER"), methods.join());
  });
});

Deno.test("im workload: a peer nobody signed in fails the iteration with 480", async () => {
  await withDriver(false, async (driver, ctx) => {
    // Two of four users: the one picked is not signed in (no other iteration ran).
    const outcome = await iterate(driver, ctx, 0);
    assert.equal(outcome.ok, false);
    assert.equal(outcome.status, 480, JSON.stringify(outcome));
    assert.match(outcome.reason ?? "", /IM session to sip:\S+ failed \(480\)/);
    const failures = ctx.metrics.snapshot();
    assert.equal(histogramIn(failures, "im_delivery_time"), undefined);
  });
});
