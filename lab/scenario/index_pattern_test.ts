import assert from "node:assert/strict";
import { expandIndexPattern } from "./index_pattern.ts";

Deno.test("index patterns", () => {
  assert.equal(expandIndexPattern("user{index:5}", 42), "user00042");
  assert.equal(expandIndexPattern("u{index}-{index:3}", 7), "u7-007");
  assert.equal(expandIndexPattern("static", 7), "static");
  assert.equal(expandIndexPattern("n{index:2}", 12345), "n12345");
});
