import assert from "node:assert/strict";
import { createActor } from "xstate";
import { assertExecutorAgreesWithChart } from "../../lab/statechart/mod.ts";
import { signInChart, type SignInChartContext, type SignInEvent } from "./sign_in_chart.ts";

Deno.test("executor agrees with XState on every path of the sign-in chart", () => {
  const report = assertExecutorAgreesWithChart(signInChart, {
    contexts: [
      { compression: true, retriesLeft: 1 },
      { compression: true, retriesLeft: 0 },
      { compression: false, retriesLeft: 1 },
      { compression: false, retriesLeft: 0 },
    ],
    extraSteps: 1,
  });
  assert.ok(report.paths >= 20, `${report.paths} paths`);
});

function walk(context: Partial<SignInChartContext>, events: SignInEvent["type"][]): string {
  const actor = createActor(signInChart, {
    input: {
      state: "",
      running: false,
      mailbox: undefined,
      compression: false,
      retriesLeft: 0,
      ...context,
    },
  });
  actor.start();
  for (const type of events) actor.send({ type } as SignInEvent);
  const value = String(actor.getSnapshot().value);
  actor.stop();
  return value;
}

Deno.test("sign-in: connect, NTLM legs, registered, provisioned → online", () => {
  assert.equal(
    walk({}, ["SIGN_IN", "CONNECTED", "CHALLENGED", "CHALLENGED", "REGISTERED", "PROVISIONED"]),
    "online",
  );
});

Deno.test("sign-in negotiates compression first when asked (MS-CONMGMT §1 ordering)", () => {
  assert.equal(walk({ compression: true }, ["SIGN_IN", "CONNECTED"]), "negotiating");
  assert.equal(walk({ compression: true }, ["SIGN_IN", "CONNECTED", "NEGOTIATED"]), "registering");
});

Deno.test("a dropped connection reconnects while retries are left, else fails", () => {
  const online = ["SIGN_IN", "CONNECTED", "REGISTERED", "PROVISIONED"] as const;
  assert.equal(walk({ retriesLeft: 2 }, [...online, "CONNECTION_LOST"]), "reconnecting");
  assert.equal(
    walk({ retriesLeft: 2 }, [...online, "CONNECTION_LOST", "BACKOFF_ELAPSED", "CONNECTED"]),
    "registering",
  );
  assert.equal(walk({ retriesLeft: 0 }, [...online, "CONNECTION_LOST"]), "failed");
});

Deno.test("sign-out unregisters, refresh re-registers, deregistration NOTIFY ends or moves", () => {
  const online = ["SIGN_IN", "CONNECTED", "REGISTERED", "PROVISIONED"] as const;
  assert.equal(walk({}, [...online, "SIGN_OUT", "UNREGISTERED"]), "signedOut");
  assert.equal(walk({}, [...online, "REFRESH_DUE", "CHALLENGED", "REGISTERED"]), "online");
  assert.equal(walk({}, [...online, "DEREGISTERED"]), "failed");
  assert.equal(walk({}, [...online, "MOVED"]), "reconnecting");
  assert.equal(walk({}, ["SIGN_IN", "CONNECTED", "REJECTED"]), "failed");
  assert.equal(walk({}, ["SIGN_IN", "CONNECTED", "REDIRECTED", "CONNECTED"]), "registering");
});
