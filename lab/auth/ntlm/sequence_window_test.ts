import assert from "node:assert/strict";
import { NtlmAuthError, type NtlmAuthErrorCode } from "./errors.ts";
import { SEQUENCE_WINDOW_SIZE, SequenceWindow } from "./sequence_window.ts";

const rejects = (code: NtlmAuthErrorCode) => (e: unknown) =>
  e instanceof NtlmAuthError && e.code === code;

Deno.test("in-order numbers are accepted and a duplicate is a replay", () => {
  const w = new SequenceWindow();
  for (let n = 1; n <= 5; n++) w.admit(n);
  assert.equal(w.last, 5);
  assert.throws(() => w.admit(5), rejects("replayed-sequence"));
  assert.throws(() => w.admit(2), rejects("replayed-sequence"));
});

Deno.test("out-of-order numbers inside the window are accepted once (pipelining)", () => {
  const w = new SequenceWindow();
  w.admit(10);
  w.admit(7);
  w.admit(9);
  assert.throws(() => w.admit(7), rejects("replayed-sequence"));
  w.admit(8);
  assert.equal(w.last, 10);
});

Deno.test("the window slides to [last-256, last]; older numbers are dropped", () => {
  const w = new SequenceWindow();
  w.admit(1);
  w.admit(300);
  assert.equal(w.low, 300 - SEQUENCE_WINDOW_SIZE);
  w.admit(44); // exactly the lower edge
  assert.throws(() => w.admit(43), rejects("sequence-below-window"));
  assert.throws(() => w.admit(1), rejects("sequence-below-window"));
  // A jump of more than 256 is accepted (MS-SIP: higher than last shifts the window).
  w.admit(1000);
  assert.throws(() => w.admit(300), rejects("sequence-below-window"));
});

Deno.test("0 is below the initial window 1..256", () => {
  assert.throws(() => new SequenceWindow().admit(0), rejects("sequence-below-window"));
});
