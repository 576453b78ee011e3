import assert from "node:assert/strict";
import { TimerWheel } from "./timer_wheel.ts";

Deno.test("virtual wheel fires each timer at its due time, in due order", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const fired: [string, number][] = [];
  wheel.schedule(32_000, () => fired.push(["B", wheel.now()]));
  wheel.schedule(500, () => fired.push(["A", wheel.now()]));
  wheel.schedule(5_000, () => fired.push(["K", wheel.now()]));
  assert.equal(wheel.size, 3);
  wheel.advance(499);
  assert.deepEqual(fired, []);
  wheel.advance(1);
  assert.deepEqual(fired, [["A", 500]]);
  wheel.advance(40_000);
  assert.deepEqual(fired, [["A", 500], ["K", 5_000], ["B", 32_000]]);
  assert.equal(wheel.size, 0);
  assert.equal(wheel.now(), 40_500);
});

Deno.test("timers many revolutions away wait for their own revolution", () => {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1, slots: 16 });
  const fired: number[] = [];
  wheel.schedule(3, () => fired.push(wheel.now()));
  wheel.schedule(3 + 16 * 5, () => fired.push(wheel.now())); // same slot, five revolutions later
  wheel.advance(50);
  assert.deepEqual(fired, [3]);
  wheel.advance(100);
  assert.deepEqual(fired, [3, 83]);
});

Deno.test("coarse resolution rounds up, never fires early", () => {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 10 });
  const fired: number[] = [];
  wheel.schedule(3, () => fired.push(wheel.now()));
  wheel.schedule(10, () => fired.push(wheel.now()));
  wheel.advance(25);
  assert.deepEqual(fired, [10, 10]);
});

Deno.test("cancel disarms; cancelling twice or after firing is harmless", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  let count = 0;
  const a = wheel.schedule(10, () => count++);
  const b = wheel.schedule(10, () => count++);
  wheel.cancel(a);
  wheel.cancel(a);
  assert.equal(a.active, false);
  assert.equal(wheel.size, 1);
  wheel.advance(10);
  assert.equal(count, 1);
  assert.equal(b.active, false);
  wheel.cancel(b);
  assert.equal(wheel.size, 0);
});

Deno.test("a callback cancelling a timer due in the same tick stops it", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const order: string[] = [];
  const handles: { second?: ReturnType<TimerWheel["schedule"]> } = {};
  wheel.schedule(100, () => {
    order.push("first");
    wheel.cancel(handles.second!);
  });
  handles.second = wheel.schedule(100, () => order.push("second"));
  wheel.advance(200);
  assert.deepEqual(order, ["first"]);
  assert.equal(wheel.size, 0);
});

Deno.test("timers armed from a callback fire later in the same advance", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const fired: number[] = [];
  let interval = 500;
  const retransmit = () => {
    fired.push(wheel.now());
    interval *= 2;
    if (fired.length < 4) wheel.schedule(interval, retransmit);
  };
  wheel.schedule(interval, retransmit);
  wheel.advance(10_000);
  assert.deepEqual(fired, [500, 1_500, 3_500, 7_500]);
});

Deno.test("a zero delay armed inside a callback waits for the next tick", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const fired: number[] = [];
  wheel.schedule(5, () => {
    fired.push(wheel.now());
    wheel.schedule(0, () => fired.push(wheel.now()));
  });
  wheel.advance(10);
  assert.deepEqual(fired, [5, 6]);
});

Deno.test("100k timers arm, cancel and fire with exact counts", () => {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 10 });
  let fired = 0;
  const handles = [];
  for (let i = 0; i < 100_000; i++) handles.push(wheel.schedule(500 + (i % 32_000), () => fired++));
  assert.equal(wheel.size, 100_000);
  for (let i = 0; i < handles.length; i += 2) wheel.cancel(handles[i]);
  assert.equal(wheel.size, 50_000);
  wheel.advance(33_000);
  assert.equal(fired, 50_000);
  assert.equal(wheel.size, 0);
});

Deno.test("stop disarms everything and refuses new timers", () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  let fired = 0;
  const h = wheel.schedule(10, () => fired++);
  wheel.stop();
  assert.equal(wheel.size, 0);
  assert.equal(h.active, false);
  wheel.advance(100);
  assert.equal(fired, 0);
  assert.throws(() => wheel.schedule(1, () => {}), /stopped/);
});

Deno.test("advance is refused in host mode and from inside a callback", () => {
  assert.throws(() => new TimerWheel().advance(1), /virtual/);
  const wheel = new TimerWheel({ mode: "virtual" });
  let error: unknown;
  wheel.schedule(1, () => {
    try {
      wheel.advance(1);
    } catch (e) {
      error = e;
    }
  });
  wheel.advance(5);
  assert.match(String(error), /inside a timer callback/);
});

Deno.test("host mode fires on real time and leaves no host timer behind", async () => {
  const wheel = new TimerWheel({ resolutionMs: 1 });
  const started = performance.now();
  const elapsed = await new Promise<number>((resolve) => {
    wheel.schedule(20, () => resolve(performance.now() - started));
    const never = wheel.schedule(60_000, () => {});
    wheel.cancel(never);
  });
  assert.ok(elapsed >= 19, `fired after ${elapsed} ms`); // never early (1 ms clock slack)
  assert.equal(wheel.size, 0);
  // Deno's timer sanitizer fails this test if the wheel still held a setTimeout here.
});

Deno.test("host mode: cancelling the last timer releases the host timer at once", () => {
  const wheel = new TimerWheel();
  const h = wheel.schedule(10_000, () => {});
  wheel.cancel(h);
  assert.equal(wheel.size, 0);
  // The sanitizer would report the pending 10 s setTimeout if it were still armed.
});

Deno.test("host mode: an earlier timer pulls the host timer forward", async () => {
  const wheel = new TimerWheel({ resolutionMs: 1 });
  const late = wheel.schedule(30_000, () => {});
  await new Promise<void>((resolve) => wheel.schedule(5, resolve));
  assert.equal(late.active, true);
  wheel.stop();
});

Deno.test("one shared callback serves many timers through its argument", () => {
  const wheel = new TimerWheel({ mode: "virtual", resolutionMs: 1 });
  const fired: string[] = [];
  const fire = (name: string) => fired.push(`${name}@${wheel.now()}`);
  wheel.schedule(30, fire, "B");
  const cancelled = wheel.schedule(20, fire, "A");
  wheel.schedule(10, fire, "E");
  wheel.cancel(cancelled);
  wheel.advance(50);
  assert.deepEqual(fired, ["E@10", "B@30"]);
});
