import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { fromFiletime, toFiletime } from "./filetime.ts";

Deno.test("FILETIME: epoch, round trip, and the OCS capture timestamp", () => {
  assert.equal(toHex(toFiletime(Date.UTC(1601, 0, 1))), "0000000000000000");
  const t = Date.UTC(2024, 4, 17, 8, 30, 15, 250);
  assert.equal(fromFiletime(toFiletime(t)), t);
  // 0x01cab927179a5159 ticks: a date in February 2010, when OCS 2007 R2 was current.
  const captured = new Date(fromFiletime(fromHex("59519a1727b9ca01")));
  assert.equal(captured.getUTCFullYear(), 2010);
});
