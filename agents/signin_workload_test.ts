/**
 * The sign-in workload's driver with the lab target's real front end (TLS, NTLM): iterations
 * sign users in and out, the sign-in time lands in `sign_in_time`, users per chart state and the
 * drill-down are reported, a wrong password fails the iteration with its status and
 * ms-diagnostics.
 */
import assert from "node:assert/strict";
import { histogramIn, MetricsRegistry } from "../lab/metrics/mod.ts";
import { Population } from "../lab/runner/mod.ts";
import type { IterationOutcome, RunContext } from "../lab/runner/workload.ts";
import { parseScenario } from "../lab/scenario/mod.ts";
import { TimerWheel } from "../lab/sip/timer/mod.ts";
import { labTarget } from "./lab_target.ts";
import { signInWorkload } from "./signin_workload.ts";

const SCENARIO = `name: sign-in-driver
seed: 5
target:
  kind: lab
  transport: tls
  host: 127.0.0.1
  agents:
    frontend: { count: 1, port: 0 }
population:
  count: 4
  domain: lab.sipfleet.test
workloads:
  - kind: sign-in
    stayTime: 50ms
    signOut: true
load:
  executor: shared-iterations
  users: 4
  iterations: 4
`;

Deno.test("sign-in workload: iterations sign in and out, sign_in_time and states reported", async () => {
  const scenario = parseScenario(SCENARIO, "sign-in-driver.yaml");
  const wheel = new TimerWheel();
  const metrics = new MetricsRegistry();
  const population = await Population.build(scenario, { scenarioText: SCENARIO });
  const base = { scenario, population, metrics, wheel, log: () => {} };
  assert.equal(scenario.target.kind, "lab");
  const agents = await labTarget().start(
    scenario.target as Extract<typeof scenario.target, { kind: "lab" }>,
    base,
  );
  const ctx: RunContext = { ...base, labAgents: agents };
  const workload = scenario.workloads[0];
  const driver = await signInWorkload().create(ctx, workload);
  try {
    const outcomes: IterationOutcome[] = [];
    const users = [0, 1, 2].map((i) => population.user(i));
    const done = new Promise<void>((resolve) => {
      for (const user of users) {
        driver.startIteration(user, (outcome) => {
          outcomes.push(outcome);
          if (outcomes.length === users.length) resolve();
        });
      }
    });
    assert.equal(driver.active, 3);
    const counts = driver.stateCounts!().lyncSignIn;
    assert.equal(Object.values(counts).reduce((a, b) => a + b, 0), 3);
    await done;
    assert.deepEqual(outcomes.map((o) => o.ok), [true, true, true]);
    assert.equal(driver.active, 0);
    const signIn = histogramIn(metrics.snapshot(), "sign_in_time");
    assert.equal(signIn?.cumulative.count, 3);

    // The drill-down: the user's REGISTERs and provisioning SUBSCRIBE, ending signed out.
    const id = driver.users!.list(10)[0];
    const detail = driver.users!.inspect(id)!;
    assert.equal(detail.machine, "lyncSignIn");
    assert.equal(detail.state, "signedOut");
    assert.deepEqual(
      detail.recent.transactions.map((t) => `${t.method} ${t.status}`),
      ["REGISTER 401", "REGISTER 401", "REGISTER 200", "SUBSCRIBE 200", "REGISTER 200"],
    );

    // A user the front end does not know fails with the front end's status and diagnostics.
    const stranger = { ...population.user(3), name: "nobody", aor: "sip:nobody@lab.sipfleet.test" };
    const failed = await new Promise<IterationOutcome>((r) => driver.startIteration(stranger, r));
    assert.equal(failed.ok, false);
    assert.ok(failed.status === 401 || failed.status === 403 || failed.status === 404);
    assert.ok(failed.diagnostics?.code, JSON.stringify(failed));
  } finally {
    await driver.stop({ graceful: true });
    await agents.stop();
    wheel.stop();
  }
});
