import assert from "node:assert/strict";
import {
  algorithmStrength,
  DIGEST_ALGORITHMS,
  hashHex,
  hashOf,
  hexLength,
  isSessionAlgorithm,
  parseDigestAlgorithm,
} from "./algorithms.ts";

Deno.test("hashes: FIPS 180-4 / RFC 1321 'abc' vectors, SHA-512/256 is not truncated SHA-512", () => {
  assert.equal(hashHex("MD5", "abc"), "900150983cd24fb0d6963f7d28e17f72");
  assert.equal(
    hashHex("SHA-256", "abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  // FIPS 180-4 example for SHA-512/256 (differs from the first half of SHA-512("abc") = ddaf35a1…).
  assert.equal(
    hashHex("SHA-512-256", "abc"),
    "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23",
  );
  assert.equal(hashHex("MD5", new Uint8Array(0)), "d41d8cd98f00b204e9800998ecf8427e");
  assert.equal(hashHex("MD5", "ä"), hashHex("MD5", new Uint8Array([0xc3, 0xa4])), "UTF-8");
});

Deno.test("algorithm names: case-insensitive reading, canonical spelling, unknown ones refused", () => {
  assert.equal(parseDigestAlgorithm("md5"), "MD5");
  assert.equal(parseDigestAlgorithm("MD5-SESS"), "MD5-sess");
  assert.equal(parseDigestAlgorithm("sha-512-256-Sess"), "SHA-512-256-sess");
  for (const bad of ["AKAv1-MD5", "SHA-512", "SHA256", "", "MD5 "]) {
    assert.equal(parseDigestAlgorithm(bad), undefined, bad);
  }
  for (const a of DIGEST_ALGORITHMS) assert.equal(parseDigestAlgorithm(a), a);
});

Deno.test("algorithm properties: hash, -sess, strength order, hex length", () => {
  assert.equal(hashOf("SHA-512-256-sess"), "SHA-512-256");
  assert.equal(hashOf("MD5"), "MD5");
  assert.equal(isSessionAlgorithm("SHA-256-sess"), true);
  assert.equal(isSessionAlgorithm("SHA-256"), false);
  assert.ok(algorithmStrength("SHA-512-256") > algorithmStrength("SHA-256"));
  assert.ok(algorithmStrength("SHA-256-sess") > algorithmStrength("MD5"));
  assert.equal(algorithmStrength("MD5"), algorithmStrength("MD5-sess"));
  assert.equal(hexLength("MD5"), hashHex("MD5", "x").length);
  assert.equal(hexLength("SHA-512-256"), hashHex("SHA-512-256", "x").length);
});
