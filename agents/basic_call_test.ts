import assert from "node:assert/strict";
import { assertExecutorAgreesWithChart } from "../lab/statechart/mod.ts";
import { TimerWheel } from "../lab/sip/timer/mod.ts";
import type { TransportProtocol } from "../lab/sip/transport/mod.ts";
import { basicCallUacChart } from "./uac/basic_call_chart.ts";
import { basicCallUasChart } from "./uas/basic_call_chart.ts";
import { BasicCaller, type CallOutcome } from "./uac/caller.ts";
import { UasAgent } from "./uas/uas_agent.ts";

Deno.test("the compiled executor agrees with the UAC call chart on every path", () => {
  const report = assertExecutorAgreesWithChart(basicCallUacChart);
  assert.ok(report.transitionsCovered > 10);
});

Deno.test("the compiled executor agrees with the UAS call chart on every path", () => {
  const report = assertExecutorAgreesWithChart(basicCallUasChart);
  assert.ok(report.transitionsCovered > 8);
});

async function placeCalls(protocol: TransportProtocol, calls: number, ringTimeMs: number) {
  const wheel = new TimerWheel();
  const uas = await UasAgent.start({
    listen: { protocol, host: "127.0.0.1", port: 0 },
    wheel,
    ringTimeMs: () => ringTimeMs,
  });
  const caller = await BasicCaller.start({
    listen: { protocol, host: "127.0.0.1", port: 0 },
    target: uas.address,
    holdTimeMs: () => 5,
    wheel,
  });
  try {
    const outcomes = await Promise.all(
      Array.from(
        { length: calls },
        (_, i) =>
          new Promise<CallOutcome>((resolve) =>
            caller.call({ aor: `sip:user${i}@lab.test`, displayName: `User ${i}` }, resolve)
          ),
      ),
    );
    return { outcomes, uas: { ...uas.counts }, callerActive: caller.active };
  } finally {
    await caller.stop();
    await uas.stop();
    wheel.stop();
  }
}

for (const protocol of ["udp", "tcp"] as const) {
  Deno.test(`lab UAC places 50 calls to the lab UAS over ${protocol}: all complete`, async () => {
    const { outcomes, uas, callerActive } = await placeCalls(protocol, 50, 2);
    assert.equal(
      outcomes.filter((o) => o.ok).length,
      50,
      JSON.stringify(outcomes.find((o) => !o.ok)),
    );
    assert.ok(outcomes.every((o) => o.status === 200 && (o.setupMs ?? -1) >= 0));
    assert.deepEqual(uas, {
      received: 50,
      answered: 50,
      completed: 50,
      cancelled: 0,
      failed: 0,
      refused: 0,
      active: 0,
    });
    assert.equal(callerActive, 0);
  });
}

Deno.test("a call to a port where nothing answers fails with a locally made 503 or 408", async () => {
  const wheel = new TimerWheel();
  const caller = await BasicCaller.start({
    listen: { protocol: "tcp", host: "127.0.0.1", port: 0 },
    target: { protocol: "tcp", host: "127.0.0.1", port: 9 },
    holdTimeMs: () => 0,
    wheel,
  });
  try {
    const outcome = await new Promise<CallOutcome>((resolve) =>
      caller.call({ aor: "sip:a@lab.test" }, resolve)
    );
    assert.equal(outcome.ok, false);
    assert.ok(outcome.status === 503 || outcome.status === 408, String(outcome.status));
  } finally {
    await caller.stop();
    wheel.stop();
  }
});
