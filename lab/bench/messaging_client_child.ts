/**
 * Bench child: the `im` or `presence` workload driver (agents/) in its own process, aimed at the
 * front end of messaging_frontend_child.ts over TLS with NTLM (users user00001 … / pw-1 …). It
 * drives the iterations itself (no runner): they start at `--start-rate` per second, then a
 * measurement window of `--window-s` seconds begins once every user is signed in; the metrics
 * of the window alone go to a fresh registry (the drivers read `ctx.metrics` on every record).
 *
 * - `--mode im --pairs P`: 2P users; P callers each hold IM sessions of 20 messages back to
 *   back (no pause between messages: each MESSAGE, with its typing INFO, waits for the answer
 *   to the previous one) with a random signed-in peer. Prints `{ messages, perSecond, p50Ms,
 *   p99Ms, failed }` — messages received by the peers in the window.
 * - `--mode presence --users N --contacts C`: every user signs in, publishes, watches its C
 *   contacts (one batched SUBSCRIBE) and republishes every 60 s on average (exponential gaps:
 *   publications are a Poisson process of N/60 per second from the first second on, real time,
 *   no compression). Prints `{ notifications, perSecond, publications, p50Ms, p99Ms,
 *   watcherP50Ms, watcherP99Ms, failed }` — notifications received in the window, the fan-out
 *   of publications sent in it (SERVICE sent → last watcher's notification).
 *
 * Bounded: every wait has a deadline (`--deadline-s`, default 300).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { imWorkload } from "../../agents/im_workload.ts";
import { presenceWorkload } from "../../agents/presence_workload.ts";
import { histogramIn, MetricsRegistry } from "../metrics/mod.ts";
import { Population } from "../runner/mod.ts";
import type { RunContext, WorkloadDriver } from "../runner/workload.ts";
import { parseScenario } from "../scenario/mod.ts";
import { TimerWheel } from "../sip/timer/mod.ts";

/** What a run prints as its last line. */
export interface MessagingClientResult {
  mode: "im" | "presence";
  users: number;
  signInSeconds: number;
  windowSeconds: number;
  /** IM: messages received by peers; presence: notifications received by watchers. */
  count: number;
  perSecond: number;
  /** Presence: publications whose every watcher heard in the window. */
  publications?: number;
  p50Ms: number;
  p99Ms: number;
  /** Presence: per watcher. */
  watcherP50Ms?: number;
  watcherP99Ms?: number;
  failed: number;
  failures: Record<string, number>;
}

function scenarioText(mode: string, users: number, port: number, ca: string, contacts: number) {
  const workload = mode === "im"
    ? `  - kind: im
    to: population
    messages: 20
    messageInterval: 0ms
    messageSize: 100`
    : `  - kind: presence
    publishInterval: { distribution: exponential, mean: 60s }
    states: [online, busy, away, be-right-back]
    subscribeContacts: true
    sessionTime: 1h`;
  return `name: bench-${mode}
seed: 21
target:
  kind: external
  host: 127.0.0.1
  port: ${port}
  transport: tls
  domain: bench.test
  tls: { ca: ${JSON.stringify(ca)} }
  auth: { scheme: ntlm }
population:
  count: ${users}
  domain: bench.test
  contacts: ${contacts}
workloads:
${workload}
load:
  executor: per-user-iterations
  users: ${users}
  iterations: 1
`;
}

