import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "../crypto/bytes.ts";
import { NtlmAuthError } from "./errors.ts";
import { NegotiateFlag } from "./flags.ts";
import { NtlmSessionSecurity } from "./session_security.ts";
import { COMMON, OCS_CAPTURE, SIP_SIGNATURES, V1, V1_ESS, V2 } from "./testdata/nlmp_vectors.ts";

function pair(flags: number, exportedSessionKey: Uint8Array, keepEncryptedRandomPad = false) {
  return {
    client: new NtlmSessionSecurity({
      flags,
      exportedSessionKey,
      side: "client",
      keepEncryptedRandomPad,
    }),
    server: new NtlmSessionSecurity({ flags, exportedSessionKey, side: "server" }),
  };
}

Deno.test("MS-NLMP 4.2.2.4 GSS_WrapEx without ESS (NTLMv1)", () => {
  const { client, server } = pair(V1.challengeFlags, COMMON.randomSessionKey, true);
  const { data, signature } = client.wrap(COMMON.plaintext);
  assert.equal(toHex(data), V1.sealedData);
  assert.equal(toHex(signature), V1.wrapSignature);
  assert.equal(toHex(server.unwrap(data, signature)), toHex(COMMON.plaintext));
});

Deno.test("without ESS the RandomPad slot is sent as zeros by default and ignored on receipt", () => {
  const { client, server } = pair(V1.challengeFlags, COMMON.randomSessionKey);
  const { signature } = client.wrap(COMMON.plaintext);
  assert.equal(toHex(signature), "01000000" + "00000000" + V1.wrapSignature.slice(16));
  const fromVector = pair(V1.challengeFlags, COMMON.randomSessionKey).server;
  assert.equal(
    toHex(fromVector.unwrap(fromHex(V1.sealedData), fromHex(V1.wrapSignature))),
    toHex(COMMON.plaintext),
  );
  void server;
});

Deno.test("MS-NLMP 4.2.3.4 GSS_WrapEx, NTLMv1 with client challenge (ESS, no key exchange)", () => {
  const { client, server } = pair(V1_ESS.challengeFlags, fromHex(V1_ESS.keyExchangeKey));
  const { data, signature } = client.wrap(COMMON.plaintext);
  assert.equal(toHex(data), V1_ESS.sealedData);
  assert.equal(toHex(signature), V1_ESS.wrapSignature);
  assert.equal(toHex(server.unwrap(data, signature)), toHex(COMMON.plaintext));
});

Deno.test("MS-NLMP 4.2.4.4 GSS_WrapEx, NTLMv2 (checksum RC4'd on the sealing handle)", () => {
  const { client, server } = pair(V2.challengeFlags, COMMON.randomSessionKey);
  const { data, signature } = client.wrap(COMMON.plaintext);
  assert.equal(toHex(data), V2.sealedData);
  assert.equal(toHex(signature), V2.wrapSignature);
  assert.equal(toHex(server.unwrap(data, signature)), toHex(COMMON.plaintext));
});

Deno.test("unwrap rejects a tampered signature or sealed data", () => {
  const { client, server } = pair(V2.challengeFlags, COMMON.randomSessionKey);
  const { data, signature } = client.wrap(COMMON.plaintext);
  const badSignature = signature.slice();
  badSignature[6] ^= 0x80;
  const isBadSignature = (e: unknown) => e instanceof NtlmAuthError && e.code === "bad-signature";
  assert.throws(() => server.unwrap(data, badSignature), isBadSignature);
  const other = pair(V2.challengeFlags, COMMON.randomSessionKey);
  const { data: data2, signature: sig2 } = other.client.wrap(COMMON.plaintext);
  data2[0] ^= 1;
  assert.throws(() => other.server.unwrap(data2, sig2), isBadSignature);
});

Deno.test("connection-oriented: SeqNum counts per direction; out-of-order messages fail", () => {
  const { client, server } = pair(V2.challengeFlags, COMMON.randomSessionKey);
  const first = client.getMic(utf8("one"));
  const second = client.getMic(utf8("two"));
  assert.equal(toHex(first.subarray(12)), "00000000");
  assert.equal(toHex(second.subarray(12)), "01000000");
  assert.equal(server.verifyMic(utf8("two"), second), false); // expected SeqNum 0 first
  // §3.4.4: a failed check does not advance SeqNum (nor, here, the key state).
  assert.equal(server.verifyMic(utf8("one"), first), true);
  assert.equal(server.verifyMic(utf8("one"), first), false); // replay: SeqNum 1 expected now
  assert.equal(server.verifyMic(utf8("two"), second), true);
  assert.throws(() => client.getMic(utf8("x"), 5), RangeError);
});

Deno.test("datagram (MS-SIPAE): getMic with SeqNum 100 reproduces the OCS capture", () => {
  const exported = fromHex(OCS_CAPTURE.exportedSessionKey);
  const { client, server } = pair(OCS_CAPTURE.authenticateFlags, exported);
  const clientSig = client.getMic(utf8(SIP_SIGNATURES.clientBuffer), 100);
  assert.equal(toHex(clientSig), SIP_SIGNATURES.clientSignature);
  // Re-keyed per message: the same message signs the same way every time.
  assert.equal(toHex(client.getMic(utf8(SIP_SIGNATURES.clientBuffer), 100)), toHex(clientSig));
  assert.equal(server.verifyMic(utf8(SIP_SIGNATURES.clientBuffer), clientSig, 100), true);
  const serverSig = server.getMic(utf8(SIP_SIGNATURES.serverBuffer), 100);
  assert.equal(toHex(serverSig), SIP_SIGNATURES.serverSignature.toLowerCase());
  assert.equal(client.verifyMic(utf8(SIP_SIGNATURES.serverBuffer), serverSig, 100), true);
  assert.equal(client.verifyMic(utf8(SIP_SIGNATURES.serverBuffer), serverSig, 101), false);
  assert.throws(() => client.getMic(utf8("x")), RangeError);
});

Deno.test("only ALWAYS_SIGN: the dummy signature is produced and accepted", () => {
  const flags = NegotiateFlag.UNICODE | NegotiateFlag.ALWAYS_SIGN | NegotiateFlag.NTLM;
  const { client, server } = pair(flags, COMMON.randomSessionKey);
  const sig = client.getMic(utf8("anything"));
  assert.equal(toHex(sig), "01000000" + "00".repeat(12));
  assert.equal(server.verifyMic(utf8("else"), sig), true);
  assert.equal(server.verifyMic(utf8("else"), fromHex("02" + "00".repeat(15))), false);
});
