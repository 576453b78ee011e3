import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { loadScenario, parseScenario } from "./load.ts";
import { ScenarioError } from "./errors.ts";

const BASIC_CALL = fileURLToPath(new URL("../../scenarios/basic-call.yaml", import.meta.url));

Deno.test("scenarios/basic-call.yaml loads into the expected scenario", async () => {
  const scenario = await loadScenario(BASIC_CALL);
  assert.equal(scenario.name, "basic-call");
  assert.equal(scenario.seed, 42);
  assert.deepEqual(scenario.target, {
    kind: "lab",
    transport: "udp",
    host: "127.0.0.1",
    domain: "lab.sipfleet.test",
    agents: { uas: { count: 1, port: 0, ringTime: { kind: "constant", value: 50 } } },
  });
  assert.equal(scenario.population.count, 200);
  assert.deepEqual(scenario.workloads, [{
    kind: "call",
    name: "call",
    weight: 1,
    thinkTime: { kind: "constant", value: 0 },
    callee: { kind: "uas" },
    holdTime: { kind: "lognormal", median: 2000, sigma: 0.3 },
    answerTimeoutMs: 5000,
    sdp: true,
  }]);
  assert.deepEqual(scenario.load, {
    executor: "constant-arrival-rate",
    rate: 50,
    timeUnitMs: 1000,
    durationMs: 10_000,
    preAllocatedUsers: 150,
    maxUsers: 200,
    arrivals: "uniform",
    gracefulStopMs: 10_000,
    maxDurationMs: 20_000,
  });
  assert.deepEqual(
    scenario.thresholds.map((t) => [t.metric, t.expression.source, t.abortOnFail]),
    [
      ["call_setup_time", "p(95) < 300ms", false],
      ["call_setup_time", "p(99) < 1s", true],
      ["session_failure_ratio", "rate < 0.001", false],
      ["session_attempts", "count >= 500", false],
    ],
  );
  assert.equal(scenario.thresholds[1].delayAbortEvalMs, 3000);
});

