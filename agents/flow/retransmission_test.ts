import assert from "node:assert/strict";
import { RetransmitSchedule, type RetransmitSettings } from "./retransmission.ts";

/** RFC 3261 defaults: T1 = 500 ms, T2 = 4 s, 64·T1 = 32 s. */
const RFC: RetransmitSettings = { t1Ms: 500, t2Ms: 4000, timeoutMs: 32_000 };

/** Send times of every retransmission before the deadline, copying as each falls due. */
function sendTimes(schedule: RetransmitSchedule): number[] {
  const times: number[] = [];
  for (;;) {
    const due = schedule.nextDueAt;
    if (due === undefined || due >= schedule.deadlineAt!) return times;
    times.push(due);
    schedule.retransmitted(due);
  }
}

Deno.test("INVITE over UDP: Timer A doubles without a cap until Timer B (RFC 3261 §17.1.1.2)", () => {
  const schedule = new RetransmitSchedule("invite", RFC, 0, true);
  // 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s: the seven transmissions of RFC 3261 §17.1.1.2.
  assert.deepEqual(sendTimes(schedule), [500, 1500, 3500, 7500, 15_500, 31_500]);
  assert.equal(schedule.deadlineAt, 32_000);
  assert.equal(schedule.count, 6);
});

Deno.test("non-INVITE over UDP: Timer E doubles up to T2 until Timer F (§17.1.2.2)", () => {
  const schedule = new RetransmitSchedule("non-invite", RFC, 1000, true);
  assert.deepEqual(sendTimes(schedule), [
    1500,
    2500,
    4500,
    8500,
    12_500,
    16_500,
    20_500,
    24_500,
    28_500,
    32_500,
  ]);
  // Eleven transmissions in all before Timer F fires at 64·T1.
  assert.equal(schedule.count, 10);
  assert.equal(schedule.deadlineAt, 33_000);
});

Deno.test("a final response to INVITE is re-sent like a 2xx: doubling up to T2 (§13.3.1.4)", () => {
  const schedule = new RetransmitSchedule("final-response", RFC, 0, true);
  assert.deepEqual(sendTimes(schedule).slice(0, 5), [500, 1500, 3500, 7500, 11_500]);
});

Deno.test("a provisional stops INVITE retransmissions and Timer B (Proceeding)", () => {
  const schedule = new RetransmitSchedule("invite", RFC, 0, true);
  schedule.retransmitted(500);
  schedule.provisional();
  assert.equal(schedule.nextDueAt, undefined);
  assert.equal(schedule.deadlineAt, undefined);
});

Deno.test("a provisional makes non-INVITE Timer E T2 from its next firing; Timer F stays", () => {
  const schedule = new RetransmitSchedule("non-invite", RFC, 0, true);
  schedule.provisional();
  // The running Timer E still fires at T1, then every T2.
  assert.equal(schedule.nextDueAt, 500);
  schedule.retransmitted(500);
  assert.equal(schedule.nextDueAt, 4500);
  schedule.retransmitted(4500);
  assert.equal(schedule.nextDueAt, 8500);
  assert.equal(schedule.deadlineAt, 32_000);
});

Deno.test("over a reliable transport nothing is re-sent, but the deadline holds", () => {
  const schedule = new RetransmitSchedule("invite", RFC, 100, false);
  assert.equal(schedule.nextDueAt, undefined);
  assert.equal(schedule.deadlineAt, 32_100);
});

Deno.test("maxRetransmissions marks the schedule exhausted once reached", () => {
  const schedule = new RetransmitSchedule("invite", { ...RFC, maxRetransmissions: 2 }, 0, true);
  assert.equal(schedule.exhausted, false);
  schedule.retransmitted(500);
  assert.equal(schedule.exhausted, false);
  schedule.retransmitted(1500);
  assert.equal(schedule.exhausted, true);
  assert.equal(new RetransmitSchedule("invite", RFC, 0, true).exhausted, false);
});
