import assert from "node:assert/strict";
import { durationMs, parseDuration } from "./duration.ts";

Deno.test("durations: units, fractions and combined parts", () => {
  const cases: [string, number][] = [
    ["500ms", 500],
    ["30s", 30_000],
    ["2m", 120_000],
    ["1h", 3_600_000],
    ["1m30s", 90_000],
    ["1.5s", 1500],
    ["0s", 0],
    ["1h2m3s4ms", 3_723_004],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

Deno.test("not durations: no unit, unknown unit, spaces, signs, empty", () => {
  for (const text of ["30", "30 s", "30sec", "-1s", "", "s", "1.s", "1m 30s", "5d"]) {
    assert.equal(parseDuration(text), undefined, text);
  }
  assert.throws(() => durationMs("soon"), /"soon" is not a duration like 30s, 2m, 500ms/);
});

Deno.test("the schema's duration pattern accepts exactly what parseDuration accepts", async () => {
  const schema = JSON.parse(await Deno.readTextFile(new URL("./schema.json", import.meta.url)));
  const pattern = new RegExp(schema.$defs.duration.pattern, "u");
  for (const text of ["500ms", "1m30s", "1.5s", "30", "30 s", "-1s", "", "1.s", "5d", "2h"]) {
    assert.equal(pattern.test(text), parseDuration(text) !== undefined, text);
  }
});
