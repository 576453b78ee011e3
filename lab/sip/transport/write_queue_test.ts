import assert from "node:assert/strict";
import { TransportError } from "./transport_error.ts";
import { type ByteSink, WriteQueue } from "./write_queue.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A sink that accepts at most `chunk` octets per write and records each write. */
class SlowSink implements ByteSink {
  readonly writes: string[] = [];
  failNext = false;
  constructor(readonly chunk = Infinity) {}
  async write(p: Uint8Array): Promise<number> {
    await Promise.resolve();
    if (this.failNext) throw new Error("EPIPE");
    const n = Math.min(p.length, this.chunk);
    this.writes.push(decoder.decode(p.subarray(0, n)));
    return n;
  }
}

Deno.test("WriteQueue: sends of one tick are coalesced into one write, in order", async () => {
  const sink = new SlowSink();
  let written = 0;
  const q = new WriteQueue(sink, { maxQueuedBytes: 1000, onWritten: (n) => written += n });
  const a = q.enqueue(encoder.encode("one;"));
  const b = q.enqueue(encoder.encode("two;"));
  const c = q.enqueue(encoder.encode("three;"));
  await Promise.all([a, b, c]);
  assert.deepEqual(sink.writes, ["one;two;three;"]);
  assert.equal(written, 14);
  assert.equal(q.queuedBytes, 0);
});

Deno.test("WriteQueue: partial writes are continued until the whole batch is out", async () => {
  const sink = new SlowSink(3);
  const q = new WriteQueue(sink, { maxQueuedBytes: 1000 });
  await q.enqueue(encoder.encode("abcdefgh"));
  assert.deepEqual(sink.writes, ["abc", "def", "gh"]);
});

Deno.test("WriteQueue: sends during a write in flight form the next batch", async () => {
  const sink = new SlowSink();
  const q = new WriteQueue(sink, { maxQueuedBytes: 1000 });
  const first = q.enqueue(encoder.encode("1"));
  await Promise.resolve();
  await Promise.resolve(); // the first write is in flight now
  const second = q.enqueue(encoder.encode("2"));
  const third = q.enqueue(encoder.encode("3"));
  await Promise.all([first, second, third]);
  assert.deepEqual(sink.writes, ["1", "23"]);
  await q.drain();
});

Deno.test("WriteQueue: over the limit rejects with queue-full; a failed write fails the queue", async () => {
  const sink = new SlowSink();
  const q = new WriteQueue(sink, { maxQueuedBytes: 4 });
  await assert.rejects(
    q.enqueue(encoder.encode("12345")),
    (e) => e instanceof TransportError && e.code === "queue-full",
  );
  sink.failNext = true;
  await assert.rejects(
    q.enqueue(encoder.encode("1234")),
    (e) => e instanceof TransportError && e.code === "write-failed",
  );
  await assert.rejects(q.enqueue(encoder.encode("1")), /stream write failed/);
  await q.drain();
});

Deno.test("WriteQueue: fail() rejects what is still queued", async () => {
  const sink = new SlowSink();
  const q = new WriteQueue(sink, { maxQueuedBytes: 100 });
  const pending = q.enqueue(encoder.encode("x"));
  q.fail(new TransportError("closed", "connection closed"));
  await assert.rejects(pending, (e) => (e as TransportError).code === "closed");
  await q.drain();
  assert.deepEqual(sink.writes, []);
});
