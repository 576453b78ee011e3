import assert from "node:assert/strict";
import { mechanismFailure } from "./diagnostics.ts";
import type { MechanismErrorCode } from "./errors.ts";

Deno.test("every mechanism failure maps to a diagnostic key and an answer (guide §5, §8)", () => {
  const table: Array<[MechanismErrorCode, string, string]> = [
    ["wrong-password", "auth-wrong-password", "challenge"],
    ["unknown-user", "auth-unknown-user", "challenge"],
    ["clock-skew", "auth-clock-skew", "challenge"],
    ["insufficient-flags", "auth-handshake-failed", "challenge"],
    ["unsupported-response", "auth-handshake-failed", "challenge"],
    ["mic-mismatch", "auth-handshake-failed", "challenge"],
    ["invalid-state", "auth-handshake-failed", "challenge"],
    ["bad-signature", "auth-bad-signature", "challenge"],
    ["replayed-sequence", "auth-replay", "challenge"],
    ["sequence-below-window", "auth-replay", "challenge"],
    ["sa-mismatch", "auth-unknown-sa", "challenge"],
    ["malformed-token", "auth-malformed-gssapi", "bad-request"],
    ["malformed-auth-param", "auth-malformed-credentials", "bad-request"],
  ];
  for (const [code, diagnosticKind, answer] of table) {
    assert.deepEqual(mechanismFailure(code), { diagnosticKind, answer }, code);
  }
});
