/**
 * Framing SIP messages on a byte stream (TCP, TLS): RFC 3261 §18.3 — the header section ends at
 * the empty line and Content-Length (mandatory on streams) gives the body size; RFC 3261 §7.5 —
 * CRLFs before a start line are ignored; RFC 5626 §3.5.1 — a CRLFCRLF between messages is a
 * keep-alive "ping", a single CRLF the "pong" answering it.
 *
 * @module
 */
import type { AnySipMessage } from "./message.ts";
import {
  decodeHead,
  findHeadEnd,
  finishMessage,
  type ParsedHead,
  parseHead,
  type ParseOptions,
} from "./parser.ts";
import { SipParseError } from "./parse_error.ts";
import { CR, LF } from "./grammar.ts";
import { copyBody } from "./body_copy.ts";

/** Options and callbacks of {@link StreamParser}. */
export interface StreamParserOptions extends Omit<ParseOptions, "maxSize"> {
  /** Largest message (header section plus body) in bytes; bigger is a fatal 513. Default 65535. */
  maxSize?: number;
  /** A complete, valid message and the number of stream bytes it used. */
  onMessage(msg: AnySipMessage, byteLength: number): void;
  /**
   * A message that could not be accepted. `fatal` means the framing is lost (missing or bad
   * Content-Length, message too large): the connection should be closed, and later pushes are
   * ignored. A non-fatal error skipped exactly one message; `err.partial` may allow a 400.
   */
  onError(err: SipParseError, fatal: boolean): void;
  /** RFC 5626 §3.5.1 keep-alives seen between messages. */
  onKeepAlive?(kind: "ping" | "pong"): void;
}

const DEFAULT_MAX_SIZE = 65535;
const MIN_CAPACITY = 4096;

/**
 * Incremental SIP message framer for stream transports. Feed it every chunk read from the
 * connection; it calls back once per message, error or keep-alive, whatever the chunking.
 *
 * @example
 * ```ts
 * const parser = new StreamParser({
 *   onMessage: (msg) => console.log(msg.kind),
 *   onError: (err, fatal) => fatal && conn.close(),
 *   onKeepAlive: (kind) => kind === "ping" && conn.write(new TextEncoder().encode("\r\n")),
 * });
 * for await (const chunk of conn.readable) parser.push(chunk);
 * ```
 */
export class StreamParser {
  readonly #opts: StreamParserOptions;
  readonly #maxSize: number;
  /** Unconsumed bytes kept between pushes: `#buf[0, #len)`. */
  #buf = new Uint8Array(0);
  #len = 0;
  /** The current message's header section, once its empty line was seen. */
  #head: ParsedHead | undefined;
  /** Size of the current message's header section, and of the whole message. */
  #headLen = 0;
  #total = 0;
  /** Where the search for the empty line resumes, relative to the message start. */
  #scanFrom = 0;
  /** Read position in the view being drained. */
  #off = 0;
  /** CRLFs seen since the last message or keep-alive. */
  #crlfs = 0;
  #failed = false;

  constructor(opts: StreamParserOptions) {
    this.#opts = opts;
    this.#maxSize = opts.maxSize ?? DEFAULT_MAX_SIZE;
  }

  /**
   * Bytes received that do not yet form a complete message. A transport closes a connection
   * on which this stays above zero for too long (RFC 4475 §3.1.2.2: a stream peer that never
   * completes its Content-Length).
   */
  get pendingBytes(): number {
    return this.#len;
  }

  /** True once a fatal error was reported; later input is ignored. */
  get failed(): boolean {
    return this.#failed;
  }

  /**
   * Feeds bytes read from the stream; callbacks run before it returns. The chunk may be reused
   * by the caller afterwards. If a callback throws, the error propagates and the bytes not yet
   * consumed are kept for the next push.
   */
  push(chunk: Uint8Array): void {
    if (this.#failed || chunk.length === 0) return;
    let view: Uint8Array;
    if (this.#len === 0) {
      view = chunk;
    } else {
      this.#reserve(this.#len + chunk.length);
      this.#buf.set(chunk, this.#len);
      this.#len += chunk.length;
      view = this.#buf.subarray(0, this.#len);
    }
    this.#off = 0;
    try {
      this.#drain(view);
    } finally {
      this.#keepRest(view, view === chunk);
    }
  }

  /** Keeps `view[#off…]` in the buffer for the next push. */
  #keepRest(view: Uint8Array, isChunk: boolean) {
    const used = this.#failed ? view.length : this.#off;
    const rest = view.length - used;
    if (rest === 0) {
      this.#len = 0;
    } else if (isChunk) {
      this.#reserve(rest);
      this.#buf.set(view.subarray(used));
      this.#len = rest;
    } else if (used > 0) {
      this.#buf.copyWithin(0, used, this.#len);
      this.#len = rest;
    }
  }

