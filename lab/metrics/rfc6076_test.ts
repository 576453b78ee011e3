import assert from "node:assert/strict";
import { MetricsRegistry } from "./registry.ts";

function ratioOf(registry: MetricsRegistry, name: string): number | undefined {
  return registry.metricView(name)?.value;
}

function assertClose(actual: number | undefined, expected: number): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
}

/** Ten INVITEs: six answered 200, one 302, one 486, one 503, one without final response. */
function tenCalls(): MetricsRegistry {
  const r = new MetricsRegistry();
  const kpi = r.kpi;
  for (let i = 0; i < 10; i++) kpi.sessionAttempt();
  for (let i = 0; i < 6; i++) {
    kpi.sessionRequestDelay(40 + i);
    kpi.sessionEstablished(1_000 + 100 * i);
  }
  kpi.sessionFailed(302);
  kpi.sessionRequestDelay(15);
  kpi.sessionFailed(486);
  kpi.sessionFailed(503);
  kpi.sessionFailed("timeout");
  for (let i = 0; i < 5; i++) kpi.sessionEnded({ durationMs: 30_000, disconnectDelayMs: 5 });
  // The sixth BYE got no answer: the session ended but did not complete (§4.9).
  kpi.sessionEnded({ durationMs: 30_000, completed: false });
  return r;
}

Deno.test("SER excludes 3xx from the denominator (RFC 6076 §4.6)", () => {
  assertClose(ratioOf(tenCalls(), "session_establishment_ratio"), 6 / 9);
});

Deno.test("SEER counts 200/480/486/600/603 as effective (RFC 6076 §4.7)", () => {
  assertClose(ratioOf(tenCalls(), "session_establishment_effectiveness_ratio"), 7 / 9);
});

Deno.test("ISA counts 408/500/503/504 and missing final responses (RFC 6076 §4.8)", () => {
  assertClose(ratioOf(tenCalls(), "ineffective_session_attempts"), 2 / 10);
});

Deno.test("SCR counts established sessions whose BYE completed (RFC 6076 §4.9)", () => {
  assertClose(ratioOf(tenCalls(), "session_completion_ratio"), 5 / 10);
});

Deno.test("the failure ratio counts every non-2xx, non-3xx outcome", () => {
  const r = tenCalls();
  assertClose(ratioOf(r, "session_failure_ratio"), 3 / 10);
  assert.equal(r.metricView("session_failures")?.count, 3);
  assert.equal(r.metricView("session_failures{status:486}")?.count, 1);
  assert.equal(r.metricView("session_failures{status:timeout}")?.count, 1);
  assert.equal(r.metricView("sessions_redirected")?.count, 1);
});

Deno.test("delays land in their HDR histograms: SRD, setup time, SDT, SDD", () => {
  const r = tenCalls();
  assert.equal(r.metricView("session_request_delay")?.count, 7);
  assert.equal(r.metricView("session_request_delay")?.min, 15);
  assert.equal(r.metricView("call_setup_time")?.count, 6);
  assert.equal(r.metricView("call_setup_time")?.max, 1_500);
  assert.equal(r.metricView("session_duration")?.count, 6);
  assert.equal(r.metricView("session_disconnect_delay")?.count, 5);
});

Deno.test("IRA counts only timeouts, transport failures and 408/500/503/504 (RFC 6076 §4.2)", () => {
  const r = new MetricsRegistry();
  for (let i = 0; i < 5; i++) r.kpi.registrationAttempt();
  r.kpi.registrationCompleted(80);
  r.kpi.registrationCompleted(120);
  r.kpi.registrationFailed(503);
  r.kpi.registrationFailed("transport");
  r.kpi.registrationFailed(403);
  assertClose(ratioOf(r, "ineffective_registration_attempts"), 2 / 5);
  assert.equal(r.metricView("registration_request_delay")?.count, 2);
  assert.equal(r.metricView("registration_request_delay")?.avg, 100);
  assert.equal(r.metricView("registration_failures{status:403}")?.count, 1);
});

Deno.test("ratios are undefined before any attempt", () => {
  const r = new MetricsRegistry();
  const view = r.metricView("session_establishment_ratio");
  assert.equal(view?.kind, "ratio");
  assert.equal(view?.rate, undefined);
  assert.equal(view?.count, 0);
});

Deno.test("derived KPI ratios cannot be recorded directly", () => {
  const r = new MetricsRegistry();
  assert.throws(() => r.ratio("session_establishment_ratio").add(true), TypeError);
});
