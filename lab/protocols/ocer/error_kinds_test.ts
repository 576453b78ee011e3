import assert from "node:assert/strict";
import { SipResponse } from "../../sip/message/mod.ts";
import type { DigestFailure } from "../../auth/digest/mod.ts";
import { DIAGNOSTIC_ERROR_KINDS, diagnosticsFor, digestFailureKind } from "./error_kinds.ts";
import { readDiagnostics, setDiagnostics } from "./message_diagnostics.ts";

Deno.test("diagnosticsFor: every kind has a catalogued ErrorId, an error status and a basis", () => {
  for (const kind of DIAGNOSTIC_ERROR_KINDS) {
    const plan = diagnosticsFor(kind, { source: "fe01.sipfleet.test" });
    assert.ok(plan.status >= 400 && plan.status <= 699, kind);
    assert.ok(plan.statusBasis.length > 0, kind);
    assert.equal(plan.diagnostics.reason, plan.definition.reason);
    assert.equal(plan.header, plan.definition.header);
    // MS-OCER §2.2.1.2: the public header never names the source.
    assert.equal(plan.diagnostics.source !== undefined, plan.header === "ms-diagnostics", kind);
    // Where the material pairs the ErrorId with statuses, the plan uses one of them.
    if (plan.definition.statuses.length > 0) {
      assert.ok(plan.definition.statuses.includes(plan.status), kind);
    }
    const r = new SipResponse(plan.status, "x");
    setDiagnostics(r, plan.diagnostics, plan.header);
    assert.equal(readDiagnostics(r, plan.header)?.errorId, plan.diagnostics.errorId);
  }
});

Deno.test("diagnosticsFor: the failures of issue #3 and #4", () => {
  const unknown = diagnosticsFor("auth-unknown-user", { source: "fe01" });
  const wrong = diagnosticsFor("auth-wrong-password", { source: "fe01" });
  assert.equal(unknown.status, 403);
  assert.equal(wrong.status, 403);
  assert.notEqual(unknown.diagnostics.errorId, wrong.diagnostics.errorId);
  const notFound = diagnosticsFor("user-not-found", { source: "fe01" });
  assert.equal(notFound.status, 404);
  const r = new SipResponse(404, "Not Found");
  setDiagnostics(r, notFound.diagnostics, notFound.header);
  assert.equal(
    r.header("ms-diagnostics"),
    '4005;reason="Destination URI either not enabled for SIP or does not exist";source="fe01"',
  );
  assert.equal(diagnosticsFor("missing-endpoint-id").status, 400);
  assert.equal(
    diagnosticsFor("missing-endpoint-id").diagnostics.source,
    undefined,
    "no source given",
  );
  assert.equal(
    diagnosticsFor("presence-subscription-dialog-missing").header,
    "ms-diagnostics-public",
  );
  assert.equal(diagnosticsFor("xml-parse-failure").diagnostics.errorId, 4001);
});

Deno.test("digestFailureKind: only final refusals get diagnostics", () => {
  const all: DigestFailure[] = [
    "missing-credentials",
    "realm-mismatch",
    "malformed-credentials",
    "unsupported-algorithm",
    "qop-not-offered",
    "invalid-nonce",
    "opaque-mismatch",
    "uri-mismatch",
    "unknown-user",
    "wrong-password",
    "stale-nonce",
    "replayed-nonce-count",
  ];
  const mapped = all.filter((f) => digestFailureKind(f) !== undefined);
  assert.deepEqual(mapped, ["unknown-user", "wrong-password"]);
  assert.equal(digestFailureKind("wrong-password"), "auth-wrong-password");
  assert.equal(digestFailureKind("unknown-user"), "auth-unknown-user");
});
