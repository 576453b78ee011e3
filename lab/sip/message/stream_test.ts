import assert from "node:assert/strict";
import { StreamParser, type StreamParserOptions } from "./stream.ts";
import type { AnySipMessage } from "./message.ts";
import type { SipParseError } from "./parse_error.ts";

const enc = new TextEncoder();

function options(callId: string, body = ""): string {
  return [
    "OPTIONS sip:bob@biloxi.example.com SIP/2.0",
    "Via: SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK" + callId,
    "Max-Forwards: 70",
    "To: <sip:bob@biloxi.example.com>",
    "From: <sip:alice@atlanta.example.com>;tag=1",
    "Call-ID: " + callId,
    "CSeq: 1 OPTIONS",
    "Content-Length: " + enc.encode(body).length,
    "",
    body,
  ].join("\r\n");
}

interface Recorder {
  parser: StreamParser;
  events: string[];
  messages: AnySipMessage[];
  errors: { err: SipParseError; fatal: boolean }[];
}

function recorder(opts: Partial<StreamParserOptions> = {}): Recorder {
  const events: string[] = [];
  const messages: AnySipMessage[] = [];
  const errors: { err: SipParseError; fatal: boolean }[] = [];
  const parser = new StreamParser({
    ...opts,
    onMessage(m, n) {
      messages.push(m);
      events.push(`msg:${m.callId}:${n}`);
    },
    onError(err, fatal) {
      errors.push({ err, fatal });
      events.push(`err:${err.status}:${fatal ? "fatal" : "skip"}`);
    },
    onKeepAlive(kind) {
      events.push(kind);
    },
  });
  return { parser, events, messages, errors };
}

Deno.test("StreamParser: a message split at every possible byte", () => {
  const bytes = enc.encode(options("split", "body\r\n\r\nwith blank lines"));
  for (let cut = 1; cut < bytes.length; cut++) {
    const r = recorder();
    r.parser.push(bytes.slice(0, cut));
    assert.equal(r.messages.length, 0, `cut ${cut}`);
    assert.equal(r.parser.pendingBytes, cut);
    r.parser.push(bytes.slice(cut));
    assert.deepEqual(r.events, [`msg:split:${bytes.length}`], `cut ${cut}`);
    assert.equal(new TextDecoder().decode(r.messages[0].body), "body\r\n\r\nwith blank lines");
    assert.equal(r.parser.pendingBytes, 0);
  }
});

Deno.test("StreamParser: byte-by-byte delivery and several messages in one chunk", () => {
  const text = options("a") + options("b", "xyz") + options("c");
  const r = recorder();
  for (const b of enc.encode(text)) r.parser.push(new Uint8Array([b]));
  assert.deepEqual(r.messages.map((m) => m.callId), ["a", "b", "c"]);
  const one = recorder();
  one.parser.push(enc.encode(text));
  assert.deepEqual(one.messages.map((m) => m.callId), ["a", "b", "c"]);
  assert.equal(new TextDecoder().decode(one.messages[1].body), "xyz");
});

Deno.test("StreamParser: the caller may reuse its read buffer", () => {
  const bytes = enc.encode(options("reuse", "0123456789"));
  const r = recorder();
  const buf = new Uint8Array(16);
  for (let i = 0; i < bytes.length; i += 16) {
    const n = Math.min(16, bytes.length - i);
    buf.set(bytes.subarray(i, i + n));
    r.parser.push(buf.subarray(0, n));
    buf.fill(0x58);
  }
  assert.equal(r.messages.length, 1);
  assert.equal(new TextDecoder().decode(r.messages[0].body), "0123456789");
});

Deno.test("StreamParser: RFC 5626 §3.5.1 keep-alives between messages", () => {
  const r = recorder();
  r.parser.push(enc.encode("\r\n\r\n"));
  r.parser.push(enc.encode("\r\n"));
  r.parser.push(enc.encode("\r\n\r\n" + options("a") + "\r\n" + options("b") + "\r\n\r\n\r\n"));
  assert.deepEqual(r.events, [
    "ping",
    "pong",
    "ping",
    `msg:a:${enc.encode(options("a")).length}`,
    "pong",
    `msg:b:${enc.encode(options("b")).length}`,
    "ping",
    "pong",
  ]);
  // A CR whose LF has not arrived yet is kept.
  const s = recorder();
  s.parser.push(enc.encode("\r\n\r"));
  assert.deepEqual(s.events, []);
  assert.equal(s.parser.pendingBytes, 1);
  s.parser.push(enc.encode("\n"));
  assert.deepEqual(s.events, ["ping"]);
  assert.equal(s.parser.pendingBytes, 0);
});

