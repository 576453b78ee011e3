import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { lmowfv1, ntowfv1, ntowfv2 } from "./owf.ts";
import {
  buildNtlmV2ClientChallenge,
  computeResponseV1,
  computeResponseV2,
  desl,
  parseNtlmV2Response,
} from "./responses.ts";
import { COMMON, OCS_CAPTURE, V1, V1_ESS, V2 } from "./testdata/nlmp_vectors.ts";

Deno.test("MS-NLMP 4.2.2.2 NTLMv1 and LMv1 responses, 4.2.2.1.3 session base key", () => {
  const r = computeResponseV1({
    extendedSessionSecurity: false,
    responseKeyNT: ntowfv1(COMMON.password),
    responseKeyLM: lmowfv1(COMMON.password),
    serverChallenge: COMMON.serverChallenge,
    noLmResponseNtlmV1: false,
  });
  assert.equal(toHex(r.ntChallengeResponse), V1.ntlmv1Response);
  assert.equal(toHex(r.lmChallengeResponse), V1.lmv1Response);
  assert.equal(toHex(r.sessionBaseKey), V1.sessionBaseKey);
});

Deno.test("NoLMResponseNTLMv1 (default) sends the NT response as the LM response", () => {
  const r = computeResponseV1({
    extendedSessionSecurity: false,
    responseKeyNT: ntowfv1(COMMON.password),
    serverChallenge: COMMON.serverChallenge,
  });
  assert.equal(toHex(r.lmChallengeResponse), V1.ntlmv1Response);
});

Deno.test("MS-NLMP 4.2.3.2 NTLMv1 with client challenge", () => {
  const r = computeResponseV1({
    extendedSessionSecurity: true,
    responseKeyNT: ntowfv1(COMMON.password),
    serverChallenge: COMMON.serverChallenge,
    clientChallenge: COMMON.clientChallenge,
  });
  assert.equal(toHex(r.lmChallengeResponse), V1_ESS.lmv1Response);
  assert.equal(toHex(r.ntChallengeResponse), V1_ESS.ntlmv1Response);
  assert.equal(toHex(r.sessionBaseKey), V1.sessionBaseKey);
  const withoutClientChallenge = () =>
    computeResponseV1({
      extendedSessionSecurity: true,
      responseKeyNT: ntowfv1(COMMON.password),
      serverChallenge: COMMON.serverChallenge,
    });
  assert.throws(withoutClientChallenge, RangeError);
});

Deno.test("DESL pads the third key part with zeros (MS-NLMP §6)", () => {
  const key = ntowfv1(COMMON.password);
  assert.equal(toHex(desl(key, COMMON.serverChallenge)), V1.ntlmv1Response);
  assert.throws(() => desl(key.subarray(0, 15), COMMON.serverChallenge), RangeError);
});

Deno.test("MS-NLMP 4.2.4.1.3 temp and 4.2.4.2 NTLMv2 / LMv2 responses", () => {
  const key = ntowfv2(COMMON.password, COMMON.user, COMMON.domain);
  const serverName = fromHex(V2.targetInfo);
  assert.equal(
    toHex(buildNtlmV2ClientChallenge(COMMON.time, COMMON.clientChallenge, serverName)),
    V2.temp,
  );
  const r = computeResponseV2({
    responseKeyNT: key,
    responseKeyLM: key,
    serverChallenge: COMMON.serverChallenge,
    clientChallenge: COMMON.clientChallenge,
    time: COMMON.time,
    serverName,
  });
  assert.equal(toHex(r.ntProofStr), V2.ntProofStr);
  assert.equal(toHex(r.ntChallengeResponse), V2.ntProofStr + V2.temp);
  assert.equal(toHex(r.lmChallengeResponse), V2.lmv2Response);
  assert.equal(toHex(r.sessionBaseKey), V2.sessionBaseKey);
});

Deno.test("NTLMv2 response of the OCS 2007 R2 capture", () => {
  const key = ntowfv2(OCS_CAPTURE.password, OCS_CAPTURE.user, OCS_CAPTURE.domain);
  const r = computeResponseV2({
    responseKeyNT: key,
    responseKeyLM: key,
    serverChallenge: fromHex(OCS_CAPTURE.serverChallenge),
    clientChallenge: fromHex(OCS_CAPTURE.clientChallenge),
    time: fromHex(OCS_CAPTURE.time),
    serverName: fromHex(OCS_CAPTURE.targetInfo),
  });
  assert.equal(toHex(r.ntProofStr), OCS_CAPTURE.ntProofStr);
  assert.equal(toHex(r.lmChallengeResponse), OCS_CAPTURE.lmv2Response);
  assert.equal(toHex(r.sessionBaseKey), OCS_CAPTURE.sessionBaseKey);
});

Deno.test("parseNtlmV2Response splits NTProofStr, timestamp, client challenge, AV pairs", () => {
  const parsed = parseNtlmV2Response(fromHex(V2.ntProofStr + V2.temp));
  assert.equal(toHex(parsed.ntProofStr), V2.ntProofStr);
  assert.equal(toHex(parsed.temp), V2.temp);
  assert.equal(toHex(parsed.timestamp), "0000000000000000");
  assert.equal(toHex(parsed.clientChallenge), "aaaaaaaaaaaaaaaa");
  assert.equal(toHex(parsed.avPairs), V2.targetInfo + "00000000");
});

Deno.test("parseNtlmV2Response rejects short responses and a wrong RespType", () => {
  const short = () => parseNtlmV2Response(fromHex(V1.ntlmv1Response));
  assert.throws(short, (e) => e instanceof NtlmAuthError && e.code === "malformed-token");
  const bad = fromHex(V2.ntProofStr + V2.temp);
  bad[16] = 2;
  assert.throws(() => parseNtlmV2Response(bad), (e) => e instanceof NtlmAuthError);
});
