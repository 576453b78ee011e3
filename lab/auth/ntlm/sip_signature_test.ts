import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { NtlmAuthError } from "./errors.ts";
import { deriveSessionKeys } from "./keys.ts";
import {
  buildSignatureBuffer,
  type SignableMessage,
  signSipBuffer,
  type SipSigningKeys,
  verifySipSignature,
} from "./sip_signature.ts";
import { OCS_CAPTURE, SIP_SIGNATURES } from "./testdata/nlmp_vectors.ts";
import { captureOk, captureRegister, legacyOk } from "./testdata/sip_messages.ts";

const keys = deriveSessionKeys(
  OCS_CAPTURE.authenticateFlags,
  fromHex(OCS_CAPTURE.exportedSessionKey),
);
const flags = OCS_CAPTURE.authenticateFlags;
const clientKeys: SipSigningKeys = {
  signingKey: keys.clientSigningKey,
  sealingKey: keys.clientSealingKey,
  flags,
};
const serverKeys: SipSigningKeys = {
  signingKey: keys.serverSigningKey,
  sealingKey: keys.serverSealingKey,
  flags,
};
const names = {
  realm: "SIP Communications Service",
  targetName: "cosmo-ocs-r2.cosmo.local",
};

Deno.test("version 4 request buffer of the capture REGISTER, and its signature", () => {
  const buffer = buildSignatureBuffer(
    captureRegister(),
    { scheme: "NTLM", rand: "13317733", num: "1", ...names },
    4,
  );
  assert.equal(buffer, SIP_SIGNATURES.clientBuffer);
  assert.equal(toHex(signSipBuffer(clientKeys, buffer)), SIP_SIGNATURES.clientSignature);
  assert.equal(verifySipSignature(clientKeys, buffer, SIP_SIGNATURES.clientSignature), true);
});

Deno.test("version 4 response buffer of the capture 200 OK, and its signature", () => {
  const buffer = buildSignatureBuffer(
    captureOk(),
    { scheme: "NTLM", rand: "9616454F", num: "1", ...names },
    4,
  );
  assert.equal(buffer, SIP_SIGNATURES.serverBuffer);
  assert.equal(
    toHex(signSipBuffer(serverKeys, buffer)).toUpperCase(),
    SIP_SIGNATURES.serverSignature,
  );
  assert.equal(verifySipSignature(serverKeys, buffer, SIP_SIGNATURES.serverSignature), true);
  assert.equal(verifySipSignature(clientKeys, buffer, SIP_SIGNATURES.serverSignature), false);
});

Deno.test("legacy (version 2) response buffer and the no-ESS OCS 2007 signature", () => {
  const buffer = buildSignatureBuffer(
    legacyOk(),
    {
      scheme: "NTLM",
      rand: "0878F41B",
      num: "1",
      realm: "SIP Communications Service",
      targetName: "ocs1.ocs.provo.novell.com",
    },
    2,
  );
  assert.equal(buffer, SIP_SIGNATURES.legacyBuffer);
  const legacyKeys = {
    signingKey: new Uint8Array(0),
    sealingKey: fromHex(SIP_SIGNATURES.legacyKey),
    flags: 0,
  };
  assert.equal(
    toHex(signSipBuffer(legacyKeys, buffer)).toUpperCase(),
    SIP_SIGNATURES.legacySignature,
  );
  assert.equal(verifySipSignature(legacyKeys, buffer, SIP_SIGNATURES.legacySignature), true);
  const otherPad = "01000000DEADBEEF" + SIP_SIGNATURES.legacySignature.slice(16);
  assert.equal(verifySipSignature(legacyKeys, buffer, otherPad), true); // RandomPad not checked
  const tampered = buffer.replace("<900>", "<901>");
  assert.equal(verifySipSignature(legacyKeys, tampered, SIP_SIGNATURES.legacySignature), false);
});

Deno.test("one changed byte in the buffer or the signature fails verification", () => {
  const buffer = SIP_SIGNATURES.clientBuffer;
  assert.equal(
    verifySipSignature(clientKeys, buffer.replace("<3>", "<4>"), SIP_SIGNATURES.clientSignature),
    false,
  );
  const flipped = SIP_SIGNATURES.clientSignature.replace("29618e96", "29618e97");
  assert.equal(verifySipSignature(clientKeys, buffer, flipped), false);
  assert.equal(verifySipSignature(clientKeys, buffer, "not hex"), false);
  assert.equal(
    verifySipSignature(clientKeys, buffer, SIP_SIGNATURES.clientSignature + "00"),
    false,
  );
});

