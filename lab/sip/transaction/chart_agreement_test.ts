/**
 * The hot-path executor must behave exactly like XState on every transaction chart, over both
 * reliable and unreliable transports (lab/statechart's graph walk: every simple path, each
 * extended by every pair of events, actor and executor compared state by state and action by
 * action, every transition taken).
 */
import assert from "node:assert/strict";
import {
  assertExecutorAgreesWithChart,
  ChartExecutor,
  compileChart,
} from "../../statechart/mod.ts";
import { SipRequest, SipResponse } from "../message/message.ts";
import { transactionCharts } from "./charts.ts";

const dummyRequest = new SipRequest("INVITE", "sip:bob@example.com");
const dummyResponse = new SipResponse(200, "OK");

for (const [role, chart] of Object.entries(transactionCharts)) {
  Deno.test(`executor agrees with XState on every path of the ${role} chart`, () => {
    const report = assertExecutorAgreesWithChart(chart, {
      contexts: [{ reliable: false }, { reliable: true }],
      event: (type) => ({
        type,
        request: dummyRequest,
        response: dummyResponse,
        error: "transport failed",
      }),
    });
    assert.ok(report.paths >= 6, `${role}: graph traversal found ${report.paths} paths`);
    assert.ok(report.sequences > 100);
  });
}

Deno.test("every transaction chart compiles, with Terminated final", () => {
  for (const chart of Object.values(transactionCharts)) {
    const compiled = compileChart(chart);
    assert.ok(compiled.transitions.length > 0);
    assert.equal(compiled.states.get("Terminated")?.final, true);
  }
});

Deno.test("the executor's table has exactly the chart's transitions", () => {
  for (const [role, chart] of Object.entries(transactionCharts)) {
    const executor = new ChartExecutor(chart);
    let configured = 0;
    for (const node of Object.values(chart.root.states)) {
      for (const candidates of node.transitions.values()) configured += candidates.length;
    }
    assert.equal(executor.chart.transitions.length, configured, role);
    assert.deepEqual(
      [...executor.chart.states.keys()].sort(),
      Object.keys(chart.root.states).sort(),
      role,
    );
  }
});
