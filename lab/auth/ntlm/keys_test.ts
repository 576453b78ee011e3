import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { NegotiateFlag } from "./flags.ts";
import {
  deriveSessionKeys,
  encryptSessionKey,
  keyExchangeKey,
  sealingKey,
  signingKey,
  usesKeyExchange,
} from "./keys.ts";
import { lmowfv1, ntowfv1 } from "./owf.ts";
import { computeResponseV1 } from "./responses.ts";
import { COMMON, OCS_CAPTURE, V1, V1_ESS, V2 } from "./testdata/nlmp_vectors.ts";

const v1 = computeResponseV1({
  extendedSessionSecurity: false,
  responseKeyNT: ntowfv1(COMMON.password),
  responseKeyLM: lmowfv1(COMMON.password),
  serverChallenge: COMMON.serverChallenge,
  noLmResponseNtlmV1: false,
});
const kxInput = {
  ntlmV2: false,
  sessionBaseKey: v1.sessionBaseKey,
  lmChallengeResponse: v1.lmChallengeResponse,
  serverChallenge: COMMON.serverChallenge,
  lmowf: lmowfv1(COMMON.password),
};

Deno.test("MS-NLMP 4.2.2.2.3 encrypted session key: plain KXKEY = SessionBaseKey", () => {
  const kx = keyExchangeKey({ ...kxInput, flags: V1.challengeFlags });
  assert.equal(toHex(kx), V1.sessionBaseKey);
  assert.equal(toHex(encryptSessionKey(kx, COMMON.randomSessionKey)), V1.encryptedSessionKey);
});

Deno.test("MS-NLMP 4.2.2.2.3 with NTLMSSP_REQUEST_NON_NT_SESSION_KEY", () => {
  const flags = V1.challengeFlags | NegotiateFlag.REQUEST_NON_NT_SESSION_KEY;
  const kx = keyExchangeKey({ ...kxInput, flags });
  assert.equal(toHex(kx), V1.lmowf.slice(0, 16) + "0".repeat(16));
  assert.equal(toHex(encryptSessionKey(kx, COMMON.randomSessionKey)), V1.encryptedSessionKeyNonNt);
});

Deno.test("MS-NLMP 4.2.2.2.2 / 4.2.2.2.3 with NTLMSSP_NEGOTIATE_LM_KEY", () => {
  const kx = keyExchangeKey({ ...kxInput, flags: V1.challengeFlags | NegotiateFlag.LM_KEY });
  assert.equal(toHex(kx), V1.keyExchangeKeyLmKey);
  assert.equal(toHex(encryptSessionKey(kx, COMMON.randomSessionKey)), V1.encryptedSessionKeyLmKey);
  assert.throws(() =>
    keyExchangeKey({ ...kxInput, lmowf: undefined, flags: NegotiateFlag.LM_KEY })
  );
});

Deno.test("MS-NLMP 4.2.3.1.3 KXKEY with extended session security", () => {
  const ess = computeResponseV1({
    extendedSessionSecurity: true,
    responseKeyNT: ntowfv1(COMMON.password),
    serverChallenge: COMMON.serverChallenge,
    clientChallenge: COMMON.clientChallenge,
  });
  const kx = keyExchangeKey({
    flags: V1_ESS.challengeFlags,
    ntlmV2: false,
    sessionBaseKey: ess.sessionBaseKey,
    lmChallengeResponse: ess.lmChallengeResponse,
    serverChallenge: COMMON.serverChallenge,
  });
  assert.equal(toHex(kx), V1_ESS.keyExchangeKey);
});

Deno.test("MS-NLMP 4.2.3.4 56-bit sealing key and signing key (no key exchange)", () => {
  const exported = fromHex(V1_ESS.keyExchangeKey);
  assert.equal(usesKeyExchange(V1_ESS.challengeFlags), false);
  assert.equal(
    toHex(sealingKey(V1_ESS.challengeFlags, exported, "client")),
    V1_ESS.clientSealingKey,
  );
  assert.equal(
    toHex(signingKey(V1_ESS.challengeFlags, exported, "client")),
    V1_ESS.clientSigningKey,
  );
});

Deno.test("MS-NLMP 4.2.4.2.3 / 4.2.4.4 NTLMv2 encrypted session key, sealing and signing keys", () => {
  assert.equal(
    toHex(encryptSessionKey(fromHex(V2.sessionBaseKey), COMMON.randomSessionKey)),
    V2.encryptedSessionKey,
  );
  const keys = deriveSessionKeys(V2.challengeFlags, COMMON.randomSessionKey);
  assert.equal(toHex(keys.clientSealingKey), V2.clientSealingKey);
  assert.equal(toHex(keys.clientSigningKey), V2.clientSigningKey);
  assert.notEqual(toHex(keys.serverSigningKey), V2.clientSigningKey);
});

Deno.test("OCS capture: ExportedSessionKey from EncryptedRandomSessionKey and the four keys", () => {
  const exported = encryptSessionKey(
    fromHex(OCS_CAPTURE.sessionBaseKey),
    fromHex(OCS_CAPTURE.encryptedSessionKey),
  );
  assert.equal(toHex(exported), OCS_CAPTURE.exportedSessionKey);
  const keys = deriveSessionKeys(OCS_CAPTURE.authenticateFlags, exported);
  assert.equal(toHex(keys.clientSigningKey), OCS_CAPTURE.clientSigningKey);
  assert.equal(toHex(keys.clientSealingKey), OCS_CAPTURE.clientSealingKey);
  assert.equal(toHex(keys.serverSigningKey), OCS_CAPTURE.serverSigningKey);
  assert.equal(toHex(keys.serverSealingKey), OCS_CAPTURE.serverSealingKey);
});

Deno.test("SEALKEY without ESS (MS-NLMP §3.4.5.3) and SIGNKEY NIL without ESS", () => {
  const key = fromHex("0102030405060708090a0b0c0d0e0f10");
  assert.equal(toHex(sealingKey(0, key, "client")), toHex(key));
  const lm56 = NegotiateFlag.LM_KEY | NegotiateFlag.NEGOTIATE_56;
  assert.equal(toHex(sealingKey(lm56, key, "server")), "01020304050607a0");
  assert.equal(toHex(sealingKey(NegotiateFlag.DATAGRAM, key, "client")), "0102030405e538b0");
  // Datagram weakening only applies from NTLM revision W2K3 (15) on.
  assert.equal(toHex(sealingKey(NegotiateFlag.DATAGRAM, key, "client", 10)), toHex(key));
  assert.equal(signingKey(0, key, "client").length, 0);
  // 40-bit with ESS hashes only the first 5 bytes.
  const ess40 = sealingKey(NegotiateFlag.EXTENDED_SESSIONSECURITY, key, "client");
  const other = fromHex("0102030405ffffffffffffffffffffff");
  assert.equal(
    toHex(sealingKey(NegotiateFlag.EXTENDED_SESSIONSECURITY, other, "client")),
    toHex(ess40),
  );
});
