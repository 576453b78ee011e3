import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { msDiagnostics } from "./diagnostics_header.ts";
import {
  forExternalPeer,
  readDiagnostics,
  setDiagnostics,
  stripClientPublicDiagnostics,
} from "./message_diagnostics.ts";

Deno.test("readDiagnostics: first readable value; unparsable ones count as absent", () => {
  const r = new SipResponse(480, "Temporarily Unavailable")
    .addHeader("ms-diagnostics", "garbage")
    .addHeader("ms-diagnostics", '99999999999;reason="too big"')
    .addHeader("MS-Diagnostics", '1007;reason="Temporarily cannot route";source="fe01"');
  assert.equal(readDiagnostics(r)?.errorId, 1007);
  assert.equal(readDiagnostics(r, "ms-diagnostics-public"), undefined);
  const bad = new SipResponse(500, "Server Internal Error").addHeader("ms-diagnostics", "1000");
  assert.equal(readDiagnostics(bad), undefined);
});

Deno.test("setDiagnostics: at most one field per header (MS-OCER §2.2.1.1)", () => {
  const r = new SipResponse(404, "Not Found")
    .addHeader("ms-diagnostics", '1;reason="a"')
    .addHeader("ms-diagnostics", '2;reason="b"');
  setDiagnostics(
    r,
    msDiagnostics(
      4005,
      "Destination URI either not enabled for SIP or does not exist",
      "fe01.sipfleet.test",
    ),
  );
  assert.deepEqual(r.headerValues("ms-diagnostics"), [
    '4005;reason="Destination URI either not enabled for SIP or does not exist";source="fe01.sipfleet.test"',
  ]);
});

Deno.test("forExternalPeer: no ms-diagnostics leaves; at most one public value stays", () => {
  const withPublic = new SipResponse(403, "Forbidden")
    .addHeader("ms-diagnostics", '4004;reason="x";source="fe01.internal"')
    .addHeader(
      "ms-diagnostics-public",
      '4004;reason="Credentials provided are not authorized to act as specified from URI"',
    )
    .addHeader("ms-diagnostics-public", '1;reason="second"');
  const kept = forExternalPeer(withPublic);
  assert.equal(kept?.errorId, 4004);
  assert.equal(withPublic.hasHeader("ms-diagnostics"), false);
  assert.deepEqual(withPublic.headerValues("ms-diagnostics-public"), [
    '4004;reason="Credentials provided are not authorized to act as specified from URI"',
  ]);

  const internalOnly = () =>
    new SipResponse(504, "Server Time-out")
      .addHeader(
        "ms-diagnostics",
        '1008.3;reason="Unable to resolve DNS SRV record";source="edge.internal";appName="x"',
      );
  const stripped = internalOnly();
  assert.equal(forExternalPeer(stripped), undefined);
  assert.equal(stripped.hasHeader("ms-diagnostics"), false);
  assert.equal(stripped.hasHeader("ms-diagnostics-public"), false);
  const derived = internalOnly();
  forExternalPeer(derived, { publicFallback: true });
  assert.deepEqual(derived.headerValues("ms-diagnostics-public"), [
    '1008;reason="Unable to resolve DNS SRV record";appName="x"',
  ]);
  assert.ok(!derived.headerValues("ms-diagnostics-public")[0].includes("source="));
});

Deno.test("stripClientPublicDiagnostics: clients must not send ms-diagnostics-public", () => {
  const bye = new SipRequest("BYE", "sip:bob@192.0.2.4")
    .addHeader("ms-diagnostics-public", '1;reason="x"')
    .addHeader("ms-client-diagnostics", '51004;reason="Action initiated by user"');
  assert.equal(stripClientPublicDiagnostics(bye), 1);
  assert.equal(bye.hasHeader("ms-diagnostics-public"), false);
  assert.equal(readDiagnostics(bye, "ms-client-diagnostics")?.errorId, 51004);
});
