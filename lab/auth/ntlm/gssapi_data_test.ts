import assert from "node:assert/strict";
import { toHex } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { decodeGssapiData, encodeGssapiData } from "./gssapi_data.ts";
import { OCS_CAPTURE, V2 } from "./testdata/nlmp_vectors.ts";

const isMalformed = (e: unknown) => e instanceof NtlmAuthError && e.code === "malformed-token";

Deno.test("gssapi-data base64 round trip of the captured CHALLENGE", () => {
  const bytes = decodeGssapiData(OCS_CAPTURE.challengeBase64);
  assert.equal(toHex(bytes.subarray(0, 8)), "4e544c4d53535000");
  assert.equal(encodeGssapiData(bytes), OCS_CAPTURE.challengeBase64);
  assert.equal(
    toHex(decodeGssapiData(encodeGssapiData(V2.authenticateMessage))),
    toHex(V2.authenticateMessage),
  );
});

Deno.test("malformed gssapi-data is rejected as malformed-token", () => {
  for (const bad of ["", "TlRMTVNTUA", "TlRM TVNT", "TlRM*VNT", "TlRMTVNTUA=x", "===="]) {
    assert.throws(() => decodeGssapiData(bad), isMalformed, bad);
  }
});
