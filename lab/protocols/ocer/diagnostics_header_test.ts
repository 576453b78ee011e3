import assert from "node:assert/strict";
import { formatMsDiagnostics, msDiagnostics, parseMsDiagnostics } from "./diagnostics_header.ts";

function parsed(text: string, header?: Parameters<typeof parseMsDiagnostics>[1]) {
  const r = parseMsDiagnostics(text, header);
  if (!r.ok) throw new Error(`${text}: ${r.failure} ${r.detail}`);
  return r.value;
}

Deno.test("ms-diagnostics: the material's examples read and are rewritten byte for byte", () => {
  const examples: [string, Parameters<typeof parseMsDiagnostics>[1]][] = [
    // MS-OCER.md §2.1
    ['2141;reason="Delegate version is out of date";source="fe01.contoso.com"', "ms-diagnostics"],
    // MS-OCER §3.1.4.1 diagHeader values
    ['10000;reason="Gateway returned a SIP failure code"', "ms-diagnostics"],
    ['12006;reason="Trying next hop";appName="OutboundRouting"', "ms-diagnostics"],
    // MS-SIPREGE §4.1.3 deregistration NOTIFY
    ['4141;reason="User disabled"', "ms-diagnostics-public"],
    // IM.md §5 / MS-OCER.md §2.3
    ['51004;reason="Action initiated by user"', "ms-client-diagnostics"],
    // A Lync front end's answer quoted in a Microsoft support article
    [
      '4005;reason="Destination URI either not enabled for SIP or does not exist";source="Lyncpool.domainname.com"',
      "ms-diagnostics",
    ],
  ];
  for (const [text, header] of examples) {
    assert.equal(formatMsDiagnostics(parsed(text, header), header), text);
  }
  assert.deepEqual(parsed(examples[2][0]), {
    errorId: 12006,
    subErrorIds: [],
    reason: "Trying next hop",
    params: [{ name: "appName", value: "OutboundRouting", quoted: true }],
  });
  assert.equal(parsed(examples[0][0]).source, "fe01.contoso.com");
});

Deno.test("ms-diagnostics: tolerant reading — order, spacing, case, sub-errors, host source, bare params", () => {
  const d = parsed(' 1033.2.7 ; SOURCE=[2001:db8::1] ;Reason="a \\"quoted\\" word" ;flag ;x=y ');
  assert.equal(d.errorId, 1033);
  assert.deepEqual(d.subErrorIds, [2, 7]);
  assert.equal(d.reason, 'a "quoted" word');
  assert.equal(d.source, "[2001:db8::1]");
  assert.deepEqual(d.params, [
    { name: "flag", value: null, quoted: false },
    { name: "x", value: "y", quoted: false },
  ]);
  assert.equal(
    formatMsDiagnostics(d),
    '1033.2.7;reason="a \\"quoted\\" word";source="[2001:db8::1]";flag;x=y',
  );
  assert.equal(parsed("0;reason=token").reason, "token");
  assert.equal(parsed('4294967295;reason=""').errorId, 4294967295);
  // MS-OCER §2.2.1.1 writes source as required; its own §3.1.4.1 values have none.
  assert.equal(parsed('1000;reason="Final handshake failed"').source, undefined);
});

Deno.test("ms-diagnostics: unparsable values are reported, never thrown (guide §6 fuzz list)", () => {
  const cases: [string, string, Parameters<typeof parseMsDiagnostics>[1]?][] = [
    ["", "missing-error-id"],
    ['reason="x"', "missing-error-id"],
    ["1000", "missing-reason"],
    ['1000;source="fe"', "missing-reason"],
    ['4294967296;reason="x"', "error-id-out-of-range"],
    ['99999999999999999999;reason="x"', "error-id-out-of-range"],
    ['1000.99999999999;reason="x"', "error-id-out-of-range"],
    ['1000.;reason="x"', "missing-error-id"],
    ['1000;reason="a";reason="b"', "duplicate-parameter"],
    ['1000;reason="a";source="b";source="c"', "duplicate-parameter"],
    ['1000;reason="unterminated', "malformed"],
    ['1000 reason="x"', "malformed"],
    ["1000;reason", "malformed"],
    ["1000;reason=", "malformed"],
    ['1000;;reason="x"', "malformed"],
    ['-1;reason="x"', "missing-error-id"],
    ['4141;reason="User disabled";source="fe01"', "source-not-allowed", "ms-diagnostics-public"],
  ];
  for (const [text, failure, header] of cases) {
    const r = parseMsDiagnostics(text, header);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.equal(r.failure, failure, text);
  }
});

Deno.test("ms-diagnostics: writing refuses what the grammar forbids", () => {
  assert.throws(() => formatMsDiagnostics(msDiagnostics(2 ** 32, "x")), RangeError);
  assert.throws(() => formatMsDiagnostics(msDiagnostics(-1, "x")), RangeError);
  assert.throws(() => formatMsDiagnostics(msDiagnostics(1.5, "x")), RangeError);
  assert.throws(
    () =>
      formatMsDiagnostics(msDiagnostics(4141, "User disabled", "fe01"), "ms-diagnostics-public"),
    RangeError,
  );
  assert.equal(
    formatMsDiagnostics(msDiagnostics(4141, "User disabled"), "ms-diagnostics-public"),
    '4141;reason="User disabled"',
  );
});
