import assert from "node:assert/strict";
import { ErrorLog, parseDiagnostics } from "./error_log.ts";

Deno.test("parseDiagnostics: MS-OCER §2.2.1.1 ErrorId, SubErrorId and reason", () => {
  // The example of MS-OCER §2.2.1.1.
  assert.deepEqual(
    parseDiagnostics('2141;reason="Delegate version is out of date";source="fe01.contoso.com"'),
    { code: "2141", reason: "Delegate version is out of date" },
  );
  assert.deepEqual(parseDiagnostics('1034.2;source="edge";reason="Previous hop \\"x\\" down"'), {
    code: "1034.2",
    reason: 'Previous hop "x" down',
  });
  assert.deepEqual(parseDiagnostics(" 15026 "), { code: "15026" });
  assert.equal(parseDiagnostics('reason="no id"'), undefined);
  assert.equal(parseDiagnostics(""), undefined);
});

Deno.test("ErrorLog: counts by status and code, keeps the latest examples newest first", () => {
  let now = 1_000;
  const log = new ErrorLog({ keep: 3, clock: () => now });
  log.record({ status: 486, diagnostics: '15025;reason="Callee is busy"', user: "a" });
  now = 2_000;
  log.record({ status: 486, diagnostics: '15025;reason="Callee is busy"', user: "b" });
  log.record({ status: 486, user: "c" });
  log.record({ status: "timeout", method: "INVITE", text: "Timer B" });
  log.record({ status: 480, diagnostics: "garbage", user: "d" });
  assert.deepEqual(log.counts(), [
    { status: "486", code: "15025", reason: "Callee is busy", count: 2 },
    { status: "486", count: 1 },
    { status: "timeout", count: 1 },
    { status: "480", count: 1 },
  ]);
  assert.deepEqual(log.latest(10).map((e) => e.user ?? e.text), ["d", "Timer B", "c"]);
  assert.deepEqual(log.latest(1), [{ at: 2_000, status: "480", user: "d" }]);
  assert.equal(new ErrorLog().latest(5).length, 0);
  assert.throws(() => new ErrorLog({ keep: 0 }), RangeError);
});

Deno.test("ErrorLog: diagnostics already parsed (an iteration outcome's) count with the header's", () => {
  const log = new ErrorLog({ clock: () => 5 });
  log.record({ status: 503, diagnostics: { code: "17000", reason: "Server overloaded" } });
  log.record({ status: 503, diagnostics: '17000;reason="Server overloaded";source="uas"' });
  assert.deepEqual(log.counts(), [
    { status: "503", code: "17000", reason: "Server overloaded", count: 2 },
  ]);
  assert.deepEqual(log.latest(1), [
    { at: 5, status: "503", code: "17000", reason: "Server overloaded" },
  ]);
});
