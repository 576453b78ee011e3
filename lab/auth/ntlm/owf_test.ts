import assert from "node:assert/strict";
import { toHex } from "../crypto/bytes.ts";
import { lmowfv1, ntowfv1, ntowfv2, ntowfv2FromNtHash } from "./owf.ts";
import { COMMON, OCS_CAPTURE, V1, V2 } from "./testdata/nlmp_vectors.ts";

Deno.test("MS-NLMP 4.2.2.1.1 LMOWFv1('Password')", () => {
  assert.equal(toHex(lmowfv1(COMMON.password)), V1.lmowf);
  assert.throws(() => lmowfv1("fifteen-chars!!"), RangeError);
});

Deno.test("MS-NLMP 4.2.2.1.2 NTOWFv1('Password')", () => {
  assert.equal(toHex(ntowfv1(COMMON.password)), V1.ntowf);
});

Deno.test("MS-NLMP 4.2.4.1.1 NTOWFv2('Password','User','Domain')", () => {
  assert.equal(toHex(ntowfv2(COMMON.password, COMMON.user, COMMON.domain)), V2.ntowf);
  // Only the user name is uppercased (§3.3.2): the domain's case matters.
  assert.notEqual(toHex(ntowfv2(COMMON.password, COMMON.user, "DOMAIN")), V2.ntowf);
  assert.equal(toHex(ntowfv2(COMMON.password, "uSeR", COMMON.domain)), V2.ntowf);
});

Deno.test("NTOWFv2 of the OCS 2007 R2 capture, and from a stored NT hash", () => {
  const { password, user, domain } = OCS_CAPTURE;
  assert.equal(toHex(ntowfv2(password, user, domain)), OCS_CAPTURE.ntowf);
  assert.equal(toHex(ntowfv2FromNtHash(ntowfv1(password), user, domain)), OCS_CAPTURE.ntowf);
});
