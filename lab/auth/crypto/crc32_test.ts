import assert from "node:assert/strict";
import { utf16le, utf8 } from "./bytes.ts";
import { crc32 } from "./crc32.ts";

Deno.test("CRC-32 check value of '123456789'", () => {
  assert.equal(crc32(utf8("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("CRC-32 of the MS-NLMP 4.2.2.4 Plaintext is 0x93aa847d", () => {
  assert.equal(crc32(utf16le("Plaintext")), 0x93aa847d);
});
