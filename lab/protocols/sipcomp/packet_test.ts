import assert from "node:assert/strict";
import { PACKET_AT_FRONT, PACKET_COMPRESSED, PACKET_FLUSHED } from "./mppc_codes.ts";
import { FLAGS_LENGTH_FRAMING, SipcompFramingError } from "./packet.ts";
import { concatBytes } from "./test_support.ts";

Deno.test("provisional header: flags octet, 16-bit big-endian length, payload", () => {
  const wire = FLAGS_LENGTH_FRAMING.encode(
    new Uint8Array([0x61, 0x62, 0x63]),
    PACKET_COMPRESSED | PACKET_AT_FRONT,
  );
  assert.deepEqual([...wire], [0x06, 0x00, 0x03, 0x61, 0x62, 0x63]);
  const big = FLAGS_LENGTH_FRAMING.encode(new Uint8Array(8192), PACKET_FLUSHED);
  assert.deepEqual([...big.subarray(0, 3)], [0x08, 0x20, 0x00]);
  assert.equal(big.length, 8195);
});

Deno.test("the decoder finds packets whatever the chunking", () => {
  const packets = [
    { flags: 0x6, payload: new Uint8Array([1, 2, 3]) },
    { flags: 0x8, payload: new Uint8Array(300).fill(7) },
    { flags: 0x2, payload: new Uint8Array([9]) },
  ];
  const wire = concatBytes(packets.map((p) => FLAGS_LENGTH_FRAMING.encode(p.payload, p.flags)));
  // All at once.
  assert.deepEqual(FLAGS_LENGTH_FRAMING.decoder().push(wire), packets);
  // Octet by octet: nothing until a packet is complete, and the held count in between.
  const decoder = FLAGS_LENGTH_FRAMING.decoder();
  const seen = [];
  for (let i = 0; i < wire.length; i++) {
    seen.push(...decoder.push(wire.subarray(i, i + 1)));
    if (i === 4) assert.equal(decoder.pendingBytes, 5); // 5 of packet 1's 6 octets
    if (i === 7) assert.equal(decoder.pendingBytes, 2); // packet 1 out; 2 of packet 2's header
  }
  assert.deepEqual(seen, packets);
  assert.equal(decoder.pendingBytes, 0);
});

Deno.test("a stream that cannot be packets fails the decoder for good", () => {
  for (
    const bad of [
      [0x16, 0x00, 0x01, 0x00], // reserved high nibble
      [0x02, 0x00, 0x00], // empty payload
      [0x02, 0x20, 0x01], // 8193 octets: more than a history
    ]
  ) {
    const decoder = FLAGS_LENGTH_FRAMING.decoder();
    assert.throws(() => decoder.push(new Uint8Array(bad)), SipcompFramingError);
    assert.throws(
      () => decoder.push(FLAGS_LENGTH_FRAMING.encode(new Uint8Array([1]), 0x2)),
      SipcompFramingError,
    );
  }
});

Deno.test("encode refuses what the header cannot carry", () => {
  assert.throws(() => FLAGS_LENGTH_FRAMING.encode(new Uint8Array(0), 0x2), RangeError);
  assert.throws(() => FLAGS_LENGTH_FRAMING.encode(new Uint8Array(8193), 0x8), RangeError);
  assert.throws(() => FLAGS_LENGTH_FRAMING.encode(new Uint8Array(1), 0x12), RangeError);
});