/** Runs the child with `args`; resolves to the result it printed. */
export async function runMessagingClients(args: string[]): Promise<MessagingClientResult> {
  const { values } = parseArgs({
    args,
    options: {
      mode: { type: "string" },
      port: { type: "string" },
      ca: { type: "string" },
      users: { type: "string" },
      pairs: { type: "string" },
      contacts: { type: "string" },
      "start-rate": { type: "string" },
      "window-s": { type: "string" },
      "deadline-s": { type: "string" },
    },
  });
  const mode: "im" | "presence" = values.mode === "presence" ? "presence" : "im";
  const pairs = Number(values.pairs ?? "200");
  const users = mode === "im" ? 2 * pairs : Number(values.users ?? "1000");
  const contacts = mode === "im" ? 0 : Number(values.contacts ?? "50");
  const startRate = Number(values["start-rate"] ?? "200");
  const windowMs = Number(values["window-s"] ?? "20") * 1000;
  const deadline = performance.now() + Number(values["deadline-s"] ?? "300") * 1000;
  const text = scenarioText(mode, users, Number(values.port), values.ca!, contacts);
  const scenario = parseScenario(text, `bench-${mode}.yaml`);
  const wheel = new TimerWheel();
  const population = await Population.build(scenario, { scenarioText: text });
  const context = {
    scenario,
    population,
    metrics: new MetricsRegistry(),
    wheel,
    labAgents: undefined,
    log: () => {},
  };
  const ctx: RunContext = context;
  const factory = mode === "im" ? imWorkload() : presenceWorkload();
  const driver: WorkloadDriver = await factory.create(ctx, scenario.workloads[0]);
  const failures: Record<string, number> = {};
  let failed = 0;
  let measuring = false;
  const started = performance.now();
  const onDone = (position: number) => (outcome: { ok: boolean; reason?: string }) => {
    if (!outcome.ok) {
      failed++;
      const key = (outcome.reason ?? "?").slice(0, 60);
      failures[key] = (failures[key] ?? 0) + 1;
    }
    // IM callers go again until the window ends.
    if (mode === "im" && performance.now() < deadline && (!measuring || !windowOver())) {
      driver.startIteration(population.user(position), onDone(position));
    }
  };
  let windowEnd = Infinity;
  const windowOver = () => performance.now() >= windowEnd;
  // Iterations start at `startRate` per second (callers only for IM: their peers sign in on
  // demand), so that sign-ins do not all land at once.
  const starters = mode === "im" ? pairs : users;
  for (let position = 0; position < starters; position++) {
    driver.startIteration(population.user(position), onDone(position));
    if ((position + 1) % Math.max(1, Math.round(startRate / 10)) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  // Everyone signed in: as many online as wanted, and no change for a second (IM: the callers
  // and the peers their first sessions reached).
  const onlineNow = () => driver.stateCounts!()["lyncSignIn"]?.["online"] ?? 0;
  const wanted = mode === "im" ? pairs : users;
  let last = -1;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const online = onlineNow();
    if (online === last && (online >= wanted - failed || driver.active === 0)) break;
    last = online;
  }
  const signInSeconds = (performance.now() - started) / 1000;
  context.metrics = new MetricsRegistry();
  measuring = true;
  const from = performance.now();
  windowEnd = from + windowMs;
  const before = { failed };
  await new Promise((resolve) =>
    setTimeout(resolve, Math.max(0, Math.min(windowMs, deadline - from)))
  );
  const windowSeconds = (performance.now() - from) / 1000;
  const snapshot = context.metrics.snapshot();
  // Iterations the stop interrupts are not failures.
  const failedBeforeStop = failed;
  const failuresBeforeStop = { ...failures };
  await driver.stop({ graceful: false });
  failed = failedBeforeStop;
  wheel.stop();
  const histogram = (name: string) => histogramIn(snapshot, name)?.cumulative;
  let result: MessagingClientResult;
  const base = { mode, users, signInSeconds, windowSeconds, failures: failuresBeforeStop };
  if (mode === "im") {
    const delivery = histogram("im_delivery_time");
    const count = delivery?.count ?? 0;
    result = {
      ...base,
      count,
      perSecond: count / windowSeconds,
      p50Ms: delivery?.p50 ?? NaN,
      p99Ms: delivery?.p99 ?? NaN,
      failed: failed - before.failed,
    };
  } else {
    const watcher = histogram("presence_fanout_delay");
    const complete = histogram("presence_fanout_complete");
    const count = watcher?.count ?? 0;
    result = {
      ...base,
      count,
      perSecond: count / windowSeconds,
      publications: complete?.count ?? 0,
      p50Ms: complete?.p50 ?? NaN,
      p99Ms: complete?.p99 ?? NaN,
      watcherP50Ms: watcher?.p50 ?? NaN,
      watcherP99Ms: watcher?.p99 ?? NaN,
      failed,
    };
  }
  console.log(JSON.stringify(result));
  return result;
}

if (import.meta.main) await runMessagingClients(Deno.args);
