import assert from "node:assert/strict";
import {
  captureVariables,
  compileFlow,
  expectationMatches,
  type FlowDefinition,
  type FlowProgram,
  type FlowStep,
  type FlowStepDefinition,
  matchIncoming,
  parseExpectMatch,
  shouldJump,
} from "./flow.ts";
import type { PathIssue } from "./errors.ts";

const send = (template: string): FlowStepDefinition => ({ kind: "send", template });
const expect = (
  value: number | string,
  extra: Partial<Extract<FlowStepDefinition, { kind: "expect" }>> = {},
): FlowStepDefinition => ({
  kind: "expect",
  expect: value,
  optional: false,
  captures: [],
  ...extra,
});

function flow(steps: FlowStepDefinition[], vars: Record<string, string> = {}): FlowDefinition {
  return { steps, vars, maxSteps: 100 };
}

function program(definition: FlowDefinition): FlowProgram {
  const result = compileFlow(definition);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.program;
}

function issues(definition: FlowDefinition): PathIssue[] {
  const result = compileFlow(definition);
  assert.equal(result.ok, false, "expected the flow to be rejected");
  return result.ok ? [] : [...result.issues];
}

/** A UAC call flow the way SIPp's uac scenario goes, with a capture and a conditional exit. */
const CALL: FlowStepDefinition[] = [
  send("INVITE sip:[service]@[remote_ip] SIP/2.0\nCall-ID: [call_id]\nContent-Length: [len]\n"),
  expect(100, { optional: true }),
  expect(180, { optional: true }),
  expect("2xx", {
    timeoutMs: 5000,
    onTimeout: "give-up",
    captures: [
      { var: "to_tag", regex: ";tag=([^;>]+)", header: "To" },
      { var: "status", regex: "^SIP/2\\.0 (\\d+)" },
    ],
  }),
  send("ACK sip:[service]@[remote_ip] SIP/2.0\nTo: <sip:x>;tag=[$to_tag]\nContent-Length: [len]\n"),
  { kind: "pause", duration: { kind: "constant", value: 1000 } },
  { kind: "goto", label: "end", condition: { var: "status", matches: "^2" } },
  { kind: "label", name: "give-up" },
  send("CANCEL sip:[service]@[remote_ip] SIP/2.0\nContent-Length: [len]\n"),
  { kind: "label", name: "end" },
];

Deno.test("a valid call flow compiles: labels resolved, regexes compiled, groups defaulted", () => {
  const compiled = program(flow(CALL));
  assert.deepEqual([...compiled.labels], [["give-up", 7], ["end", 9]]);
  const ok = compiled.steps[3];
  assert.ok(ok.kind === "expect");
  if (ok.kind !== "expect") return;
  assert.deepEqual(ok.match, { kind: "class", hundreds: 2 });
  assert.equal(ok.onTimeout, 7);
  assert.deepEqual(ok.captures.map((c) => [c.var, c.header, c.group]), [
    ["to_tag", "To", 1],
    ["status", undefined, 1],
  ]);
  const jump = compiled.steps[6];
  assert.ok(jump.kind === "goto" && jump.target === 9);
});

Deno.test("validation: unknown labels, duplicates, undefined variables, unknown keywords", () => {
  const found = issues(flow([
    send("OPTIONS sip:[servce]@x SIP/2.0\nX: [$later]\nContent-Length: [len]\n"),
    expect(200, { next: "dne", captures: [{ var: "later", regex: "x" }] }),
    { kind: "label", name: "done" },
    { kind: "label", name: "done" },
    { kind: "goto", label: "done", condition: { var: "ghost", matches: "." } },
  ]));
  assert.deepEqual(found, [
    {
      path: ["steps", 3, "label"],
      message: "label 'done' is already defined at steps[2]",
    },
    {
      path: ["steps", 0, "send"],
      offset: 12,
      message:
        "unknown keyword [servce] (did you mean service?); keywords: call_id, call_number, " +
        "cseq, branch, from_tag, peer_tag_param, local_ip, local_port, remote_ip, remote_port, " +
        "transport, service, user, domain, media_ip, media_port, len, [$var], [last_Header]",
    },
    {
      path: ["steps", 0, "send"],
      offset: 34,
      message: "variable $later is used before any step defines it (define it in vars or capture " +
        "it in an earlier expect)",
    },
    {
      path: ["steps", 1, "next"],
      message: "no label 'dne' in this flow (did you mean done?); labels: done",
    },
    {
      path: ["steps", 4, "if", "var"],
      message: "variable $ghost is used before any step defines it (define it in vars or capture " +
        "it in an earlier expect)",
    },
  ]);
});

Deno.test("validation: variables from vars count as defined", () => {
  program(flow([send("MESSAGE sip:x SIP/2.0\nSubject: [$greeting]\n")], { greeting: "hi" }));
});

Deno.test("validation: regex errors and capture groups that do not exist", () => {
  const found = issues(flow([
    send("X"),
    expect(200, {
      captures: [
        { var: "a", regex: "(unclosed" },
        { var: "b", regex: "tag=(\\w+)", group: 2 },
      ],
    }),
  ]));
  assert.equal(found.length, 2);
  assert.deepEqual(found[0].path, ["steps", 1, "capture", 0, "regex"]);
  assert.match(found[0].message, /^not a valid regular expression: /);
  assert.deepEqual(found[1], {
    path: ["steps", 1, "capture", 1, "group"],
    message: "group 2 does not exist: the regex has 1 group(s)",
  });
});

