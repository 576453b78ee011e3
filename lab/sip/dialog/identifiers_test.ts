import assert from "node:assert/strict";
import { newBranch, newTag, randomHex } from "./identifiers.ts";

Deno.test("randomHex: two lowercase hex digits per octet, fresh across pool refills", () => {
  const seen = new Set<string>();
  // 1,000 × 8 octets spans the 4 KiB entropy pool twice: refills must keep values fresh.
  for (let i = 0; i < 1000; i++) {
    const tag = newTag();
    assert.match(tag, /^[0-9a-f]{16}$/);
    seen.add(tag);
  }
  assert.equal(seen.size, 1000);
  assert.match(randomHex(16), /^[0-9a-f]{32}$/);
  assert.equal(randomHex(0), "");
  assert.throws(() => randomHex(4097), RangeError);
});

Deno.test("newBranch: magic cookie then 80 random bits (RFC 3261 §8.1.1.7)", () => {
  const a = newBranch();
  assert.match(a, /^z9hG4bK[0-9a-f]{20}$/);
  assert.notEqual(a, newBranch());
});
