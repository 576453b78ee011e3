import assert from "node:assert/strict";
import { fromHex, toHex, utf8 } from "./bytes.ts";
import { Rc4, rc4k } from "./rc4.ts";

Deno.test("RC4K: classic known-answer vectors", () => {
  assert.equal(toHex(rc4k(utf8("Key"), utf8("Plaintext"))), "bbf316e8d940af0ad3");
  assert.equal(toHex(rc4k(utf8("Wiki"), utf8("pedia"))), "1021bf0420");
  assert.equal(toHex(rc4k(utf8("Secret"), utf8("Attack at dawn"))), "45a01f645fc35b383552544b9bf5");
});

Deno.test("RC4: RFC 6229 keystream for the 40-bit key 0x0102030405", () => {
  const keystream = rc4k(fromHex("0102030405"), new Uint8Array(32));
  assert.equal(toHex(keystream.subarray(0, 16)), "b2396305f03dc027ccc3524a0a1118a8");
  assert.equal(toHex(keystream.subarray(16, 32)), "6982944f18fc82d589c403a47a0d0919");
});

Deno.test("RC4 handle continues the keystream across calls (MS-NLMP RC4(Handle, D))", () => {
  const key = fromHex("0102030405");
  const whole = rc4k(key, new Uint8Array(32));
  const handle = new Rc4(key);
  const first = handle.transform(new Uint8Array(10));
  const rest = handle.transform(new Uint8Array(22));
  assert.equal(toHex(first) + toHex(rest), toHex(whole));
});

Deno.test("RC4 decrypts what it encrypts and rejects an empty key", () => {
  const key = utf8("k");
  assert.equal(toHex(rc4k(key, rc4k(key, utf8("hello")))), toHex(utf8("hello")));
  assert.throws(() => new Rc4(new Uint8Array(0)), RangeError);
});

Deno.test("RC4 clone continues independently from the same state", () => {
  const handle = new Rc4(utf8("Key"));
  handle.transform(new Uint8Array(3));
  const copy = handle.clone();
  const a = handle.transform(new Uint8Array(6));
  const b = copy.transform(new Uint8Array(6));
  assert.equal(toHex(a), toHex(b));
  assert.equal(toHex(a), toHex(rc4k(utf8("Key"), new Uint8Array(9)).subarray(3)));
});
