import assert from "node:assert/strict";
import { ReconnectBackoff } from "./reconnect_backoff.ts";

Deno.test("ReconnectBackoff doubles up to the cap with the jitter bounds", () => {
  const low = new ReconnectBackoff({ baseMs: 100, capMs: 1000, jitter: 0.5, random: () => 0 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [50, 100, 200, 400, 500]);
  const high = new ReconnectBackoff({ baseMs: 100, capMs: 1000, jitter: 0.5, random: () => 1 });
  assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [150, 300, 600, 1000, 1000]);
  assert.equal(high.attempts, 5);
});

Deno.test("ReconnectBackoff.reset starts from the base delay again", () => {
  const b = new ReconnectBackoff({ baseMs: 10, capMs: 100, jitter: 0, random: () => 0.3 });
  b.next();
  b.next();
  b.reset();
  assert.equal(b.attempts, 0);
  assert.equal(b.next(), 10);
});

Deno.test("ReconnectBackoff refuses a cap below the base", () => {
  assert.throws(() => new ReconnectBackoff({ baseMs: 100, capMs: 10 }), RangeError);
});