Deno.test("StreamParser: §18.3 missing Content-Length is fatal 400, later input ignored", () => {
  const r = recorder();
  const noLength = options("x").replace("Content-Length: 0\r\n", "");
  r.parser.push(enc.encode(noLength + options("after")));
  assert.deepEqual(r.events, ["err:400:fatal"]);
  assert.equal(r.errors[0].err.reason, "Missing Content-Length");
  assert.equal(r.parser.failed, true);
  r.parser.push(enc.encode(options("later")));
  assert.equal(r.messages.length, 0);
  assert.equal(r.parser.pendingBytes, 0);
});

Deno.test("StreamParser: unusable Content-Length is fatal (RFC 4475 ncl, mcl01)", () => {
  const r = recorder();
  r.parser.push(enc.encode(options("x").replace("Content-Length: 0", "Content-Length: -999")));
  assert.deepEqual(r.events, ["err:400:fatal"]);
  assert.equal(r.errors[0].err.reason, "Bad Request - Malformed Content-Length");
  const m = recorder();
  m.parser.push(
    enc.encode(options("x").replace("Content-Length: 0", "Content-Length: 13\r\nl: 5")),
  );
  assert.equal(m.errors[0].err.reason, "Bad Request - Multiple Content-Length values");
  assert.equal(m.errors[0].fatal, true);
});

Deno.test("StreamParser: a bad message with good framing is skipped, not fatal", () => {
  const r = recorder();
  const bad = options("bad").replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
  r.parser.push(enc.encode(bad + options("good")));
  assert.deepEqual(r.events, ["err:400:skip", `msg:good:${enc.encode(options("good")).length}`]);
  assert.equal(r.errors[0].err.partial?.callId, "bad");
});

Deno.test("StreamParser: maxSize → fatal 513 (header section or declared body too big)", () => {
  const big = recorder({ maxSize: 300 });
  big.parser.push(enc.encode(options("x", "y".repeat(400))));
  assert.deepEqual(big.events, ["err:513:fatal"]);
  const endless = recorder({ maxSize: 300 });
  endless.parser.push(enc.encode("OPTIONS sip:a@b SIP/2.0\r\n"));
  for (let i = 0; i < 20 && !endless.parser.failed; i++) {
    endless.parser.push(enc.encode("X-Filler: " + "z".repeat(20) + "\r\n"));
  }
  assert.deepEqual(endless.events, ["err:513:fatal"]);
});

Deno.test("StreamParser: pendingBytes reports an incomplete body (RFC 4475 clerr on a stream)", () => {
  const r = recorder();
  const text = options("wait", "abcdef");
  r.parser.push(enc.encode(text.slice(0, text.length - 2)));
  assert.equal(r.messages.length, 0);
  assert.equal(r.parser.pendingBytes, enc.encode(text).length - 2);
  r.parser.push(enc.encode(text.slice(text.length - 2)));
  assert.equal(r.messages.length, 1);
  assert.equal(r.parser.pendingBytes, 0);
});

Deno.test("StreamParser: a throwing callback keeps the unread bytes for the next push", () => {
  let calls = 0;
  const seen: string[] = [];
  const parser = new StreamParser({
    onMessage(m) {
      calls++;
      if (calls === 1) throw new Error("consumer failure");
      seen.push(m.callId);
    },
    onError() {},
  });
  assert.throws(() => parser.push(enc.encode(options("a") + options("b"))), /consumer failure/);
  parser.push(new Uint8Array(0));
  parser.push(enc.encode(options("c")));
  assert.deepEqual(seen, ["b", "c"]);
});

Deno.test("StreamParser: the fatal framing error names Content-Length even after other faults", () => {
  const r = recorder();
  const text = options("x").replace("Max-Forwards: 70", "Bad Line").replace(
    "Content-Length: 0",
    "Content-Length: 1\r\nContent-Length: 2",
  );
  r.parser.push(enc.encode(text));
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].fatal, true);
  assert.equal(r.errors[0].err.reason, "Bad Request - Multiple Content-Length values");
  assert.equal(r.errors[0].err.partial?.callId, "x");
});
