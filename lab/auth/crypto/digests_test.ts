import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "./bytes.ts";
import { hmacMd5, md4, md5 } from "./digests.ts";

Deno.test("MD4: RFC 1320 appendix A.5 test suite", () => {
  const suite: [string, string][] = [
    ["", "31d6cfe0d16ae931b73c59d7e0c089c0"],
    ["a", "bde52cb31de33e46245e05fbdbd6fb24"],
    ["abc", "a448017aaf21d8525fc10ae87aa6729d"],
    ["message digest", "d9130a8164549fe818874806e1c7014b"],
    ["abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"],
    [
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
      "043f8582f241db351ce627e153e7f0e4",
    ],
    ["1234567890".repeat(8), "e33b4ddc9c38f2199c3e7b164fcc0536"],
  ];
  for (const [input, digest] of suite) assert.equal(toHex(md4(utf8(input))), digest, input);
});

Deno.test("MD4 and MD5 hash the concatenation of their parts", () => {
  assert.equal(toHex(md4(utf8("message "), utf8("digest"))), "d9130a8164549fe818874806e1c7014b");
  assert.equal(toHex(md5(utf8("message "), utf8("digest"))), "f96b697d7cb7938d525a2f31aaf161d0");
});

Deno.test("MD5: RFC 1321 appendix A.5 test suite (excerpt)", () => {
  assert.equal(toHex(md5(utf8(""))), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(toHex(md5(utf8("abc"))), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(
    toHex(
      md5(utf8("12345678901234567890123456789012345678901234567890123456789012345678901234567890")),
    ),
    "57edf4a22be3c955ac49da2e2107b67a",
  );
});

Deno.test("HMAC-MD5: RFC 2104 section 6 test vectors", () => {
  assert.equal(
    toHex(hmacMd5(fromHex("0b".repeat(16)), utf8("Hi There"))),
    "9294727a3638bb1c13f48ef8158bfc9d",
  );
  assert.equal(
    toHex(hmacMd5(utf8("Jefe"), utf8("what do ya want "), utf8("for nothing?"))),
    "750c783e6ab0b503eaa86e310a5db738",
  );
  assert.equal(
    toHex(hmacMd5(fromHex("aa".repeat(16)), fromHex("dd".repeat(50)))),
    "56be34521d144c88dbb8c733f0e8b3f6",
  );
});
