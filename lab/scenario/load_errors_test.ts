import assert from "node:assert/strict";
import { ScenarioError, type ScenarioIssue } from "./errors.ts";
import { parseScenario } from "./load.ts";

/** A valid scenario; line numbers matter to the tests below (the load block is indented by 3). */
const BASE = [
  "name: t", // 1
  "target:", // 2
  "  kind: lab", // 3
  "  agents:", // 4
  "    uas: { count: 1 }", // 5
  "population:", // 6
  "  count: 100", // 7
  "workloads:", // 8
  "  - kind: call", // 9
  "    holdTime: 1s", // 10
  "load:", // 11
  "   executor: constant-arrival-rate", // 12
  "   rate: 10", // 13
  "   duration: 5s", // 14
  "   preAllocatedUsers: 20", // 15
  "thresholds:", // 16
  "  call_setup_time: [p(95) < 300ms]", // 17
];

function withLines(changes: Record<number, string | null>, extra: string[] = []): string {
  const lines: string[] = [];
  BASE.forEach((line, i) => {
    const change = changes[i + 1];
    if (change === undefined) lines.push(line);
    else if (change !== null) lines.push(change);
  });
  return [...lines, ...extra].join("\n") + "\n";
}

function issuesOf(text: string, file = "s.yaml"): readonly ScenarioIssue[] {
  try {
    parseScenario(text, file, { baseDir: "/tmp" });
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
  throw new Error("expected the scenario to be rejected");
}

function only(text: string): ScenarioIssue {
  const issues = issuesOf(text);
  assert.equal(issues.length, 1, issues.map((i) => `${i.field}: ${i.message}`).join("\n"));
  return issues[0];
}

Deno.test("the base scenario is valid", () => {
  const scenario = parseScenario(withLines({}), "s.yaml");
  assert.equal(scenario.load.executor, "constant-arrival-rate");
});

Deno.test("wrong executor name: exact line, column, field and the list of executors", () => {
  const issue = only(withLines({ 12: "   executor: constant-arival-rate" }));
  assert.deepEqual(
    { file: issue.file, line: issue.line, column: issue.column, field: issue.field },
    { file: "s.yaml", line: 12, column: 14, field: "load.executor" },
  );
  assert.equal(
    issue.message,
    "must be one of constant-arrival-rate, ramping-arrival-rate, constant-users, ramping-users, " +
      "per-user-iterations, shared-iterations (did you mean constant-arrival-rate?)",
  );
});

Deno.test("the formatted message is file:line:col: field: message", () => {
  try {
    parseScenario(withLines({ 12: "   executor: nope" }), "scenarios/x.yaml");
    assert.fail("should throw");
  } catch (error) {
    assert.ok(error instanceof ScenarioError);
    const lines = error.message.split("\n");
    assert.equal(lines[0], "scenarios/x.yaml: 1 problem");
    assert.match(lines[1], /^scenarios\/x\.yaml:12:14: load\.executor: must be one of constant-/);
  }
});

Deno.test("unknown field: points at the key, suggests the near name and lists the fields", () => {
  const issues = issuesOf(withLines({ 15: "   preAllocatedUsers: 20\n   maxUser: 30" }));
  assert.equal(issues.length, 1);
  assert.deepEqual([issues[0].line, issues[0].column, issues[0].field], [16, 4, "load.maxUser"]);
  assert.match(issues[0].message, /^unknown field \(did you mean maxUsers\?\); expected one of: /);
  assert.match(issues[0].message, /preAllocatedUsers, maxUsers, timeUnit, arrivals/);
});

Deno.test("wrong type: a word where a number belongs", () => {
  const issue = only(withLines({ 13: "   rate: fast" }));
  assert.deepEqual([issue.line, issue.column, issue.field, issue.message], [
    13,
    10,
    "load.rate",
    "must be a number",
  ]);
});

Deno.test("duration format: a bare number and a word unit are rejected with the expected form", () => {
  for (const bad of ["5", "5 seconds", "5sec", "-5s"]) {
    const issue = only(withLines({ 14: `   duration: ${bad}` }));
    assert.deepEqual([issue.line, issue.column, issue.field], [14, 14, "load.duration"], bad);
    assert.equal(issue.message, "must be a duration like 30s, 2m, 500ms or 1m30s");
  }
});

Deno.test("missing required field: named in the field path, reported at its parent", () => {
  const issue = only(withLines({ 13: null }));
  assert.deepEqual([issue.line, issue.column, issue.field, issue.message], [
    12,
    4,
    "load.rate",
    "missing required field",
  ]);
});

Deno.test("a stage's bad target inside a list gets an indexed field path", () => {
  const text = withLines({
    12: "   executor: ramping-arrival-rate",
    13: "   stages:",
    14: "     - { target: 10, duration: 5s }\n     - { target: lots, duration: 5s }",
  });
  const issue = only(text);
  assert.deepEqual([issue.line, issue.column, issue.field, issue.message], [
    15,
    18,
    "load.stages[1].target",
    "must be a number",
  ]);
});

Deno.test("several problems are all reported, in source order", () => {
  const issues = issuesOf(withLines({ 7: "  count: -1", 10: "    holdTime: soon" }, ["seed: x"]));
  assert.deepEqual(issues.map((i) => [i.line, i.field]), [
    [7, "population.count"],
    [10, "workloads[0].holdTime"],
    [18, "seed"],
  ]);
  assert.equal(issues[0].message, "must be >= 1");
});

Deno.test("a misspelt workload kind lists the kinds", () => {
  const issue = only(withLines({ 9: "  - kind: cal" }));
  assert.deepEqual([issue.line, issue.column, issue.field], [9, 11, "workloads[0].kind"]);
  assert.match(
    issue.message,
    /^must be one of call, sign-in, presence, .* \(did you mean call\?\)$/,
  );
});

Deno.test("YAML syntax errors carry line and column", () => {
  const issues = issuesOf(withLines({ 17: "  call_setup_time: [p(95) < 300ms" }));
  assert.ok(issues.length >= 1);
  assert.equal(issues[0].field, "");
  assert.equal(issues[0].file, "s.yaml");
  assert.ok(issues[0].line >= 17, `line ${issues[0].line}`);
});

Deno.test("duplicate keys are syntax errors at the second key", () => {
  const issue = only(withLines({ 14: "   duration: 5s\n   rate: 20" }));
  assert.deepEqual([issue.line, issue.column, issue.field], [15, 4, ""]);
  assert.match(issue.message, /unique/);
});

Deno.test("a malformed threshold expression points at the offending character", () => {
  // "  call_setup_time: [" is 20 characters: the expression starts at column 21.
  const issue = only(withLines({ 17: "  call_setup_time: [p(95) << 300ms]" }));
  assert.equal(issue.field, "thresholds.call_setup_time[0]");
  assert.equal(issue.line, 17);
  assert.equal(issue.column, 21 + "p(95) <".length);
  assert.equal(issue.message, "expected a number");
});

Deno.test("a threshold unit on count is rejected", () => {
  const issue = only(withLines({ 17: '  session_attempts: "count > 10ms"' }));
  assert.equal(issue.field, "thresholds.session_attempts");
  // The value starts at column 21; the expression inside the quotes at 22.
  assert.equal(issue.column, 22 + "count > 10".length);
  assert.match(issue.message, /count takes a plain number/);
});

Deno.test("a bad metric name is reported on the key", () => {
  const issue = only(withLines({ 17: "  call setup: [p(95) < 300ms]" }));
  assert.deepEqual([issue.line, issue.column, issue.field], [17, 3, 'thresholds["call setup"]']);
  assert.match(issue.message, /^must be a metric name like call_setup_time/);
});

Deno.test("a distribution with an unknown kind lists the kinds", () => {
  const issue = only(withLines({ 10: "    holdTime: { distribution: normal, mean: 1s }" }));
  assert.equal(issue.field, "workloads[0].holdTime.distribution");
  assert.equal(
    issue.message,
    "must be one of constant, uniform, exponential, lognormal, poisson",
  );
});

Deno.test("a number where a duration or distribution belongs says both forms", () => {
  const issue = only(withLines({ 10: "    holdTime: 30" }));
  assert.equal(
    issue.message,
    "must be a duration like 30s or a distribution like {distribution: exponential, mean: 30s}",
  );
});

Deno.test("cross-field checks are located too", () => {
  const lognormal = only(withLines({ 10: "    holdTime: { distribution: lognormal, sigma: 1 }" }));
  assert.deepEqual([lognormal.line, lognormal.field], [10, "workloads[0].holdTime"]);
  assert.equal(lognormal.message, "a lognormal needs exactly one of median or mean");

  const uniform = only(
    withLines({ 10: "    holdTime: { distribution: uniform, min: 5s, max: 1s }" }),
  );
  assert.equal(uniform.field, "workloads[0].holdTime.max");
  assert.equal(uniform.message, "must be >= min");

  const tooMany = only(withLines({ 15: "   preAllocatedUsers: 500" }));
  assert.deepEqual([tooMany.line, tooMany.column, tooMany.field], [
    15,
    23,
    "load.preAllocatedUsers",
  ]);
  assert.match(tooMany.message, /500 virtual users exceed population.count \(100\)/);

  const noUas = only(withLines({ 5: "    frontend: {}" }));
  assert.equal(noUas.field, "workloads[0].callee");
  assert.equal(noUas.message, "callee uas needs target.agents.uas with count >= 1");
});

Deno.test("an unknown top-level field", () => {
  const issue = only(withLines({ 16: "thresholdz:" }));
  assert.deepEqual([issue.line, issue.column, issue.field], [16, 1, "thresholdz"]);
  assert.match(
    issue.message,
    /^unknown field \(did you mean thresholds\?\); expected one of: name,/,
  );
});

Deno.test("duplicate workload names", () => {
  const issue = only(withLines({ 10: "    holdTime: 1s\n  - kind: call" }));
  assert.equal(issue.field, "workloads[1].name");
  assert.match(issue.message, /already used by workloads\[0\]/);
});

Deno.test("external target rules: tls only with tls transports, tls-dsk needs tls", () => {
  const external = (lines: string) =>
    withLines({ 3: lines, 4: null, 5: null, 10: "    holdTime: 1s\n    callee: population" });
  const tlsOverUdp = only(external(
    "  kind: external\n  host: sip.example.com\n  domain: example.com\n  tls: { insecure: true }",
  ));
  assert.deepEqual([tlsOverUdp.line, tlsOverUdp.field], [6, "target.tls"]);
  assert.equal(tlsOverUdp.message, "tls settings apply to transport tls or wss, not udp");

  const dsk = only(external(
    "  kind: external\n  host: h\n  domain: d\n  transport: tcp\n  auth: { scheme: tls-dsk }",
  ));
  assert.equal(dsk.field, "target.auth.scheme");
  assert.equal(dsk.message, "tls-dsk needs transport tls (the target uses tcp)");
});

Deno.test("flow problems are located at the step field", () => {
  const flow = [
    "flow:", // 18
    "  steps:", // 19
    "    - send: |", // 20
    "        OPTIONS sip:[service]@[remote_ip] SIP/2.0", // 21
    "        Call-ID: [calid]", // 22
    "        Content-Length: [len]", // 23
    "    - expect: 200", // 24
    "      next: finish", // 25
    "    - label: done", // 26
  ];
  const issues = issuesOf(withLines({}, flow));
  assert.deepEqual(
    issues.map((i) => [i.line, i.column, i.field]),
    [[22, 18, "flow.steps[0].send"], [25, 13, "flow.steps[1].next"]],
  );
  assert.match(issues[0].message, /^unknown keyword \[calid\] \(did you mean call_id\?\)/);
  assert.equal(issues[1].message, "no label 'finish' in this flow; labels: done");
});

Deno.test("an empty document and a non-mapping document", () => {
  assert.equal(only("").message, "must be a mapping of fields (key: value)");
  const list = only("- a\n- b\n");
  assert.deepEqual([list.line, list.column, list.field], [1, 1, ""]);
});

Deno.test("a misspelt executor: the rest of load is still checked, as if corrected", () => {
  const issues = issuesOf(
    withLines({ 12: "   executor: constant-arival-rate", 14: "   duration: 5" }),
  );
  assert.deepEqual(issues.map((i) => [i.line, i.field]), [[12, "load.executor"], [
    14,
    "load.duration",
  ]]);
  // No plausible correction: nothing to check the other fields against.
  const unknown = issuesOf(withLines({ 12: "   executor: banana", 14: "   duration: 5" }));
  assert.deepEqual(unknown.map((i) => i.field), ["load.executor"]);
  assert.doesNotMatch(unknown[0].message, /did you mean/);
});

Deno.test("threshold and flow problems are reported together with schema problems elsewhere", () => {
  const issues = issuesOf(withLines({
    13: "   rate: fast",
    17: "  call_setup_time: [p(95) < 300 parsecs]",
  }, ["flow:", "  steps:", "    - goto: nowhere"]));
  assert.deepEqual(issues.map((i) => [i.line, i.field]), [
    [13, "load.rate"],
    [17, "thresholds.call_setup_time[0]"],
    [20, "flow.steps"],
    [20, "flow.steps[0].goto"],
  ]);
  assert.deepEqual(issues.map((i) => i.message).slice(1), [
    'unexpected unit "parsecs": units are ms, s, m or h',
    "a flow must send or expect at least one message",
    "no label 'nowhere' in this flow",
  ]);
});
