/**
 * RFC 2118 MPPC: bit-exact known answers derived by hand from the RFC's tables, round trips,
 * history management across packets, and rejection of corrupt input.
 */
import assert from "node:assert/strict";
import { BitWriter } from "./bit_stream.ts";
import { MppcCompressor, MppcDecompressor, MppcError, type MppcPacket } from "./mppc.ts";
import {
  MPPC_HISTORY_SIZE,
  PACKET_AT_FRONT,
  PACKET_COMPRESSED,
  PACKET_FLUSHED,
  writeCopy,
} from "./mppc_codes.ts";
import { concatBytes, randomBytes, seededRandom } from "./test_support.ts";

const FIRST = PACKET_COMPRESSED | PACKET_AT_FRONT;
const te = new TextEncoder();

/**
 * A bit string ("0"/"1", spaces ignored) as octets, MSB first, the last octet zero-padded
 * (RFC 2118 §4). Independent of the implementation's BitWriter.
 */
function bits(text: string): Uint8Array {
  const clean = text.replaceAll(" ", "");
  const out = new Uint8Array(Math.ceil(clean.length / 8));
  for (let i = 0; i < clean.length; i++) if (clean[i] === "1") out[i >> 3] |= 0x80 >> (i & 7);
  return out;
}

/** RFC 2118 §4.1 as a bit string: < 0x80 → the 8 bits; ≥ 0x80 → "10" + the low 7 bits. */
function literalBits(byte: number): string {
  return byte < 0x80
    ? byte.toString(2).padStart(8, "0")
    : "10" + (byte & 0x7f).toString(2).padStart(7, "0");
}

function hex(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(" ");
}

/** Compresses `input` as the first packet of a fresh compressor. */
function compressFresh(input: Uint8Array): MppcPacket {
  return new MppcCompressor().compress(input);
}

function assertKnownAnswer(input: Uint8Array, expected: Uint8Array) {
  const packet = compressFresh(input);
  assert.equal(packet.flags, FIRST, "first packet: PACKET_AT_FRONT | PACKET_COMPRESSED");
  assert.equal(hex(packet.payload), hex(expected));
  assert.deepEqual(new MppcDecompressor().decompress(packet), input);
}

Deno.test("known answer: literal-only packets (RFC 2118 §4.1)", () => {
  // Octets below 0x80 are their own 8 bits: "SIP/2.0" without a repeat is itself.
  assertKnownAnswer(te.encode("SIP/2.0"), te.encode("SIP/2.0"));
  // 41 → 01000001 (8 bits, < 0x80); e9 → 10 1101001 (9 bits); 00 → 00000000.
  // 25 bits + 7 padding: 01000001 10110100 10000000 00000000 = 41 b4 80 00.
  const input = new Uint8Array([0x41, 0xe9, 0x00]);
  const encoded = new Uint8Array([0x41, 0xb4, 0x80, 0x00]);
  assert.deepEqual(bits([...input].map(literalBits).join("")), encoded);
  assert.deepEqual(new MppcDecompressor().decompress({ flags: FIRST, payload: encoded }), input);
  // Four octets for three is an expansion: MS-SIPCOMP §3.2.5.1.1 sends it as is, FLUSHED alone.
  assert.deepEqual(compressFresh(input), { flags: PACKET_FLUSHED, payload: input });
});

Deno.test("known answer: one copy, offset < 64, length 3 (RFC 2118 §4.2.1, §4.2.2)", () => {
  // "abcabc": literals 61 62 63, then copy offset 3 → 1111 000011, length 3 → 0.
  // 11 bits + 5 padding: 11110000 11000000 = f0 c0.
  assertKnownAnswer(te.encode("abcabc"), new Uint8Array([0x61, 0x62, 0x63, 0xf0, 0xc0]));
});

Deno.test("known answers of the implementation guide §3.5", () => {
  // "abcabcabc": copy offset 3 (1111 000011), length 6 (10 + 10): 11110000 111010|00 = f0 e8.
  assertKnownAnswer(te.encode("abcabcabc"), new Uint8Array([0x61, 0x62, 0x63, 0xf0, 0xe8]));
  // e9 41 e9 41 e9 41: e9 → 10 1101001, 41 → 01000001, copy offset 2 (1111 000010) length 4
  // (10 00): 31 bits 10110100 10100000 11111000 0101000|0 = b4 a0 f8 50.
  assertKnownAnswer(
    new Uint8Array([0xe9, 0x41, 0xe9, 0x41, 0xe9, 0x41]),
    new Uint8Array([0xb4, 0xa0, 0xf8, 0x50]),
  );
  // The 34-octet REGISTER line twice: 34 literals (all < 0x80, so the octets themselves), then
  // copy offset 34 (1111 100010) length 34 (11110 + 00010): 11111000 10111100 0010|0000.
  const line = te.encode("REGISTER sip:contoso.com SIP/2.0\r\n");
  assert.equal(line.length, 34);
  assertKnownAnswer(
    concatBytes([line, line]),
    concatBytes([line, new Uint8Array([0xf8, 0xbc, 0x20])]),
  );
});

