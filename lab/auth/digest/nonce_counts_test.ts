import assert from "node:assert/strict";
import { NonceCountRegistry } from "./nonce_counts.ts";

Deno.test("nonce-count: strictly increasing per nonce; repeats and decreases are replays", () => {
  const counts = new NonceCountRegistry({ lifetimeMs: 1000, maxNonces: 10 });
  assert.equal(counts.accept("a", 1, 0, 0), "accepted");
  assert.equal(counts.accept("a", 1, 0, 0), "replayed");
  assert.equal(counts.accept("a", 3, 0, 0), "accepted", "gaps are allowed");
  assert.equal(counts.accept("a", 2, 0, 0), "replayed");
  assert.equal(counts.accept("b", 1, 0, 0), "accepted", "counts are per nonce");
  assert.equal(counts.size, 2);
});

Deno.test("nonce-count: a full table drops stale entries first", () => {
  const counts = new NonceCountRegistry({ lifetimeMs: 1000, maxNonces: 2 });
  counts.accept("old", 1, 0, 0);
  counts.accept("new", 1, 1500, 1500);
  assert.equal(counts.accept("third", 1, 1600, 1600), "accepted");
  assert.equal(counts.size, 2);
  assert.equal(counts.accept("new", 1, 1500, 1600), "replayed", "fresh entry kept");
  assert.equal(counts.accept("third", 1, 1600, 1600), "replayed");
});

Deno.test("nonce-count: forgetting a fresh nonce never reopens a replay", () => {
  const counts = new NonceCountRegistry({ lifetimeMs: 10_000, maxNonces: 2 });
  counts.accept("n1", 5, 100, 100);
  counts.accept("n2", 1, 200, 200);
  assert.equal(counts.accept("n3", 1, 300, 300), "accepted");
  assert.equal(counts.size, 2);
  // n1 was evicted: presenting it again must not be accepted as new.
  assert.equal(counts.accept("n1", 6, 100, 300), "forgotten");
  assert.equal(counts.accept("n1", 1, 100, 300), "forgotten");
  // A never-seen nonce minted before the forgotten one is treated the same way.
  assert.equal(counts.accept("n0", 1, 50, 300), "forgotten");
  // Newer nonces are unaffected.
  assert.equal(counts.accept("n4", 1, 400, 400), "accepted");
  assert.throws(() => new NonceCountRegistry({ lifetimeMs: 1, maxNonces: 0 }), RangeError);
});
