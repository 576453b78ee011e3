import assert from "node:assert/strict";
import { createCipheriv } from "node:crypto";
import { concatBytes, fromHex, toHex, utf8 } from "./bytes.ts";
import { desEncryptBlock, expandDesKey } from "./des.ts";

Deno.test("DES: textbook known answers (FIPS 46 worked example and 'Now is t')", () => {
  assert.equal(
    toHex(desEncryptBlock(fromHex("133457799bbcdff1"), fromHex("0123456789abcdef"))),
    "85e813540f0ab405",
  );
  assert.equal(
    toHex(desEncryptBlock(fromHex("0123456789abcdef"), utf8("Now is t"))),
    "3fa40e8a984d4815",
  );
});

Deno.test("DES with a 7-byte key: MS-NLMP 4.2.2.1.1 LMOWFv1 halves", () => {
  const upper = utf8("PASSWORD\0\0\0\0\0\0");
  const magic = utf8("KGS!@#$%");
  assert.equal(toHex(desEncryptBlock(upper.subarray(0, 7), magic)), "e52cac67419a9a22");
  assert.equal(toHex(desEncryptBlock(upper.subarray(7, 14), magic)), "4a3b108f3fa6cb6d");
});

Deno.test("expandDesKey spreads 56 bits over 8 bytes with odd parity", () => {
  assert.equal(toHex(expandDesKey(fromHex("00000000000000"))), "0101010101010101");
  assert.equal(toHex(expandDesKey(fromHex("ffffffffffffff"))), "fefefefefefefefe");
  assert.throws(() => expandDesKey(new Uint8Array(8)), RangeError);
});

Deno.test("DES agrees with the runtime's 3DES-EDE (K,K,K) used as an independent oracle", () => {
  // EDE with three equal keys is single DES; one CBC block with a zero IV is ECB.
  let seed = 0x1234567;
  const next = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
  for (let round = 0; round < 16; round++) {
    const key = Uint8Array.from({ length: 8 }, next);
    const block = Uint8Array.from({ length: 8 }, next);
    const oracle = createCipheriv("des-ede3-cbc", concatBytes(key, key, key), new Uint8Array(8));
    oracle.setAutoPadding(false);
    const expected = new Uint8Array(oracle.update(block));
    assert.equal(toHex(desEncryptBlock(key, block)), toHex(expected));
  }
});