Deno.test("known answer: offset 64..319 class, 1110 + 8 bits of (offset − 64)", () => {
  // "SIP", the 97 octets 00..60 (no three-octet sequence repeats), "SIP" again: 100 literals
  // (all < 0x80: the octets themselves), then copy offset 100 → 1110 00100100, length 3 → 0:
  // 13 bits 11100010 01000|000 = e2 40.
  const filler = Uint8Array.from({ length: 97 }, (_, i) => i);
  const sip = te.encode("SIP");
  const input = concatBytes([sip, filler, sip]);
  assertKnownAnswer(input, concatBytes([input.subarray(0, 100), new Uint8Array([0xe2, 0x40])]));
});

Deno.test("known answer: offset 320..8191 class, 110 + 13 bits of (offset − 320)", () => {
  // "SIP", then multiples of 1, 2, 3, 5, 7, 11, 13, 17, 19 up to 0x7f (317 octets, all below
  // 0x80; each run has its own step, so no three-octet sequence repeats), then "SIP": 320
  // literals (the octets themselves), copy offset 320 → 110 0000000000000, length 3 → 0:
  // 17 bits 11000000 00000000 0|0000000 = c0 00 00.
  const filler = concatBytes(
    [1, 2, 3, 5, 7, 11, 13, 17, 19].map((step) =>
      Uint8Array.from({ length: Math.floor(127 / step) + 1 }, (_, k) => k * step)
    ),
  );
  assert.equal(filler.length, 317);
  const sip = te.encode("SIP");
  const input = concatBytes([sip, filler, sip]);
  assert.deepEqual(repeatedTrigrams(input), ["SIP"], "the only match is the final SIP");
  assertKnownAnswer(input, concatBytes([input.subarray(0, 320), bits("110 0000000000000 0")]));
  // One octet more between the two: offset 321 → 110 0000000000001 → c0 01 00.
  const longer = concatBytes([sip, filler, new Uint8Array([0x7f]), sip]);
  assert.deepEqual(repeatedTrigrams(longer), ["SIP"]);
  assertKnownAnswer(longer, concatBytes([longer.subarray(0, 321), bits("110 0000000000001 0")]));
});

/** The three-octet sequences occurring more than once, as latin1 text. */
function repeatedTrigrams(input: Uint8Array): string[] {
  const seen = new Map<string, number>();
  for (let i = 0; i + 3 <= input.length; i++) {
    const key = String.fromCharCode(input[i], input[i + 1], input[i + 2]);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen].filter(([, n]) => n > 1).map(([key]) => key);
}

Deno.test("known answer: the longest length-of-match code (RFC 2118 §4.2.2, 4096..8191)", () => {
  // 4097 × "a": literal 61 (01100001), copy offset 1 (1111 000001), length 4096
  // (111111111110 000000000000): 01100001 11110000 01111111 11111000 00000000 00|000000.
  assertKnownAnswer(
    new Uint8Array(4097).fill(0x61),
    new Uint8Array([0x61, 0xf0, 0x7f, 0xf8, 0x00, 0x00]),
  );
  // 8192 × "a" fills the history: length 8191, the largest code (111111111110 111111111111):
  // 01100001 11110000 01111111 11111011 11111111 11|000000.
  assertKnownAnswer(
    new Uint8Array(8192).fill(0x61),
    new Uint8Array([0x61, 0xf0, 0x7f, 0xfb, 0xff, 0xc0]),
  );
});

Deno.test("length codes match the MS-RDPBCGR §3.1.8.4.1.2.2 examples of the same table", () => {
  // Examples given there: 15 → 110 111; 120 → 111110 111000; 4097 → 111111111110
  // 000000000001. Each after the offset-1 code 1111 000001.
  for (
    const [length, code] of [
      [15, "110 111"],
      [120, "111110 111000"],
      [4097, "111111111110 000000000001"],
    ] as const
  ) {
    const w = new BitWriter(8);
    writeCopy(w, 1, length);
    assert.equal(hex(w.finish()), hex(bits("1111 000001 " + code)), `length ${length}`);
  }
});

