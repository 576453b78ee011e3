import assert from "node:assert/strict";
import { RunDashboard } from "./run_dashboard.ts";

Deno.test("RunDashboard: failed iterations go to the error panel by status and ms-diagnostics code", () => {
  const board = new RunDashboard();
  const fail = board.hooks.onIterationFailed;
  for (const user of ["caller0001", "caller0002"]) {
    fail({
      at: 1_000,
      workload: "call",
      user,
      status: 503,
      reason: "503 Service Unavailable",
      diagnostics: { code: "17000", reason: "Server overloaded" },
    });
  }
  fail({ at: 2_000, workload: "call", user: "caller0003", reason: "no final response" });
  assert.deepEqual(board.errors.counts(), [
    { status: "503", code: "17000", reason: "Server overloaded", count: 2 },
    { status: "none", count: 1 },
  ]);
  assert.deepEqual(board.errors.latest(2), [
    { at: 2_000, status: "none", user: "caller0003", text: "call: no final response" },
    {
      at: 1_000,
      status: "503",
      code: "17000",
      reason: "Server overloaded",
      user: "caller0002",
      text: "call: 503 Service Unavailable",
    },
  ]);
});