Deno.test("validation: loops must be bounded; onTimeout needs timeout; optional needs a next expect", () => {
  const found = issues(flow([
    { kind: "label", name: "top" },
    send("X"),
    expect(200, { onTimeout: "top" }),
    expect(180, { optional: true }),
    { kind: "goto", label: "top" },
  ]));
  assert.deepEqual(found.map((i) => [i.path.join("."), i.message]), [
    ["steps.2.onTimeout", "onTimeout needs a timeout on this step"],
    ["steps.3.optional", "an optional expect must be followed by another expect step"],
    [
      "steps.4.goto",
      "an unconditional jump back to 'top' loops forever; add limit: N or an if condition",
    ],
  ]);
  // With a limit the same loop is fine.
  program(flow([
    { kind: "label", name: "top" },
    send("X"),
    { kind: "goto", label: "top", limit: 3 },
  ]));
});

Deno.test("validation: [last_*] needs an earlier expect; [len] only in headers; flows must do something", () => {
  const found = issues(flow([
    send("SIP/2.0 200 OK\n[last_Via:]\nContent-Length: [len]\n\nbody [len]\n"),
  ]));
  assert.deepEqual(found.map((i) => [i.offset, i.message]), [
    [15, "[last_Via:] copies from the last received message: put an expect step before this send"],
    [55, "[len] belongs in the headers, not the body"],
  ]);
  assert.deepEqual(issues(flow([{ kind: "pause", duration: { kind: "constant", value: 1 } }])), [
    { path: ["steps"], message: "a flow must send or expect at least one message" },
  ]);
});

Deno.test("expect values and matching", () => {
  assert.deepEqual(parseExpectMatch(183), { kind: "status", status: 183 });
  assert.deepEqual(parseExpectMatch("4xx"), { kind: "class", hundreds: 4 });
  assert.deepEqual(parseExpectMatch("BYE"), { kind: "method", method: "BYE" });
  const response = (status: number) => ({ kind: "response" as const, status });
  const request = (method: string) => ({ kind: "request" as const, method });
  assert.equal(expectationMatches(parseExpectMatch(183), response(183)), true);
  assert.equal(expectationMatches(parseExpectMatch(183), response(180)), false);
  assert.equal(expectationMatches(parseExpectMatch("1xx"), response(199)), true);
  assert.equal(expectationMatches(parseExpectMatch("1xx"), response(200)), false);
  assert.equal(expectationMatches(parseExpectMatch("BYE"), request("BYE")), true);
  assert.equal(expectationMatches(parseExpectMatch("BYE"), request("bye")), false);
  assert.equal(expectationMatches(parseExpectMatch("BYE"), response(200)), false);
});

Deno.test("matchIncoming: optional expects are skipped up to the first mandatory one", () => {
  const compiled = program(flow(CALL));
  const response = (status: number) => ({ kind: "response" as const, status });
  assert.equal(matchIncoming(compiled, 1, response(100)), 1);
  assert.equal(matchIncoming(compiled, 1, response(180)), 2);
  assert.equal(matchIncoming(compiled, 1, response(200)), 3);
  assert.equal(matchIncoming(compiled, 2, response(100)), undefined); // already past it
  assert.equal(matchIncoming(compiled, 1, response(486)), undefined); // 2xx is mandatory
  assert.equal(matchIncoming(compiled, 0, response(100)), undefined); // at a send step
  assert.equal(matchIncoming(compiled, 3, { kind: "request", method: "BYE" }), undefined);
});

const OK = "SIP/2.0 200 OK\r\n" +
  "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1\r\n" +
  "From: <sip:a@x>;tag=111\r\n" +
  "t: <sip:b@x>;tag=8321234356\r\n" +
  "Call-ID: c1\r\n" +
  "CSeq: 1 INVITE\r\n" +
  "Content-Length: 0\r\n\r\n";

Deno.test("captures: from a header (compact form too), from the whole message, missing ones", () => {
  const compiled = program(flow(CALL));
  const step = compiled.steps[3] as Extract<FlowStep, { kind: "expect" }>;
  assert.deepEqual(captureVariables(step.captures, OK), {
    values: { to_tag: "8321234356", status: "200" },
    missing: [],
  });
  const noTag = OK.replace(";tag=8321234356", "");
  assert.deepEqual(captureVariables(step.captures, noTag), {
    values: { status: "200" },
    missing: ["to_tag"],
  });
  const whole = program(
    flow([send("X"), expect(200, { captures: [{ var: "m", regex: "CSeq: \\d+ \\w+" }] })]),
  );
  const wholeStep = whole.steps[1] as Extract<FlowStep, { kind: "expect" }>;
  assert.deepEqual(captureVariables(wholeStep.captures, OK).values, { m: "CSeq: 1 INVITE" });
});

Deno.test("shouldJump: conditions and limits", () => {
  const compiled = program(flow([
    send("X"),
    expect(200, { captures: [{ var: "status", regex: "(\\d+)" }] }),
    { kind: "goto", label: "x", condition: { var: "status", matches: "^4" } },
    { kind: "label", name: "x" },
    { kind: "goto", label: "x", limit: 2 },
  ]));
  const conditional = compiled.steps[2] as Extract<FlowStep, { kind: "goto" }>;
  assert.equal(shouldJump(conditional, { status: "486" }, 0), true);
  assert.equal(shouldJump(conditional, { status: "200" }, 0), false);
  assert.equal(shouldJump(conditional, {}, 0), false);
  const limited = compiled.steps[4] as Extract<FlowStep, { kind: "goto" }>;
  assert.deepEqual([0, 1, 2].map((taken) => shouldJump(limited, {}, taken)), [true, true, false]);
});
