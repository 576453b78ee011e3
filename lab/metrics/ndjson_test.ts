import assert from "node:assert/strict";
import { parseNdjson, toNdjson } from "./ndjson.ts";

Deno.test("complete NDJSON parses with nothing skipped", () => {
  assert.deepEqual(parseNdjson('{"a":1}\n{"a":2}\n'), {
    records: [{ a: 1 }, { a: 2 }],
    skipped: 0,
  });
});

Deno.test("a cut last line is skipped, even when it happens to be valid JSON", () => {
  assert.deepEqual(parseNdjson('{"a":1}\n{"a":'), { records: [{ a: 1 }], skipped: 1 });
  // Without its newline the line may still be incomplete ({"a":1} of {"a":12}): skip it.
  assert.deepEqual(parseNdjson('{"a":1}\n{"a":1}'), { records: [{ a: 1 }], skipped: 1 });
});

Deno.test("corrupt and non-object lines are skipped and counted; blank lines ignored", () => {
  assert.deepEqual(parseNdjson('{"a":1}\n\nnot json\n[1,2]\n{"b":2}\n'), {
    records: [{ a: 1 }, { b: 2 }],
    skipped: 2,
  });
  assert.deepEqual(parseNdjson(""), { records: [], skipped: 0 });
});

Deno.test("toNdjson ends every record with a newline and round-trips", () => {
  const records = [{ a: 1 }, { b: "x\ny" }];
  const text = toNdjson(records);
  assert.equal(text, '{"a":1}\n{"b":"x\\ny"}\n');
  assert.deepEqual(parseNdjson(text).records, records);
});
