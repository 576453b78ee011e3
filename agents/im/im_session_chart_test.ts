import assert from "node:assert/strict";
import { createActor } from "xstate";
import { assertExecutorAgreesWithChart } from "../../lab/statechart/mod.ts";
import { imSessionChart } from "./im_session_chart.ts";

Deno.test("the compiled executor agrees with the IM session chart on every path", () => {
  const report = assertExecutorAgreesWithChart(imSessionChart, {
    contexts: [{ busy: false }, { busy: true }],
  });
  assert.ok(report.transitionsCovered > 30);
});

Deno.test("IM session chart: messages typed while inviting are queued and flushed on the 200", () => {
  const actions: string[] = [];
  const record = (name: string) => () => void actions.push(name);
  const actor = createActor(
    imSessionChart.provide({
      actions: {
        sendInvite: record("invite"),
        queueMessage: record("queue"),
        sendNextQueued: record("flush"),
        sendUnconfirmedFirst: record("first"),
        recordEstablished: record("established"),
      },
    }),
    { input: { state: "", running: false, mailbox: undefined, busy: false } },
  );
  actor.start();
  actor.send({ type: "START" });
  actor.send({ type: "SEND" });
  actor.send({ type: "ANSWERED" });
  assert.equal(actor.getSnapshot().value, "established");
  assert.deepEqual(actions, ["invite", "queue", "established", "first", "flush"]);
  actor.stop();
});
