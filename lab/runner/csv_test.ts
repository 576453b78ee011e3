import assert from "node:assert/strict";
import { CsvSyntaxError, parseCsv } from "./csv.ts";

Deno.test("CSV: quotes, doubled quotes, line breaks in fields, CRLF, BOM, empty lines", () => {
  const text = '\ufeffuser,note\r\nalice,"a, ""quoted"" note"\r\n\r\nbob,"two\nlines"\nclaire,\n';
  assert.deepEqual(parseCsv(text), [
    { line: 1, fields: ["user", "note"] },
    { line: 2, fields: ["alice", 'a, "quoted" note'] },
    { line: 4, fields: ["bob", "two\nlines"] },
    { line: 6, fields: ["claire", ""] },
  ]);
  assert.deepEqual(parseCsv("a,b"), [{ line: 1, fields: ["a", "b"] }]);
});

Deno.test("CSV: malformed quoting is located", () => {
  assert.throws(() => parseCsv('a,b\nc,"open\n'), (error: Error) => {
    assert.ok(error instanceof CsvSyntaxError);
    assert.deepEqual([error.line, error.column], [2, 3]);
    return true;
  });
  assert.throws(() => parseCsv('"x"y,z'), (error: Error) => {
    assert.ok(error instanceof CsvSyntaxError);
    assert.deepEqual([error.line, error.column], [1, 4]);
    return true;
  });
});
