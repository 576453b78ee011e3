import assert from "node:assert/strict";
import { benchParser } from "./parser_bench.ts";

Deno.test("benchParser runs and reports positive rates", () => {
  const r = benchParser(50);
  assert.ok(Number.isFinite(r.inviteMsgsPerSec) && r.inviteMsgsPerSec > 0);
  assert.ok(Number.isFinite(r.okMsgsPerSec) && r.okMsgsPerSec > 0);
});
