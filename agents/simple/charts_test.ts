import assert from "node:assert/strict";
import { createActor } from "xstate";
import { assertExecutorAgreesWithChart } from "../../lab/statechart/mod.ts";
import { registrationChart } from "./registration_chart.ts";
import { publicationChart } from "./publication_chart.ts";

Deno.test("the compiled executor agrees with the registration chart on every path", () => {
  const report = assertExecutorAgreesWithChart(registrationChart);
  assert.ok(report.transitionsCovered >= 20, JSON.stringify(report));
});

Deno.test("the compiled executor agrees with the publication chart on every path", () => {
  const report = assertExecutorAgreesWithChart(publicationChart);
  assert.ok(report.transitionsCovered >= 25, JSON.stringify(report));
});

Deno.test("registration chart: challenge, refresh, unregister; a refused challenge fails", () => {
  const run = (...events: string[]) => {
    const actor = createActor(registrationChart, {
      input: { state: "", running: false, mailbox: undefined },
    });
    actor.start();
    for (const type of events) actor.send({ type } as never);
    const value = actor.getSnapshot().value;
    actor.stop();
    return value;
  };
  assert.equal(run("REGISTER", "CHALLENGE_ANSWERED", "OK"), "registered");
  assert.equal(run("REGISTER", "OK", "REFRESH_DUE", "CHALLENGE_ANSWERED", "OK"), "registered");
  assert.equal(run("REGISTER", "OK", "UNREGISTER", "OK"), "unregistered");
  // RFC 3261 §22.1: credentials rejected after the retry: no further attempt.
  assert.equal(run("REGISTER", "CHALLENGE_ANSWERED", "CHALLENGE_REFUSED"), "failed");
});

Deno.test("publication chart: 412 publishes afresh; a change waits for the 2xx", () => {
  const run = (...events: string[]) => {
    const actor = createActor(publicationChart, {
      input: { state: "", running: false, mailbox: undefined },
    });
    actor.start();
    for (const type of events) actor.send({ type } as never);
    const value = actor.getSnapshot().value;
    actor.stop();
    return value;
  };
  assert.equal(
    run("PUBLISH", "ACCEPTED", "REFRESH_DUE", "PRECONDITION_FAILED"),
    "publishing",
  );
  assert.equal(run("PUBLISH", "MODIFY", "ACCEPTED", "MODIFY"), "modifying");
  assert.equal(
    run("PUBLISH", "ACCEPTED", "MODIFY", "ACCEPTED", "REMOVE", "ACCEPTED"),
    "removed",
  );
});
