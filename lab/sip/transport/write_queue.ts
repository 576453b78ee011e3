/**
 * Coalescing writer for one stream connection. Senders do not wait for each other: a message
 * is appended to the pending batch and every message queued while a write is in flight (or in
 * the same tick) goes out in the next single write. Each send's promise settles when its batch
 * is fully written, so a caller that needs to know still can, and one that does not pays for
 * no extra round trip.
 *
 * @module
 */
import { TransportError } from "./transport_error.ts";

/** Where the bytes go: a Deno.Conn, or anything with its partial-write `write`. */
export interface ByteSink {
  write(p: Uint8Array): Promise<number>;
}

/**
 * Ordered, coalescing, bounded write queue.
 *
 * @example
 * ```ts
 * const queue = new WriteQueue(conn, { maxQueuedBytes: 1 << 22 });
 * queue.enqueue(a); queue.enqueue(b); // one write of a+b
 * await queue.drain();
 * ```
 */
export class WriteQueue {
  readonly #sink: ByteSink;
  readonly #maxQueuedBytes: number;
  readonly #onWritten: (bytes: number) => void;
  #chunks: Uint8Array[] = [];
  #queued = 0;
  #batch: PromiseWithResolvers<void> | undefined;
  #flushing: Promise<void> | undefined;
  #error: TransportError | undefined;

  constructor(
    sink: ByteSink,
    opts: { maxQueuedBytes: number; onWritten?: (bytes: number) => void },
  ) {
    this.#sink = sink;
    this.#maxQueuedBytes = opts.maxQueuedBytes;
    this.#onWritten = opts.onWritten ?? (() => {});
  }

  /** Octets waiting for the next write. */
  get queuedBytes(): number {
    return this.#queued;
  }

  /**
   * Queues `bytes`; the promise resolves when they are written and rejects with a
   * TransportError when the queue is full or failed, or the write fails.
   */
  enqueue(bytes: Uint8Array): Promise<void> {
    if (this.#error) return Promise.reject(this.#error);
    if (this.#queued + bytes.length > this.#maxQueuedBytes) {
      return Promise.reject(
        new TransportError("queue-full", `write queue over ${this.#maxQueuedBytes} octets`),
      );
    }
    this.#chunks.push(bytes);
    this.#queued += bytes.length;
    this.#batch ??= Promise.withResolvers<void>();
    this.#flushing ??= this.#flush();
    return this.#batch.promise;
  }

  /** Resolves once everything queued so far has been written or has failed. */
  async drain(): Promise<void> {
    while (this.#flushing) await this.#flushing;
  }

  /** Fails the queue: pending and later sends reject with `err`. */
  fail(err: TransportError): void {
    this.#error ??= err;
    this.#rejectPending(this.#error);
  }

  async #flush(): Promise<void> {
    // Let the rest of the current tick's sends join the first batch.
    await Promise.resolve();
    while (this.#chunks.length > 0 && this.#error === undefined) {
      const chunks = this.#chunks;
      const total = this.#queued;
      const batch = this.#batch!;
      this.#chunks = [];
      this.#queued = 0;
      this.#batch = undefined;
      try {
        await writeAll(this.#sink, chunks.length === 1 ? chunks[0] : concat(chunks, total));
      } catch (e) {
        const err = new TransportError("write-failed", "stream write failed", { cause: e });
        batch.reject(err);
        this.fail(err);
        break;
      }
      this.#onWritten(total);
      batch.resolve();
    }
    this.#flushing = undefined;
  }

  #rejectPending(err: TransportError) {
    this.#batch?.reject(err);
    this.#batch = undefined;
    this.#chunks = [];
    this.#queued = 0;
  }
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function writeAll(sink: ByteSink, data: Uint8Array): Promise<void> {
  let at = 0;
  while (at < data.length) at += await sink.write(data.subarray(at));
}
