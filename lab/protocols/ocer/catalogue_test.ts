import assert from "node:assert/strict";
import { DIAGNOSTIC_CATALOGUE, diagnosticDefinition } from "./catalogue.ts";
import { formatMsDiagnostics, msDiagnostics, parseMsDiagnostics } from "./diagnostics_header.ts";
import { componentOf, ERROR_ID_RANGES } from "./error_ranges.ts";

Deno.test("catalogue: every entry is well-formed, in a known range, and writes a valid header", () => {
  assert.ok(DIAGNOSTIC_CATALOGUE.size >= 80);
  for (const [id, d] of DIAGNOSTIC_CATALOGUE) {
    assert.equal(d.errorId, id);
    assert.ok(d.reason.length > 0 && !d.reason.endsWith("."), `${id} reason "${d.reason}"`);
    assert.ok(d.reference.length > 0, `${id} reference`);
    assert.notEqual(componentOf(id), undefined, `${id} range`);
    for (const s of d.statuses) assert.ok(s >= 300 && s <= 699, `${id} status ${s}`);
    const source = d.header === "ms-diagnostics" ? "fe01.sipfleet.test" : undefined;
    const text = formatMsDiagnostics(msDiagnostics(id, d.reason, source), d.header);
    const back = parseMsDiagnostics(text, d.header);
    assert.ok(back.ok && back.value.errorId === id && back.value.reason === d.reason, text);
  }
});

Deno.test("catalogue: spot checks against the MS-OCER tables and the guides", () => {
  assert.equal(diagnosticDefinition(1000)?.reason, "Final handshake failed");
  assert.equal(diagnosticDefinition(1003)?.reason, "User does not exist");
  assert.equal(
    diagnosticDefinition(1013)?.reason,
    "Significant time skew detected during authentication",
  );
  assert.equal(
    diagnosticDefinition(4005)?.reason,
    "Destination URI either not enabled for SIP or does not exist",
  );
  assert.deepEqual(diagnosticDefinition(4005)?.statuses, [404]);
  assert.equal(diagnosticDefinition(4004)?.header, "ms-diagnostics-public");
  assert.equal(diagnosticDefinition(2014)?.header, "ms-diagnostics-public");
  assert.deepEqual(diagnosticDefinition(4010)?.statuses, [400]);
  assert.deepEqual(diagnosticDefinition(4055)?.statuses, [489]);
  assert.deepEqual(diagnosticDefinition(2057)?.statuses, [421]);
  assert.deepEqual(diagnosticDefinition(2141)?.statuses, [409]);
  assert.equal(diagnosticDefinition(35008)?.reason, "Version not understood");
  assert.equal(diagnosticDefinition(12006)?.reason, "Trying next hop");
  assert.equal(diagnosticDefinition(51004)?.header, "ms-client-diagnostics");
  assert.ok(diagnosticDefinition(4055)?.verify !== undefined, "guide paraphrase is flagged");
  assert.equal(diagnosticDefinition(1003)?.verify, undefined);
  assert.equal(diagnosticDefinition(424242), undefined);
});

Deno.test("error ranges: ordered, disjoint, component lookup at the edges", () => {
  for (let i = 1; i < ERROR_ID_RANGES.length; i++) {
    assert.ok(ERROR_ID_RANGES[i].first > ERROR_ID_RANGES[i - 1].last);
  }
  assert.equal(componentOf(0), "common");
  assert.equal(componentOf(999), "common");
  assert.equal(componentOf(1000), "SIP stack");
  assert.equal(componentOf(2999), "User Services – presence");
  assert.equal(componentOf(12006), "outbound call routing");
  assert.equal(componentOf(35017), "Call Park Service");
  assert.equal(componentOf(18000), undefined);
  assert.equal(componentOf(24033), undefined);
});
