import assert from "node:assert/strict";
import { NtlmAuthError } from "./errors.ts";
import { checkSalt, formatSalt, parseSequenceNumber } from "./sip_auth_params.ts";

const isMalformed = (e: unknown) => e instanceof NtlmAuthError && e.code === "malformed-auth-param";

Deno.test("cnum/snum: 1*10DIGIT up to 2^32-1", () => {
  assert.equal(parseSequenceNumber("1"), 1);
  assert.equal(parseSequenceNumber("4294967295"), 4294967295);
  for (const bad of ["", "-1", "1.5", " 1", "0x10", "4294967296", "12345678901"]) {
    assert.throws(() => parseSequenceNumber(bad), isMalformed, bad);
  }
});

Deno.test("crand/srand: exactly 8 hex digits; formatting by case", () => {
  checkSalt("13317733");
  checkSalt("9616454F");
  for (const bad of ["", "1331773", "133177330", "1331773g"]) {
    assert.throws(() => checkSalt(bad), isMalformed, bad);
  }
  const bytes = new Uint8Array([0x96, 0x16, 0x45, 0x4f, 0xff]);
  assert.equal(formatSalt(bytes, "upper"), "9616454F");
  assert.equal(formatSalt(bytes, "lower"), "9616454f");
});
