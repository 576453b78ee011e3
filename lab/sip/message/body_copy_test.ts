import assert from "node:assert/strict";
import { copyBody } from "./body_copy.ts";

Deno.test("copyBody: copies survive reuse of the source buffer", () => {
  const src = new Uint8Array([1, 2, 3, 4, 5, 6]);
  const a = copyBody(src, 1, 4);
  const b = copyBody(src, 0, 6);
  src.fill(0);
  assert.deepEqual([...a], [2, 3, 4]);
  assert.deepEqual([...b], [1, 2, 3, 4, 5, 6]);
  // Views never overlap, even when they share a slab.
  a.fill(9);
  assert.deepEqual([...b], [1, 2, 3, 4, 5, 6]);
});

Deno.test("copyBody: large bodies and slab turnover", () => {
  const big = new Uint8Array(10_000).map((_, i) => i % 251);
  const copy = copyBody(big, 0, big.length);
  assert.equal(copy.byteOffset, 0);
  assert.equal(copy.buffer.byteLength, big.length, "a large body owns its buffer");
  assert.deepEqual(copy, big);
  const kept = copyBody(new Uint8Array([7, 7, 7]), 0, 3);
  for (let i = 0; i < 100; i++) copyBody(big, 0, 3000); // fills several slabs
  assert.deepEqual([...kept], [7, 7, 7]);
  assert.equal(copyBody(big, 5, 5).length, 0);
});