Deno.test("loadScenario names the file in its errors", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/broken.yaml`;
    await Deno.writeTextFile(file, "name: x\n");
    await assert.rejects(() => loadScenario(file), (error: unknown) => {
      assert.ok(error instanceof ScenarioError);
      assert.equal(error.file, file);
      assert.ok(error.issues.every((i) => i.file === file));
      assert.deepEqual(error.issues.map((i) => i.field).sort(), ["load", "population", "target"]);
      return true;
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

const EXTERNAL = `
name: ext
seed: 7
target:
  kind: external
  host: sip.example.com
  transport: tls
  domain: example.com
  tls: { ca: certs/ca.pem, serverName: pool.example.com }
  auth: { scheme: ntlm, credentials: { csv: creds.csv } }
population:
  count: 50
  csv: users.csv
  contacts: { distribution: uniform, min: 5, max: 50 }
  endpoints: { distribution: poisson, mean: 1.5 }
  profiles:
    mix: { low: 6, medium: 3, high: 1 }
    activity: { high: 3 }
workloads:
  - kind: call
    callee: "sip:echo{index}@example.com"
    holdTime: { distribution: exponential, mean: 1m }
    thinkTime: { distribution: poisson, rate: 2, timeUnit: 1m }
    weight: 3
  - kind: presence
    name: presence-heavy
load:
  executor: ramping-users
  startUsers: 5
  stages:
    - { target: 50, duration: 1m30s }
    - { target: 0, duration: 30s }
`;

Deno.test("an external scenario: defaults, resolved paths, normalized distributions", () => {
  const scenario = parseScenario(EXTERNAL, "/srv/scenarios/ext.yaml");
  assert.deepEqual(scenario.target, {
    kind: "external",
    host: "sip.example.com",
    port: 5061,
    transport: "tls",
    domain: "example.com",
    tls: { kind: "ca", caFile: "/srv/scenarios/certs/ca.pem", serverName: "pool.example.com" },
    auth: {
      scheme: "ntlm",
      credentials: { kind: "csv", file: "/srv/scenarios/creds.csv" },
      realm: undefined,
    },
  });
  const population = scenario.population;
  assert.equal(population.domain, "example.com");
  assert.deepEqual(population.users, { kind: "csv", file: "/srv/scenarios/users.csv" });
  assert.deepEqual(population.contacts, { kind: "uniform", min: 5, max: 50 });
  assert.deepEqual(population.endpoints, { kind: "poisson", mean: 1.5 });
  assert.deepEqual(population.profileMix, { low: 0.6, medium: 0.3, high: 0.1 });
  assert.deepEqual(population.profileActivity, { low: 0.5, medium: 1, high: 3 });

  const [call, presence] = scenario.workloads;
  assert.equal(call.kind, "call");
  if (call.kind !== "call") return;
  assert.deepEqual(call.callee, { kind: "uri", pattern: "sip:echo{index}@example.com" });
  assert.deepEqual(call.holdTime, { kind: "exponential", mean: 60_000 });
  // Poisson at 2 per minute: exponential gaps with mean 30 s.
  assert.deepEqual(call.thinkTime, { kind: "exponential", mean: 30_000 });
  assert.equal(call.weight, 3);
  assert.equal(presence.name, "presence-heavy");
  assert.equal(presence.kind, "presence");

  assert.deepEqual(scenario.load, {
    executor: "ramping-users",
    startUsers: 5,
    stages: [{ target: 50, durationMs: 90_000 }, { target: 0, durationMs: 30_000 }],
    gracefulRampDownMs: 30_000,
    gracefulStopMs: 30_000,
    maxDurationMs: 150_000,
  });
  assert.deepEqual(scenario.thresholds, []);
});

Deno.test("lognormal given by its mean is stored by its median", () => {
  const text = EXTERNAL.replace(
    "holdTime: { distribution: exponential, mean: 1m }",
    "holdTime: { distribution: lognormal, mean: 10s, sigma: 1 }",
  );
  const call = parseScenario(text, "x.yaml").workloads[0];
  assert.ok(call.kind === "call" && call.holdTime.kind === "lognormal");
  if (call.kind !== "call" || call.holdTime.kind !== "lognormal") return;
  assert.ok(Math.abs(call.holdTime.median - 10_000 / Math.exp(0.5)) < 1e-9);
});

Deno.test("a flow-only scenario against an external server compiles its program", () => {
  const text = `
name: options-ping
target: { kind: external, host: 127.0.0.1, port: 5070, domain: lab.test }
population: { count: 1 }
flow:
  vars: { greeting: hello }
  steps:
    - send: |
        OPTIONS sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        Call-ID: [call_id]
        Subject: [$greeting]
        Content-Length: [len]
    - expect: 1xx
      optional: true
    - expect: 200
      capture: [{ var: allow, header: Allow, regex: "INVITE" }]
    - pause: { distribution: uniform, min: 1s, max: 2s }
load: { executor: shared-iterations, users: 1, iterations: 3 }
`;
  const scenario = parseScenario(text, "ping.yaml");
  assert.deepEqual(scenario.workloads, []);
  assert.ok(scenario.flow);
  assert.equal(scenario.flow.name, "flow");
  const program = scenario.flow.program;
  assert.deepEqual(program.steps.map((s) => s.kind), ["send", "expect", "expect", "pause"]);
  assert.deepEqual(program.vars, { greeting: "hello" });
  assert.equal(program.maxSteps, 10_000);
  assert.deepEqual(scenario.load, {
    executor: "shared-iterations",
    users: 1,
    iterations: 3,
    gracefulStopMs: 30_000,
    maxDurationMs: 600_000,
  });
});

Deno.test("a scenario with neither workloads nor flow is rejected", () => {
  const text = `
name: idle
target: { kind: lab, agents: { frontend: {} } }
population: { count: 1 }
load: { executor: constant-users, users: 1, duration: 1s }
`;
  assert.throws(() => parseScenario(text, "idle.yaml"), (error: unknown) => {
    assert.ok(error instanceof ScenarioError);
    assert.deepEqual(error.issues.map((i) => [i.field, i.message]), [
      ["workloads", "missing: give workloads, a flow or both"],
    ]);
    return true;
  });
});

Deno.test("aliases and anchors work and errors behind them are still located", () => {
  const text = `
name: anchors
target: { kind: lab, agents: { uas: {} } }
population: { count: 10 }
workloads:
  - kind: call
    holdTime: &hold { distribution: uniform, min: 1s, max: 3s }
  - kind: call
    name: second
    holdTime: *hold
load: { executor: constant-users, users: 2, duration: 1s }
`;
  const scenario = parseScenario(text, "a.yaml");
  const second = scenario.workloads[1];
  assert.ok(second.kind === "call");
  if (second.kind === "call") {
    assert.deepEqual(second.holdTime, { kind: "uniform", min: 1000, max: 3000 });
  }
  assert.throws(() => parseScenario(text.replace("max: 3s", "max: soon"), "a.yaml"), (e) => {
    assert.ok(e instanceof ScenarioError);
    // Both uses of the anchor are reported where the bad value is written (line 7).
    assert.deepEqual(e.issues.map((i) => [i.line, i.field]), [
      [7, "workloads[0].holdTime.max"],
      [7, "workloads[1].holdTime.max"],
    ]);
    return true;
  });
});
