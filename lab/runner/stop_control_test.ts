import assert from "node:assert/strict";
import { runExitCode } from "./run_outcome.ts";
import { StopControl } from "./stop_control.ts";

Deno.test("stop requests keep the first reason; immediate only turns on", async () => {
  const control = new StopControl();
  const woken = control.nextChange();
  control.stop("thresholds", false);
  await woken;
  control.stop("interrupted", true);
  control.stop("error", false);
  assert.deepEqual(control.request, { reason: "thresholds", immediate: true });
});

Deno.test("an abort signal is an interrupt: graceful, announced once", () => {
  const announced: boolean[] = [];
  const controller = new AbortController();
  const control = new StopControl();
  const detach = control.listen({ signal: controller.signal }, (now) => announced.push(now));
  controller.abort();
  assert.deepEqual(control.request, { reason: "interrupted", immediate: false });
  detach();
  const early = new StopControl();
  early.listen({ signal: controller.signal }, (now) => announced.push(now))();
  assert.deepEqual(early.request, { reason: "interrupted", immediate: false });
  assert.deepEqual(announced, [false, false]);
});

Deno.test("exit codes: error, then interruption, then thresholds", () => {
  const passed = { failed: false, thresholdsPassed: true };
  assert.equal(runExitCode("completed", passed), 0);
  assert.equal(runExitCode("max-duration", passed), 0);
  assert.equal(runExitCode("completed", { ...passed, thresholdsPassed: false }), 99);
  assert.equal(runExitCode("thresholds", passed), 99);
  assert.equal(runExitCode("interrupted", { ...passed, thresholdsPassed: false }), 130);
  assert.equal(runExitCode("interrupted", { ...passed, failed: true }), 1);
  assert.equal(runExitCode("error", passed), 1);
});
