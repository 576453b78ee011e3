import assert from "node:assert/strict";
import { createActor } from "xstate";
import { SipResponse } from "../../../lab/sip/message/mod.ts";
import { assertExecutorAgreesWithChart } from "../../../lab/statechart/mod.ts";
import { responseContextChart } from "./response_context_chart.ts";

const STATUS: Record<string, number> = {
  TRYING: 100,
  PROVISIONAL: 180,
  SUCCESS: 200,
  LAST_SUCCESS: 200,
  SUCCESS_AGAIN: 200,
  GLOBAL_FAILURE: 603,
  LAST_GLOBAL_FAILURE: 603,
  FAILURE: 486,
  LAST_FAILURE: 486,
};

function event(type: string) {
  const status = STATUS[type];
  if (status === undefined) return { type, branch: 0 } as never;
  return { type, branch: 0, response: new SipResponse(status, "x"), local: false } as never;
}

Deno.test("the compiled executor agrees with the proxy response context chart on every path", () => {
  const report = assertExecutorAgreesWithChart(responseContextChart, {
    contexts: [{ invite: true, pending: 2 }, { invite: false, pending: 2 }],
    event,
  });
  assert.ok(report.transitionsCovered > 20);
});

Deno.test("response context: an INVITE 2xx cancels the others and later 2xx still go upstream", () => {
  const actions: string[] = [];
  const record = (name: string) => () => void actions.push(name);
  const chart = responseContextChart.provide({
    actions: {
      forwardResponse: record("forward"),
      cancelOthers: record("cancelOthers"),
      recordFinal: record("record"),
    },
  });
  const actor = createActor(chart, {
    input: { state: "", running: false, mailbox: undefined, invite: true, pending: 2 },
  });
  actor.start();
  actor.send(event("PROVISIONAL"));
  actor.send(event("SUCCESS"));
  assert.equal(actor.getSnapshot().value, "accepted");
  actor.send(event("SUCCESS_AGAIN"));
  assert.deepEqual(actions, ["forward", "record", "forward", "cancelOthers", "forward"]);
  actor.stop();
});
