import assert from "node:assert/strict";
import { MetricsRegistry } from "../../lab/metrics/mod.ts";
import { compileFlow, type FlowProgram } from "../../lab/scenario/mod.ts";
import { FlowMetrics, stepLabel } from "./flow_metrics.ts";
import { newBranch, newCallId, newTag } from "./identifiers.ts";
import { localHostFor } from "./local_host.ts";

function program(): FlowProgram {
  const compiled = compileFlow({
    vars: { m: "INFO" },
    maxSteps: 100,
    steps: [
      { kind: "send", template: "INVITE sip:x SIP/2.0\n" },
      { kind: "expect", expect: "1xx", optional: true, captures: [] },
      { kind: "expect", expect: 200, optional: false, captures: [] },
      { kind: "send", template: "[$m] sip:x SIP/2.0\n" },
      { kind: "label", name: "end" },
      { kind: "expect", expect: "BYE", optional: false, captures: [] },
      { kind: "send", template: "SIP/2.0 200 OK\n" },
    ],
  });
  assert.ok(compiled.ok);
  return compiled.program;
}

Deno.test("step labels: index, then method, status or expectation", () => {
  const p = program();
  assert.deepEqual(p.steps.map((_, i) => stepLabel(p, i)), [
    "0:INVITE",
    "1:1xx",
    "2:200",
    "3:send",
    "4:label",
    "5:BYE",
    "6:200",
  ]);
});

Deno.test("FlowMetrics makes one series per expect (latency) and send (retransmissions)", () => {
  const registry = new MetricsRegistry();
  const metrics = new FlowMetrics(registry, "f", program());
  metrics.responseTime(2)!.record(12);
  metrics.retransmissions(0)!.inc();
  metrics.outcome("timeout").inc();
  metrics.outcome("timeout").inc();
  assert.equal(metrics.responseTime(0), undefined);
  assert.equal(metrics.retransmissions(2), undefined);
  assert.equal(registry.metricView("flow_response_time{step:2:200}")?.count, 1);
  assert.equal(registry.metricView("flow_retransmissions{flow:f,step:0:INVITE}")?.count, 1);
  assert.equal(registry.metricView("flow_outcomes{outcome:timeout}")?.count, 2);
  assert.equal(registry.metricView("flow_stray_messages{flow:f}")?.count, 0);
});

Deno.test("identifiers: branches carry the RFC 3261 magic cookie; all are fresh", () => {
  assert.match(newBranch(), /^z9hG4bK[0-9a-f]{16}$/);
  assert.notEqual(newBranch(), newBranch());
  assert.match(newTag(), /^[0-9a-f]{16}$/);
  assert.match(newCallId(42, "127.0.0.1"), /^[0-9a-f]{20}-42@127\.0\.0\.1$/);
});

Deno.test("a loopback target is reached from the loopback address of its family", () => {
  assert.equal(localHostFor("127.0.0.1"), "127.0.0.1");
  assert.equal(localHostFor("127.0.0.9"), "127.0.0.1");
  assert.equal(localHostFor("localhost"), "127.0.0.1");
  assert.equal(localHostFor("[::1]"), "::1");
});
