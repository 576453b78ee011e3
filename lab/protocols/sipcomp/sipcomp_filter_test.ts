import assert from "node:assert/strict";
import { MppcError, type MppcPacket } from "./mppc.ts";
import { PACKET_COMPRESSED, PACKET_FLUSHED } from "./mppc_codes.ts";
import {
  FLAGS_LENGTH_FRAMING,
  type SipcompFraming,
  SipcompFramingError,
  type SipcompPacketDecoder,
} from "./packet.ts";
import { SipcompStreamFilter } from "./sipcomp_filter.ts";
import { concatBytes, randomBytes, seededRandom, sipCorpusBytes } from "./test_support.ts";

Deno.test("filter: a message stream survives any chunking of the compressed stream", () => {
  const random = seededRandom(21);
  const messages = sipCorpusBytes(120, 3);
  const sender = new SipcompStreamFilter();
  const wire = concatBytes(messages.map((m) => sender.encode(m)));
  const receiver = new SipcompStreamFilter();
  const plain: Uint8Array[] = [];
  for (let at = 0; at < wire.length;) {
    const n = 1 + Math.floor(random() * 700);
    plain.push(...receiver.decode(wire.subarray(at, at + n)));
    at += n;
    if (at < wire.length) assert.ok(receiver.pendingBytes < wire.length);
  }
  assert.equal(receiver.pendingBytes, 0);
  assert.deepEqual(concatBytes(plain), concatBytes(messages));
  assert.equal(receiver.counters.wireIn, wire.length);
  assert.equal(sender.counters.wireOut, wire.length);
});

Deno.test("filter: a unit over 8192 octets becomes several packets; maxChunk cuts smaller", () => {
  const random = seededRandom(22);
  const big = randomBytes(random, 20_000, 20);
  for (const [maxChunk, packets] of [[undefined, 3], [1000, 20]] as const) {
    const sender = new SipcompStreamFilter({ maxChunk });
    const wire = sender.encode(big);
    const frames = FLAGS_LENGTH_FRAMING.decoder().push(wire);
    assert.equal(frames.length, packets, `maxChunk ${maxChunk}`);
    assert.deepEqual(concatBytes(new SipcompStreamFilter().decode(wire)), big);
  }
  assert.throws(() => new SipcompStreamFilter({ maxChunk: 0 }), RangeError);
  assert.throws(() => new SipcompStreamFilter({ maxChunk: 8193 }), RangeError);
});

Deno.test("filter: incompressible units go flushed and are counted", () => {
  const random = seededRandom(23);
  const sender = new SipcompStreamFilter();
  const receiver = new SipcompStreamFilter();
  const noise = randomBytes(random, 3000);
  const text = new TextEncoder().encode("OPTIONS sip:a@b SIP/2.0\r\n".repeat(10));
  for (const unit of [text, noise, text]) {
    assert.deepEqual(receiver.decode(sender.encode(unit)), [unit]);
  }
  assert.equal(sender.counters.flushedOut, 1);
});

Deno.test("filter: corrupt packets and broken framing throw", () => {
  const flushedAndCompressed = FLAGS_LENGTH_FRAMING.encode(
    new Uint8Array([0x61]),
    PACKET_FLUSHED | PACKET_COMPRESSED,
  );
  assert.throws(() => new SipcompStreamFilter().decode(flushedAndCompressed), MppcError);
  assert.throws(
    () => new SipcompStreamFilter().decode(new Uint8Array([0xff, 0, 1, 0])),
    SipcompFramingError,
  );
  const filter = new SipcompStreamFilter();
  assert.deepEqual(filter.decode(flushedAndCompressed.subarray(0, 2)), []);
  assert.equal(filter.pendingBytes, 2);
});

/** A different header layout (4-octet length, then flags): the filter does not care. */
const OTHER_FRAMING: SipcompFraming = {
  name: "test: length32 + flags",
  encode(payload, flags) {
    const out = new Uint8Array(5 + payload.length);
    new DataView(out.buffer).setUint32(0, payload.length);
    out[4] = flags;
    out.set(payload, 5);
    return out;
  },
  decoder(): SipcompPacketDecoder {
    let held: Uint8Array = new Uint8Array(0);
    return {
      get pendingBytes() {
        return held.length;
      },
      push(bytes) {
        held = concatBytes([held, bytes]);
        const out: MppcPacket[] = [];
        while (held.length >= 5) {
          const length = new DataView(held.buffer, held.byteOffset).getUint32(0);
          if (held.length < 5 + length) break;
          out.push({ flags: held[4], payload: held.slice(5, 5 + length) });
          held = held.slice(5 + length);
        }
        return out;
      },
    };
  },
};

Deno.test("filter: the packet framing is swappable", () => {
  const messages = sipCorpusBytes(10, 4);
  const sender = new SipcompStreamFilter({ framing: OTHER_FRAMING });
  const receiver = new SipcompStreamFilter({ framing: OTHER_FRAMING });
  for (const m of messages) {
    const wire = sender.encode(m);
    assert.equal(new DataView(wire.buffer).getUint32(0), wire.length - 5);
    assert.deepEqual(receiver.decode(wire), [m]);
  }
});
