import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import {
  AUTHENTICATE_MIC_OFFSET,
  decodeAuthenticateMessage,
  encodeAuthenticateMessage,
} from "./authenticate_message.ts";
import { NtlmAuthError } from "./errors.ts";
import { decodeGssapiData } from "./gssapi_data.ts";
import { COMMON, OCS_CAPTURE, V1, V1_ESS, V2 } from "./testdata/nlmp_vectors.ts";

const isMalformed = (e: unknown) => e instanceof NtlmAuthError && e.code === "malformed-token";

Deno.test("MS-NLMP 4.2.2.3 / 4.2.3.3 / 4.2.4.3 AUTHENTICATE_MESSAGEs round-trip byte for byte", () => {
  for (const vector of [V1, V1_ESS, V2]) {
    const m = decodeAuthenticateMessage(vector.authenticateMessage);
    assert.equal(m.negotiateFlags, vector.authenticateFlags);
    assert.equal(m.userName, COMMON.user);
    assert.equal(m.domainName, COMMON.domain);
    assert.equal(m.workstation, COMMON.workstation);
    assert.deepEqual(m.version, COMMON.clientVersion);
    assert.equal(m.mic, undefined);
    assert.equal(toHex(encodeAuthenticateMessage(m)), toHex(vector.authenticateMessage));
  }
});

Deno.test("MS-NLMP 4.2.4.3 AUTHENTICATE_MESSAGE fields", () => {
  const m = decodeAuthenticateMessage(V2.authenticateMessage);
  assert.equal(toHex(m.lmChallengeResponse), V2.lmv2Response);
  assert.equal(toHex(m.ntChallengeResponse), V2.ntProofStr + V2.temp);
  assert.equal(toHex(m.encryptedRandomSessionKey), V2.encryptedSessionKey);
});

Deno.test("OCS capture AUTHENTICATE_MESSAGE fields", () => {
  const m = decodeAuthenticateMessage(decodeGssapiData(OCS_CAPTURE.authenticateBase64));
  assert.equal(m.negotiateFlags, OCS_CAPTURE.authenticateFlags);
  assert.equal(m.userName, "User");
  assert.equal(m.domainName, "COSMO");
  assert.equal(m.workstation, "COSMO-OCS-R2");
  assert.equal(toHex(m.lmChallengeResponse), OCS_CAPTURE.lmv2Response);
  assert.equal(toHex(m.ntChallengeResponse.subarray(0, 16)), OCS_CAPTURE.ntProofStr);
  assert.equal(toHex(m.encryptedRandomSessionKey), OCS_CAPTURE.encryptedSessionKey);
});

Deno.test("a MIC makes an 88-byte header and is read back", () => {
  const fields = decodeAuthenticateMessage(V2.authenticateMessage);
  const mic = fromHex("00112233445566778899aabbccddeeff");
  const bytes = encodeAuthenticateMessage({ ...fields, mic });
  assert.equal(bytes.length, V2.authenticateMessage.length + 16);
  assert.equal(
    toHex(bytes.subarray(AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + 16)),
    toHex(mic),
  );
  const back = decodeAuthenticateMessage(bytes);
  assert.equal(toHex(back.mic!), toHex(mic));
  assert.equal(toHex(back.ntChallengeResponse), toHex(fields.ntChallengeResponse));
  assert.throws(() => encodeAuthenticateMessage({ ...fields, mic: new Uint8Array(8) }), RangeError);
});

Deno.test("AUTHENTICATE_MESSAGE decoding rejects malformed input", () => {
  const good = V2.authenticateMessage;
  assert.throws(() => decodeAuthenticateMessage(good.subarray(0, 60)), isMalformed);
  assert.throws(() => decodeAuthenticateMessage(V2.challengeMessage), isMalformed);
  assert.throws(() => decodeAuthenticateMessage(good.subarray(0, good.length - 1)), isMalformed);
  const overlapping = good.slice();
  overlapping[0x10] = 0x20; // LmChallengeResponse offset inside the fixed header
  assert.throws(() => decodeAuthenticateMessage(overlapping), isMalformed);
  const oddUser = good.slice();
  oddUser[0x24] = 0x07; // UserNameLen 7 with UNICODE
  assert.throws(() => decodeAuthenticateMessage(oddUser), isMalformed);
});
