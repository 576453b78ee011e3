import assert from "node:assert/strict";
import { fromHex, le32, toHex, utf8 } from "../crypto/bytes.ts";
import { md5 } from "../crypto/digests.ts";
import { Rc4 } from "../crypto/rc4.ts";
import {
  alwaysSignDummySignature,
  macWithExtendedSessionSecurity,
  macWithoutExtendedSessionSecurity,
} from "./mac.ts";
import { OCS_CAPTURE, SIP_SIGNATURES, V2 } from "./testdata/nlmp_vectors.ts";
import { COMMON } from "./testdata/nlmp_vectors.ts";

Deno.test("MAC with ESS + KEY_EXCH, datagram re-key, seq 100: OCS capture client signature", () => {
  const handle = new Rc4(md5(fromHex(OCS_CAPTURE.clientSealingKey), le32(100)));
  const sig = macWithExtendedSessionSecurity(
    fromHex(OCS_CAPTURE.clientSigningKey),
    100,
    utf8(SIP_SIGNATURES.clientBuffer),
    handle,
  );
  assert.equal(toHex(sig), SIP_SIGNATURES.clientSignature);
});

Deno.test("MAC with ESS + KEY_EXCH, datagram re-key, seq 100: OCS capture server signature", () => {
  const handle = new Rc4(md5(fromHex(OCS_CAPTURE.serverSealingKey), le32(100)));
  const sig = macWithExtendedSessionSecurity(
    fromHex(OCS_CAPTURE.serverSigningKey),
    100,
    utf8(SIP_SIGNATURES.serverBuffer),
    handle,
  );
  assert.equal(toHex(sig), SIP_SIGNATURES.serverSignature.toLowerCase());
});

Deno.test("MAC with ESS without key exchange leaves the checksum clear (MS-NLMP 4.2.4.4 value)", () => {
  const sig = macWithExtendedSessionSecurity(
    fromHex(V2.clientSigningKey),
    0,
    COMMON.plaintext,
    undefined,
  );
  assert.equal(toHex(sig), "01000000" + V2.checksumBeforeRc4 + "00000000");
});

Deno.test("MAC without ESS: OCS 2007 legacy signature (RC4 keyed with the session key)", () => {
  const sig = macWithoutExtendedSessionSecurity(
    new Rc4(fromHex(SIP_SIGNATURES.legacyKey)),
    100,
    utf8(SIP_SIGNATURES.legacyBuffer),
  );
  assert.equal(toHex(sig), SIP_SIGNATURES.legacySignature.toLowerCase());
});

Deno.test("MAC without ESS: one changed byte of the message changes the checksum", () => {
  const buffer = utf8(SIP_SIGNATURES.legacyBuffer);
  buffer[10] ^= 1;
  const sig = macWithoutExtendedSessionSecurity(
    new Rc4(fromHex(SIP_SIGNATURES.legacyKey)),
    100,
    buffer,
  );
  assert.notEqual(toHex(sig), SIP_SIGNATURES.legacySignature.toLowerCase());
});

Deno.test("ALWAYS_SIGN without SIGN gives the fixed dummy signature (MS-NLMP §3.4.4.3)", () => {
  assert.equal(toHex(alwaysSignDummySignature()), "01000000" + "00".repeat(12));
});