  #reserve(size: number) {
    if (this.#buf.length >= size) return;
    const next = new Uint8Array(Math.max(size, this.#buf.length * 2, MIN_CAPACITY));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
  }

  /** Consumes every complete unit at the front of `view`, advancing `#off`. */
  #drain(view: Uint8Array) {
    while (this.#off < view.length && !this.#failed) {
      if (this.#head === undefined) {
        const off = this.#off;
        if (this.#scanFrom === 0) {
          const afterCrlf = this.#skipCrlfs(view, off);
          if (afterCrlf < 0) {
            this.#off = view.length - 1; // a CR waiting for its LF
            return;
          }
          this.#off = afterCrlf;
          this.#flushPong();
          if (afterCrlf === view.length) return;
        }
        const start = this.#off;
        const headEnd = findHeadEnd(view, start + this.#scanFrom, view.length);
        if (headEnd < 0) {
          // Resume a little before the end next time: the empty line may straddle two chunks.
          this.#scanFrom = Math.max(0, view.length - start - 3);
          if (view.length - start > this.#maxSize) this.#fatal(tooLarge());
          return;
        }
        this.#scanFrom = 0;
        if (!this.#startMessage(view, start, headEnd)) return;
      }
      const start = this.#off;
      if (view.length - start < this.#total) return;
      this.#off = start + this.#total;
      this.#finish(view.subarray(start, start + this.#total));
    }
  }

  /**
   * Skips CRLFs (bare LF tolerated) from `off`, counting keep-alives; returns the index of the
   * first other byte, or -1 when the data ends with a CR whose LF has not arrived.
   */
  #skipCrlfs(view: Uint8Array, off: number): number {
    let i = off;
    while (i < view.length) {
      const b = view[i];
      if (b === CR) {
        if (i + 1 >= view.length) return -1;
        if (view[i + 1] !== LF) {
          i++; // a stray CR is ignored like the CRLFs around it (§7.5)
          continue;
        }
        i += 2;
      } else if (b === LF) {
        i++;
      } else {
        break;
      }
      // RFC 5626 §3.5.1: a double CRLF is a ping.
      if (++this.#crlfs === 2) {
        this.#crlfs = 0;
        this.#opts.onKeepAlive?.("ping");
      }
    }
    return i;
  }

  /**
   * A single CRLF followed by a message or by the end of the received data is a pong
   * (RFC 5626 §3.5.1). A ping split between two reads right after its first CRLF is therefore
   * reported as two pongs; peers send the four octets in one write.
   */
  #flushPong() {
    if (this.#crlfs === 1) this.#opts.onKeepAlive?.("pong");
    this.#crlfs = 0;
  }

  /** Reads the header section at `[off, headEnd)`; returns false after a fatal error. */
  #startMessage(view: Uint8Array, off: number, headEnd: number): boolean {
    const headLen = headEnd - off;
    if (headLen > this.#maxSize) {
      this.#fatal(tooLarge());
      return false;
    }
    let head: ParsedHead;
    try {
      head = parseHead(decodeHead(view, off, headEnd));
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      this.#fatal(e);
      return false;
    }
    if (head.contentLength === undefined) {
      // §18.3 / §20.14: on stream transports Content-Length MUST be present; without a
      // usable one the next message cannot be found (RFC 4475 §3.1.2.3 ncl, §3.3.9 mcl01).
      const fault = head.contentLengthFault ?? new SipParseError(400, "Missing Content-Length");
      if (head.msg.kind === "request") fault.partial = head.msg;
      this.#fatal(fault);
      return false;
    }
    const total = headLen + head.contentLength;
    if (total > this.#maxSize) {
      this.#fatal(tooLarge());
      return false;
    }
    this.#head = head;
    this.#headLen = headLen;
    this.#total = total;
    return true;
  }

  #finish(bytes: Uint8Array) {
    const head = this.#head!;
    this.#head = undefined;
    if (bytes.length > this.#headLen) {
      head.msg.body = copyBody(bytes, this.#headLen, bytes.length);
    }
    try {
      finishMessage(head, this.#opts);
    } catch (e) {
      if (!(e instanceof SipParseError)) throw e;
      this.#opts.onError(e, false);
      return;
    }
    this.#opts.onMessage(head.msg, bytes.length);
  }

  #fatal(err: SipParseError) {
    this.#failed = true;
    this.#head = undefined;
    this.#len = 0;
    this.#opts.onError(err, true);
  }
}

function tooLarge(): SipParseError {
  return new SipParseError(513, "Message Too Large");
}
