/**
 * MPPC on realistic SIP traffic: the compression ratio a Lync-style client/front-end hop sees,
 * and the gain of the history shared across the messages of one connection.
 */
import assert from "node:assert/strict";
import { parseMessage } from "../../sip/message/parser.ts";
import { MppcCompressor, MppcDecompressor, MppcError, type MppcPacket } from "./mppc.ts";
import { PACKET_COMPRESSED } from "./mppc_codes.ts";
import { SipcompStreamFilter } from "./sipcomp_filter.ts";
import { sipCorpusBytes } from "./test_support.ts";

const CORPUS = sipCorpusBytes(400, 11);
const PLAIN = CORPUS.reduce((n, m) => n + m.length, 0);

Deno.test("the corpus is valid SIP", () => {
  for (const bytes of CORPUS) parseMessage(bytes);
  assert.ok(PLAIN > 150_000, `${PLAIN} octets`);
});

Deno.test("SIP corpus through the SIPCOMP filter compresses below 60% (headers included)", () => {
  const sender = new SipcompStreamFilter();
  const receiver = new SipcompStreamFilter();
  let wire = 0;
  for (const [i, message] of CORPUS.entries()) {
    const bytes = sender.encode(message);
    wire += bytes.length;
    const plain = receiver.decode(bytes);
    assert.equal(plain.length, 1, `message ${i}: one packet`);
    assert.deepEqual(plain[0], message, `message ${i}`);
  }
  const ratio = wire / PLAIN;
  console.log(
    `SIPCOMP ratio on the SIP corpus: ${CORPUS.length} messages, ${PLAIN} → ${wire} octets ` +
      `(${(100 * ratio).toFixed(1)}%, packet headers included)`,
  );
  assert.ok(ratio < 0.6, `ratio ${ratio}`);
  assert.equal(sender.counters.plainOut, PLAIN);
  assert.equal(receiver.counters.plainIn, PLAIN);
  assert.equal(sender.counters.flushedOut, 0);
});

Deno.test("cross-message history: later messages copy from earlier ones, in order only", () => {
  const shared = new MppcCompressor();
  const packets: MppcPacket[] = CORPUS.map((m) => shared.compress(m));
  const sharedSize = packets.reduce((n, p) => n + p.payload.length, 0);
  // The same messages, each compressed with a fresh history.
  const aloneSize = CORPUS.reduce((n, m) => n + new MppcCompressor().compress(m).payload.length, 0);
  console.log(
    `MPPC on the SIP corpus: shared history ${sharedSize} octets, ` +
      `one history per message ${aloneSize} octets (${(100 * sharedSize / aloneSize).toFixed(1)}%)`,
  );
  assert.ok(sharedSize < 0.75 * aloneSize);
  // Some packets continue the history rather than restart it.
  assert.ok(packets.some((p) => p.flags === PACKET_COMPRESSED));

  // Decompressed in the same order with one history: every message restored.
  const d = new MppcDecompressor();
  for (const [i, p] of packets.entries()) assert.deepEqual(d.decompress(p), CORPUS[i]);

  // A receiver that missed one packet cannot restore what follows until the next history reset.
  const lossy = new MppcDecompressor();
  const skip = packets.findIndex((p, i) => i > 0 && p.flags === PACKET_COMPRESSED);
  let damaged = 0;
  for (const [i, p] of packets.entries()) {
    if (i === skip) continue;
    try {
      const out = lossy.decompress(p);
      if (out.length !== CORPUS[i].length || out.some((b, j) => b !== CORPUS[i][j])) damaged++;
    } catch (e) {
      if (!(e instanceof MppcError)) throw e;
      damaged++;
      break;
    }
  }
  assert.ok(damaged > 0, "a gap in the packet sequence must show");
});