Deno.test("the decompressor accepts any valid encoding, not only the greedy one", () => {
  // "abcabcabc" as literals 61 62 63 and two copies of offset 3 length 3:
  // 1111000011 0 1111000011 0 = 11110000 11011110 000110|00 = f0 de 18.
  const d = new MppcDecompressor();
  const payload = new Uint8Array([0x61, 0x62, 0x63, 0xf0, 0xde, 0x18]);
  assert.equal(new TextDecoder().decode(d.decompress({ flags: FIRST, payload })), "abcabcabc");
  // Then all literals, appended to the history, and a copy reaching back into packet one.
  const literals = te.encode("xyz");
  assert.deepEqual(d.decompress({ flags: PACKET_COMPRESSED, payload: literals }), literals);
  // Offset 12 (1111 001100) length 9 (110 001) → "abcabcabc" again from the first packet.
  const back = d.decompress({ flags: PACKET_COMPRESSED, payload: bits("1111 001100 110 001") });
  assert.equal(new TextDecoder().decode(back), "abcabcabc");
});

/** Compresses the chunks with one compressor and checks one decompressor restores each. */
function roundTrip(chunks: readonly Uint8Array[]): MppcPacket[] {
  const c = new MppcCompressor();
  const d = new MppcDecompressor();
  const packets: MppcPacket[] = [];
  for (const [i, chunk] of chunks.entries()) {
    const packet = c.compress(chunk);
    packets.push(packet);
    const out = d.decompress(packet);
    assert.equal(out.length, chunk.length, `chunk ${i}`);
    assert.ok(out.every((b, j) => b === chunk[j]), `chunk ${i} differs`);
  }
  return packets;
}

/** `total` octets from `make` cut into chunks of random sizes 1..8192. */
function randomChunks(
  random: () => number,
  total: number,
  make: (n: number) => Uint8Array,
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let left = total; left > 0;) {
    const n = Math.min(left, 1 + Math.floor(random() * MPPC_HISTORY_SIZE));
    chunks.push(make(n));
    left -= n;
  }
  return chunks;
}

Deno.test("round trip: random data of several sizes, expansion → PACKET_FLUSHED", () => {
  const random = seededRandom(1);
  for (const size of [1, 2, 3, 64, 1000, 4095, 8191, 8192]) {
    const data = randomBytes(random, size);
    const [packet] = roundTrip([data]);
    if (size >= 64) {
      // Random octets cost 8.5 bits each on average: compressing expands them.
      assert.equal(packet.flags, PACKET_FLUSHED, `size ${size}`);
      assert.deepEqual(packet.payload, data);
    }
  }
  // 200 KB of random data in random chunks: every chunk flushed, every chunk restored.
  const packets = roundTrip(randomChunks(random, 200_000, (n) => randomBytes(random, n)));
  assert.ok(packets.filter((p) => p.flags === PACKET_FLUSHED).length > packets.length / 2);
});

Deno.test("round trip: small-alphabet random data > 8 KB forces history resets (AT_FRONT)", () => {
  const random = seededRandom(2);
  for (const alphabet of [2, 4, 16, 64]) {
    const packets = roundTrip(
      randomChunks(random, 120_000, (n) => randomBytes(random, n, alphabet)),
    );
    const atFront = packets.filter((p) => p.flags === FIRST).length;
    const appended = packets.filter((p) => p.flags === PACKET_COMPRESSED).length;
    assert.ok(atFront >= 120_000 / MPPC_HISTORY_SIZE, `alphabet ${alphabet}: ${atFront} resets`);
    if (alphabet <= 16) assert.ok(appended > 0, `alphabet ${alphabet}: packets appended`);
  }
});

Deno.test("round trip: highly repetitive data compresses to almost nothing", () => {
  const random = seededRandom(3);
  const pattern = te.encode("Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bK-");
  const make = (n: number) => Uint8Array.from({ length: n }, (_, i) => pattern[i % pattern.length]);
  const chunks = randomChunks(random, 300_000, make);
  const packets = roundTrip(chunks);
  const out = packets.reduce((n, p) => n + p.payload.length, 0);
  assert.ok(out < 300_000 / 50, `300000 octets → ${out}`);
  const same = roundTrip([new Uint8Array(8192).fill(0), new Uint8Array(8192).fill(0xff)]);
  assert.ok(same.every((p) => p.payload.length < 16));
});

