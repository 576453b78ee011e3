import assert from "node:assert/strict";
import { flagNames, hasFlags, NegotiateFlag } from "./flags.ts";
import { OCS_CAPTURE, V2 } from "./testdata/nlmp_vectors.ts";

Deno.test("MS-NLMP 4.2.4 challenge flags 0xE28A8233 name the listed flags", () => {
  assert.deepEqual(flagNames(V2.challengeFlags), [
    "UNICODE",
    "OEM",
    "SIGN",
    "SEAL",
    "NTLM",
    "ALWAYS_SIGN",
    "TARGET_TYPE_SERVER",
    "EXTENDED_SESSIONSECURITY",
    "TARGET_INFO",
    "VERSION",
    "NEGOTIATE_128",
    "KEY_EXCH",
    "NEGOTIATE_56",
  ]);
});

Deno.test("hasFlags requires every bit, including the high bit (NEGOTIATE_56)", () => {
  assert.equal(
    hasFlags(OCS_CAPTURE.challengeFlags, NegotiateFlag.NEGOTIATE_56 | NegotiateFlag.DATAGRAM),
    true,
  );
  assert.equal(hasFlags(OCS_CAPTURE.authenticateFlags, NegotiateFlag.NEGOTIATE_56), false);
  assert.equal(hasFlags(OCS_CAPTURE.authenticateFlags, 0), true);
});
