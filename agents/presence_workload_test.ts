/**
 * The presence workload's driver with the lab target's real front end and its MS-PRES presence
 * server (TLS, NTLM): signed-in users publish their state, watch their contacts with one batched
 * SUBSCRIBE, publish again while watched, and sign out at the end of the session; the fan-out
 * delay is recorded per watcher and per publication; a user the front end does not know fails
 * the iteration with the front end's status and ms-diagnostics.
 */
import assert from "node:assert/strict";
import { histogramIn, MetricsRegistry } from "../lab/metrics/mod.ts";
import { Population } from "../lab/runner/mod.ts";
import type { IterationOutcome, RunContext } from "../lab/runner/workload.ts";
import { parseScenario } from "../lab/scenario/mod.ts";
import { TimerWheel } from "../lab/sip/timer/mod.ts";
import { labTarget } from "./lab_target.ts";
import { presenceWorkload } from "./presence_workload.ts";

const SCENARIO = `name: presence-driver
seed: 3
target:
  kind: lab
  transport: tls
  host: 127.0.0.1
  agents:
    frontend: { count: 1, port: 0 }
population:
  count: 4
  domain: lab.sipfleet.test
  contacts: 3
workloads:
  - kind: presence
    publishInterval: 150ms
    states: [online, busy, away]
    subscribeContacts: true
    sessionTime: 700ms
load:
  executor: shared-iterations
  users: 4
  iterations: 4
`;

Deno.test("presence workload: publish, batched contact subscription, fan-out delays, sign-out", async () => {
  const scenario = parseScenario(SCENARIO, "presence-driver.yaml");
  const wheel = new TimerWheel();
  const metrics = new MetricsRegistry();
  const population = await Population.build(scenario, { scenarioText: SCENARIO });
  const base = { scenario, population, metrics, wheel, log: () => {} };
  const agents = await labTarget().start(
    scenario.target as Extract<typeof scenario.target, { kind: "lab" }>,
    base,
  );
  const ctx: RunContext = { ...base, labAgents: agents };
  const driver = await presenceWorkload().create(ctx, scenario.workloads[0]);
  try {
    const users = [0, 1, 2, 3].map((i) => population.user(i));
    const outcomes = await Promise.all(
      users.map((user) =>
        new Promise<IterationOutcome>((resolve) => driver.startIteration(user, resolve))
      ),
    );
    assert.deepEqual(outcomes, users.map(() => ({ ok: true })));
    assert.equal(driver.active, 0);
    const snapshot = metrics.snapshot();
    // Every user watches the other three while they publish about every 150 ms.
    const perWatcher = histogramIn(snapshot, "presence_fanout_delay")?.cumulative.count ?? 0;
    const perPublication = histogramIn(snapshot, "presence_fanout_complete")?.cumulative.count ??
      0;
    assert.ok(perWatcher >= 6, `per watcher: ${perWatcher}`);
    assert.ok(perPublication >= 2, `per publication: ${perPublication}`);
    // The server measured its side of the same notifications.
    assert.ok((histogramIn(snapshot, "presence_fanout")?.cumulative.count ?? 0) >= perWatcher);

    const id = users[0].name;
    assert.ok(driver.users!.list(10).includes(id));
    const methods = driver.users!.inspect(id)!.recent.transactions.map((t) => t.method);
    // The endpoint's latest traffic: its watchers' notifications (BENOTIFY, MS-SIP §3.5).
    assert.ok(methods.includes("BENOTIFY"), methods.join());
    const counts = driver.stateCounts!().lyncSignIn;
    assert.ok(Object.keys(counts).length > 0);

    // A user the front end does not know: the sign-in's status and diagnostics.
    const stranger = { ...users[0], name: "nobody", aor: "sip:nobody@lab.sipfleet.test" };
    const failed = await new Promise<IterationOutcome>((r) => driver.startIteration(stranger, r));
    assert.equal(failed.ok, false);
    assert.ok(failed.status !== undefined && failed.status >= 400, JSON.stringify(failed));
    assert.ok(failed.diagnostics?.code, JSON.stringify(failed));
  } finally {
    await driver.stop({ graceful: true });
    await agents.stop();
    wheel.stop();
  }
});