Deno.test("round trip: flushed packets interleaved with compressed ones", () => {
  const random = seededRandom(4);
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < 60; i++) {
    const n = 1 + Math.floor(random() * 3000);
    chunks.push(i % 3 === 2 ? randomBytes(random, n) : randomBytes(random, n, 3));
  }
  const packets = roundTrip(chunks);
  for (let i = 1; i < packets.length; i++) {
    if (packets[i - 1].flags === PACKET_FLUSHED && packets[i].flags !== PACKET_FLUSHED) {
      // After a flush both histories are fresh: the next compressed packet starts at the front.
      assert.equal(packets[i].flags, FIRST, `packet ${i} after a flush`);
    }
  }
  assert.ok(packets.some((p) => p.flags === PACKET_FLUSHED));
  assert.ok(packets.some((p) => p.flags === PACKET_COMPRESSED));
});

Deno.test("the compressor is deterministic and refuses packets outside 1..8192 octets", () => {
  const random = seededRandom(5);
  const chunks = randomChunks(random, 50_000, (n) => randomBytes(random, n, 8));
  const a = roundTrip(chunks);
  const b = roundTrip(chunks);
  assert.deepEqual(a, b);
  assert.throws(() => new MppcCompressor().compress(new Uint8Array(0)), RangeError);
  assert.throws(() => new MppcCompressor().compress(new Uint8Array(8193)), RangeError);
});

function assertMppcError(packet: MppcPacket, code: string, d = new MppcDecompressor()) {
  assert.throws(() => d.decompress(packet), (e) => e instanceof MppcError && e.code === code);
}

Deno.test("inconsistent flags are rejected (MS-SIPCOMP §3.2.5.1.1)", () => {
  const payload = new Uint8Array([0x61]);
  assertMppcError({ flags: PACKET_FLUSHED | PACKET_COMPRESSED, payload }, "inconsistent-flags");
  assertMppcError({ flags: PACKET_FLUSHED | PACKET_AT_FRONT, payload }, "inconsistent-flags");
  assertMppcError({ flags: PACKET_AT_FRONT, payload }, "inconsistent-flags");
  assertMppcError({ flags: 0, payload }, "inconsistent-flags");
  assertMppcError({ flags: PACKET_COMPRESSED | 0x1, payload }, "inconsistent-flags"); // bit D
});

Deno.test("corrupt compressed data is rejected with the fault named", () => {
  // Offset 5 with nothing in the history yet (1111 000101, length 3 → 0).
  assertMppcError({ flags: FIRST, payload: bits("1111 000101 0") }, "bad-offset");
  // Offset 0 can never be valid.
  assertMppcError({ flags: FIRST, payload: bits("01100001 1111 000000 0") }, "bad-offset");
  // Twelve ones: no length-of-match code is that long.
  assertMppcError(
    { flags: FIRST, payload: bits("01100001 1111 000001 111111111111 000000000000") },
    "bad-length",
  );
  // 110 announces a 13-bit offset; only 5 bits follow.
  assertMppcError({ flags: FIRST, payload: new Uint8Array([0xc0]) }, "truncated");
  // A full history, then one more octet without PACKET_AT_FRONT.
  const d = new MppcDecompressor();
  d.decompress({ flags: FIRST, payload: new Uint8Array([0x61, 0xf0, 0x7f, 0xfb, 0xff, 0xc0]) });
  assertMppcError(
    { flags: PACKET_COMPRESSED, payload: new Uint8Array([0x62]) },
    "history-overflow",
    d,
  );
  // Once failed, the decompressor refuses everything: its history no longer mirrors the peer's.
  assertMppcError({ flags: FIRST, payload: new Uint8Array([0x62]) }, "failed", d);
});

Deno.test("random and bit-flipped input: an MppcError or output, never a crash or a hang", () => {
  const random = seededRandom(6);
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    const payload = randomBytes(random, 1 + Math.floor(random() * 64));
    const flags = Math.floor(random() * 16);
    try {
      const out = new MppcDecompressor().decompress({ flags, payload });
      assert.ok(out.length <= MPPC_HISTORY_SIZE);
    } catch (e) {
      if (!(e instanceof MppcError)) throw e;
      errors++;
    }
  }
  assert.ok(errors > 1000, `${errors} of 3000 random packets rejected`);

  // Valid packets of SIP-like text with one bit flipped: decoded wrong or rejected.
  const text = te.encode(
    "SUBSCRIBE sip:bob@contoso.com SIP/2.0\r\nEvent: presence\r\n".repeat(20),
  );
  const good = compressFresh(text);
  let rejected = 0;
  for (let bit = 0; bit < good.payload.length * 8; bit++) {
    const payload = good.payload.slice();
    payload[bit >> 3] ^= 0x80 >> (bit & 7);
    try {
      new MppcDecompressor().decompress({ flags: good.flags, payload });
    } catch (e) {
      if (!(e instanceof MppcError)) throw e;
      rejected++;
    }
  }
  assert.ok(rejected > 0, "some flips must be detectable");
});
