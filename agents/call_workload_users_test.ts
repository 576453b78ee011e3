import assert from "node:assert/strict";
import { CallUserLog } from "./call_workload_users.ts";

Deno.test("CallUserLog: a user's last calls, newest last, with status and setup time", () => {
  let now = 1_000;
  const log = new CallUserLog({ callsPerUser: 3, clock: () => now });
  const first = log.started("caller0001");
  assert.equal(log.inspect("caller0001")?.state, "in call");
  assert.deepEqual(log.inspect("caller0001")?.recent.transactions, [
    { at: 1_000, method: "INVITE", direction: "out" },
  ]);
  log.ended("caller0001", first, { ok: true, status: 200, setupMs: 42 });
  for (
    const [at, end] of [
      [2_000, { ok: false, status: 486, reason: "486 Busy Here" }],
      [3_000, { ok: false, reason: "no final response" }],
      [4_000, { ok: true, status: 200, setupMs: 7 }],
    ] as const
  ) {
    now = at;
    log.ended("caller0001", log.started("caller0001"), end);
  }
  const detail = log.inspect("caller0001");
  assert.equal(detail?.state, "idle");
  assert.equal(detail?.machine, "uacCall");
  // Three kept: the first call fell out of the ring.
  assert.deepEqual(detail?.recent.transactions, [
    { at: 2_000, method: "INVITE", direction: "out", status: 486 },
    { at: 3_000, method: "INVITE (no final response)", direction: "out" },
    { at: 4_000, method: "INVITE", direction: "out", status: 200, durationMs: 7 },
  ]);
  assert.deepEqual(detail?.recent.messages, []);
  assert.equal(log.inspect("caller0002"), undefined);
});

Deno.test("CallUserLog: users in a call listed first; idle users bounded, oldest dropped", () => {
  const log = new CallUserLog({ idleUsers: 3 });
  const calls = new Map<string, ReturnType<CallUserLog["started"]>>();
  for (let i = 1; i <= 6; i++) calls.set(`u${i}`, log.started(`u${i}`));
  assert.equal(log.size, 6); // users in a call are all kept
  for (const id of ["u1", "u2", "u3", "u4"]) log.ended(id, calls.get(id)!, { ok: true });
  // Idle: u1 dropped to keep three; u4 the most recent.
  assert.equal(log.size, 5);
  assert.equal(log.inspect("u1"), undefined);
  assert.deepEqual(log.list(10), ["u5", "u6", "u4", "u3", "u2"]);
  assert.deepEqual(log.list(3), ["u5", "u6", "u4"]);
  // Two calls of one user at once: in a call until both end.
  const again = log.started("u5");
  log.ended("u5", calls.get("u5")!, { ok: true });
  assert.equal(log.inspect("u5")?.state, "in call");
  log.ended("u5", again, { ok: true });
  assert.equal(log.inspect("u5")?.state, "idle");
  assert.throws(() => new CallUserLog({ callsPerUser: 0 }), RangeError);
});