Deno.test("the buffer takes values as written, P-Asserted-Identity sip and tel URIs, compact forms", () => {
  const request = new SipRequest("MESSAGE", "sip:bob@contoso.com")
    .addHeader("f", '"Alice" <sip:Alice@Contoso.com>;TAG=ab12;epid=01')
    .addHeader("t", "<sip:bob@contoso.com;transport=tls>")
    .addHeader("i", "  Call-Id-Text ")
    .addHeader("CSeq", "0042  MESSAGE")
    .addHeader("P-Asserted-Identity", "<tel:+14255550100>")
    .addHeader("P-Asserted-Identity", '"Alice" <sip:alice@contoso.com>')
    .addHeader("Expires", " 600");
  const auth = { scheme: "NTLM", rand: "0a0b0c0d", num: "7", realm: "R", targetName: "T" };
  assert.equal(
    buildSignatureBuffer(request, auth, 3),
    "<NTLM><0a0b0c0d><7><R><T><Call-Id-Text><0042><MESSAGE><sip:Alice@Contoso.com><ab12>" +
      "<sip:bob@contoso.com;transport=tls><><sip:alice@contoso.com><tel:+14255550100><600>",
  );
  assert.equal(
    buildSignatureBuffer(request, auth, 2),
    "<NTLM><0a0b0c0d><7><R><T><Call-Id-Text><0042><MESSAGE><sip:Alice@Contoso.com><ab12><><600>",
  );
});

Deno.test("P-Preferred-Identity stands in when there is no P-Asserted-Identity", () => {
  const response = new SipResponse(486, "Busy Here")
    .addHeader("From", "<sip:a@x>;tag=1")
    .addHeader("To", "<sip:b@x>;tag=2")
    .addHeader("Call-ID", "c")
    .addHeader("CSeq", "1 INVITE")
    .addHeader("P-Preferred-Identity", "<sip:b@x>, <tel:+1555>");
  assert.equal(
    buildSignatureBuffer(response, {
      scheme: "NTLM",
      rand: "r",
      num: "1",
      realm: "R",
      targetName: "T",
    }, 4),
    "<NTLM><r><1><R><T><c><1><INVITE><sip:a@x><1><sip:b@x><2><sip:b@x><tel:+1555><><486>",
  );
});

Deno.test("a plain object with a header getter is a SignableMessage", () => {
  const headers: Record<string, string> = {
    "call-id": "x",
    cseq: "9 OPTIONS",
    from: "<sip:a@x>;tag=t",
    to: "<sip:b@x>",
  };
  const message: SignableMessage = {
    kind: "request",
    header: (name) => headers[name.toLowerCase()],
    headerValues: (name) => headers[name.toLowerCase()] ? [headers[name.toLowerCase()]] : [],
  };
  const auth = { scheme: "NTLM", rand: "r", num: "2", realm: "R", targetName: "T" };
  assert.equal(
    buildSignatureBuffer(message, auth, 4),
    "<NTLM><r><2><R><T><x><9><OPTIONS><sip:a@x><t><sip:b@x><><><><>",
  );
});

Deno.test("missing or malformed headers are reported as malformed-auth-param", () => {
  const auth = { scheme: "NTLM", rand: "r", num: "1", realm: "R", targetName: "T" };
  const isMalformed = (e: unknown) =>
    e instanceof NtlmAuthError && e.code === "malformed-auth-param";
  const base = () =>
    new SipRequest("OPTIONS", "sip:b@x")
      .addHeader("From", "<sip:a@x>;tag=1")
      .addHeader("To", "<sip:b@x>")
      .addHeader("Call-ID", "c")
      .addHeader("CSeq", "1 OPTIONS");
  const noCallId = base();
  noCallId.removeHeader("Call-ID");
  assert.throws(() => buildSignatureBuffer(noCallId, auth, 4), isMalformed);
  assert.throws(
    () => buildSignatureBuffer(base().setHeader("CSeq", "one OPTIONS"), auth, 4),
    isMalformed,
  );
  assert.throws(
    () => buildSignatureBuffer(base().setHeader("From", "<sip:a@x"), auth, 4),
    isMalformed,
  );
  const badPai = base().addHeader("P-Asserted-Identity", "<sip:a@x");
  assert.throws(() => buildSignatureBuffer(badPai, auth, 4), isMalformed);
});
