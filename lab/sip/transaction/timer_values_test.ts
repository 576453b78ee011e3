import assert from "node:assert/strict";
import {
  DEFAULT_TIMER_CONFIG as DEFAULTS,
  initialInterval,
  nextInterval,
  type TimerName,
} from "./timer_values.ts";

Deno.test("RFC 3261 Appendix A timer values, unreliable and reliable transports", () => {
  const expected: Record<TimerName, [number | undefined, number | undefined]> = {
    A: [500, undefined], // T1, not used over reliable transports
    B: [32_000, 32_000], // 64*T1
    D: [32_000, 0], // > 32 s for UDP, 0 for TCP/SCTP
    E: [500, undefined],
    F: [32_000, 32_000],
    G: [500, undefined],
    H: [32_000, 32_000],
    I: [5_000, 0], // T4 for UDP
    J: [32_000, 0], // 64*T1 for UDP
    K: [5_000, 0], // T4 for UDP
    L: [32_000, 32_000], // RFC 6026: 64*T1
    M: [32_000, 32_000], // RFC 6026: 64*T1
    Trying: [200, 200], // §17.2.1
  };
  for (const [timer, [unreliable, reliable]] of Object.entries(expected)) {
    assert.equal(initialInterval(timer as TimerName, false, DEFAULTS), unreliable, `${timer} UDP`);
    assert.equal(initialInterval(timer as TimerName, true, DEFAULTS), reliable, `${timer} TCP`);
  }
});

Deno.test("Timer D never drops below 32 s, and follows 64*T1 above it", () => {
  assert.equal(initialInterval("D", false, { ...DEFAULTS, t1: 100 }), 32_000);
  assert.equal(initialInterval("D", false, { ...DEFAULTS, t1: 1_000 }), 64_000);
});

Deno.test("retransmission steps: A doubles, E/G double capped at T2, E in Proceeding is T2", () => {
  const walk = (step: "double" | "doubleCappedAtT2") => {
    const out = [500];
    while (out.length < 7) out.push(nextInterval(out[out.length - 1], step, DEFAULTS));
    return out;
  };
  assert.deepEqual(walk("double"), [500, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
  assert.deepEqual(walk("doubleCappedAtT2"), [500, 1_000, 2_000, 4_000, 4_000, 4_000, 4_000]);
  assert.equal(nextInterval(1_000, "T2", DEFAULTS), 4_000);
  assert.equal(nextInterval(1_000, "T2", { ...DEFAULTS, t2: 2_500 }), 2_500);
});
