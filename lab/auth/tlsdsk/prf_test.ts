import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { tls10Prf } from "./prf.ts";

// Known answers computed with OpenSSL 3.0's TLS1-PRF KDF (digest MD5-SHA1):
//   openssl kdf -keylen N -kdfopt digest:MD5-SHA1 -kdfopt hexsecret:S -kdfopt hexseed:LABEL||SEED TLS1-PRF

Deno.test("TLS 1.0 PRF: 128 octets with the TLS-DSK label match OpenSSL's TLS1-PRF", () => {
  const secret = fromHex(
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f" +
      "202122232425262728292a2b2c2d2e2f",
  );
  const seed = fromHex(
    "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" +
      "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf",
  );
  assert.equal(
    toHex(tls10Prf(secret, "client EAP encryption", seed, 128)),
    "f1dc0968d5c049312051d00dc8630503da9ff75eb1f1ff1aba2681638f56238f" +
      "df9a00cf92cf197534a1799e54a1111166dd740af4922f8606ee8d12e37231b3" +
      "182590c49139da766ea51660763262d4fecf7874a92f3484c246b4a061faadca" +
      "d2b0a59ca07dc86f20405df5105f497cadd8837dc1620fbbe413abaa3917e753",
  );
});

Deno.test("TLS 1.0 PRF: master secret from a 48-octet pre-master matches OpenSSL", () => {
  const preMaster = new Uint8Array(48).fill(0xaa);
  preMaster.set([3, 3]);
  assert.equal(
    toHex(tls10Prf(preMaster, "master secret", new Uint8Array(64).fill(0x55), 48)),
    "bf79b9cb4865ce128a4b7a1faf988f6a5ab81fbb8f5067f85e128eab32432055" +
      "da29c6955c14ead4965c013e978114b2",
  );
});

Deno.test("TLS 1.0 PRF: an odd-length secret shares its middle octet between the halves", () => {
  const secret = fromHex("0102030405");
  const a = tls10Prf(secret, "x", new Uint8Array(0), 16);
  const b = tls10Prf(fromHex("0102030406"), "x", new Uint8Array(0), 16);
  assert.notDeepEqual(a, b);
  assert.equal(a.length, 16);
});
