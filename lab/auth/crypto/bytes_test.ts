import assert from "node:assert/strict";
import {
  bytesEqual,
  concatBytes,
  fromHex,
  fromUtf16le,
  le32,
  readLe16,
  readLe32,
  toHex,
  utf16le,
  writeLe16,
  writeLe32,
} from "./bytes.ts";

Deno.test("hex round trip accepts hexdump spacing and either case", () => {
  assert.equal(toHex(fromHex("4E 54 4c 4d\n53 53 50 00")), "4e544c4d53535000");
  assert.throws(() => fromHex("abc"), RangeError);
  assert.throws(() => fromHex("zz"), RangeError);
});

Deno.test("little-endian integers (MS-NLMP §2.2)", () => {
  assert.equal(toHex(le32(100)), "64000000");
  assert.equal(toHex(le32(0xe2028233)), "338202e2");
  const b = new Uint8Array(6);
  writeLe16(b, 0, 0x1234);
  writeLe32(b, 2, 0xdeadbeef);
  assert.equal(toHex(b), "3412efbeadde");
  assert.equal(readLe16(b, 0), 0x1234);
  assert.equal(readLe32(b, 2), 0xdeadbeef);
});

Deno.test("UNICODE() is UTF-16LE without BOM (MS-NLMP 4.2.1 User)", () => {
  assert.equal(toHex(utf16le("User")), "5500730065007200");
  assert.equal(fromUtf16le(fromHex("44006f006d00610069006e00")), "Domain");
  assert.throws(() => fromUtf16le(new Uint8Array(3)), RangeError);
});

Deno.test("concatBytes and bytesEqual", () => {
  const joined = concatBytes(fromHex("01"), new Uint8Array(0), fromHex("0203"));
  assert.equal(toHex(joined), "010203");
  assert.equal(bytesEqual(joined, fromHex("010203")), true);
  assert.equal(bytesEqual(joined, fromHex("010204")), false);
  assert.equal(bytesEqual(joined, fromHex("0102")), false);
});
