import assert from "node:assert/strict";
import { toHex } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";
import { decodeNegotiateMessage, encodeNegotiateMessage } from "./negotiate_message.ts";

Deno.test("NEGOTIATE_MESSAGE layout (MS-NLMP §2.2.1.1) with OEM domain and workstation", () => {
  const bytes = encodeNegotiateMessage({
    negotiateFlags: NegotiateFlag.UNICODE | NegotiateFlag.NTLM | NegotiateFlag.VERSION,
    domainName: "DOM",
    workstation: "WS",
    version: { major: 6, minor: 1, build: 7601, revision: 15 },
  });
  assert.equal(
    toHex(bytes),
    "4e544c4d53535000" + "01000000" + "01320002" + // flags incl. both *_SUPPLIED bits
      "0300030028000000" + "020002002b000000" + "0601b11d0000000f" + "444f4d" + "5753",
  );
  const back = decodeNegotiateMessage(bytes);
  assert.equal(back.domainName, "DOM");
  assert.equal(back.workstation, "WS");
  assert.deepEqual(back.version, { major: 6, minor: 1, build: 7601, revision: 15 });
});

Deno.test("NEGOTIATE_MESSAGE ignores names whose *_SUPPLIED flag is clear", () => {
  const bytes = encodeNegotiateMessage({ negotiateFlags: NegotiateFlag.UNICODE, domainName: "D" });
  bytes[13] &= ~(NegotiateFlag.OEM_DOMAIN_SUPPLIED >> 8);
  const back = decodeNegotiateMessage(bytes);
  assert.equal(back.domainName, undefined);
  assert.equal(back.workstation, undefined);
  assert.throws(
    () => decodeNegotiateMessage(bytes.subarray(0, 20)),
    (e) => e instanceof NtlmAuthError && e.code === "malformed-token",
  );
});
