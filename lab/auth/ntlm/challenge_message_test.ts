import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { AvId, findAvPair, parseAvPairs } from "./av_pairs.ts";
import { decodeChallengeMessage, encodeChallengeMessage } from "./challenge_message.ts";
import { NtlmAuthError } from "./errors.ts";
import { decodeGssapiData } from "./gssapi_data.ts";
import { COMMON, OCS_CAPTURE, V1, V1_ESS, V2 } from "./testdata/nlmp_vectors.ts";

const isMalformed = (e: unknown) => e instanceof NtlmAuthError && e.code === "malformed-token";

Deno.test("MS-NLMP 4.2.4.3 CHALLENGE_MESSAGE decodes and re-encodes byte for byte", () => {
  const m = decodeChallengeMessage(V2.challengeMessage);
  assert.equal(m.negotiateFlags, V2.challengeFlags);
  assert.equal(toHex(m.serverChallenge), toHex(COMMON.serverChallenge));
  assert.equal(m.targetName, "Server");
  assert.equal(toHex(m.targetInfo!), V2.targetInfo);
  assert.deepEqual(m.version, { major: 6, minor: 0, build: 6000, revision: 15 });
  assert.equal(toHex(encodeChallengeMessage(m)), toHex(V2.challengeMessage));
});

Deno.test("MS-NLMP 4.2.2.3 and 4.2.3.3 CHALLENGE_MESSAGEs (no TargetInfo) round-trip", () => {
  for (const vector of [V1, V1_ESS]) {
    const m = decodeChallengeMessage(vector.challengeMessage);
    assert.equal(m.negotiateFlags, vector.challengeFlags);
    assert.equal(m.targetName, "Server");
    assert.equal(m.targetInfo, undefined);
    assert.equal(toHex(encodeChallengeMessage(m)), toHex(vector.challengeMessage));
  }
});

Deno.test("OCS 2007 R2 capture CHALLENGE_MESSAGE: fields and exact re-encoding", () => {
  const bytes = decodeGssapiData(OCS_CAPTURE.challengeBase64);
  const m = decodeChallengeMessage(bytes);
  assert.equal(m.negotiateFlags, OCS_CAPTURE.challengeFlags);
  assert.equal(toHex(m.serverChallenge), OCS_CAPTURE.serverChallenge);
  assert.equal(m.targetName, "");
  assert.equal(toHex(m.targetInfo!), OCS_CAPTURE.targetInfo.toLowerCase());
  const pairs = parseAvPairs(m.targetInfo!);
  const text = (id: number) => new TextDecoder("utf-16le").decode(findAvPair(pairs, id));
  assert.equal(text(AvId.NB_DOMAIN_NAME), "COSMO");
  assert.equal(text(AvId.NB_COMPUTER_NAME), "COSMO-OCS-R2");
  assert.equal(text(AvId.DNS_COMPUTER_NAME), "cosmo-ocs-r2.cosmo.local");
  assert.equal(text(AvId.DNS_TREE_NAME), "cosmo.local");
  assert.equal(toHex(encodeChallengeMessage(m)), toHex(bytes));
});

Deno.test("CHALLENGE_MESSAGE decoding rejects malformed input", () => {
  const good = V2.challengeMessage;
  assert.throws(() => decodeChallengeMessage(good.subarray(0, 40)), isMalformed);
  const badSignature = good.slice();
  badSignature[0] = 0x41;
  assert.throws(() => decodeChallengeMessage(badSignature), isMalformed);
  assert.throws(() => decodeChallengeMessage(V2.authenticateMessage), isMalformed); // type 3
  assert.throws(() => decodeChallengeMessage(good.subarray(0, good.length - 4)), isMalformed);
  const noCharset = good.slice();
  noCharset[20] &= ~0x03;
  assert.throws(() => decodeChallengeMessage(noCharset), isMalformed);
  const oddName = good.slice();
  oddName[12] = 0x0b; // TargetNameLen 11: not a whole UTF-16 string
  assert.throws(() => decodeChallengeMessage(oddName), isMalformed);
});

Deno.test("a CHALLENGE_MESSAGE without the Version field (48-byte header) is accepted", () => {
  const m = decodeChallengeMessage(fromHex(
    "4e544c4d53535000020000000000000030000000" + "35820000" + "0123456789abcdef" +
      "0000000000000000" + "0400040030000000" + "00000000",
  ));
  assert.equal(m.version, undefined);
  assert.equal(toHex(m.targetInfo!), "00000000");
});
