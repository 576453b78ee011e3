import assert from "node:assert/strict";
import type { AnySipMessage, SipRequest } from "../message/message.ts";
import type { Destination } from "./destination.ts";
import type { StreamFilter } from "./stream_filter.ts";
import { TcpTransport } from "./tcp.ts";
import { okResponse, optionsRequest, rawOptions, waitUntil } from "./test_support.ts";
import type { FlowCloseReason } from "./transport.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Test filter: each unit becomes a 2-octet big-endian length then its octets XOR 0x5a. */
class XorFrames implements StreamFilter {
  #held = new Uint8Array(0);

  static frame(bytes: Uint8Array): Uint8Array {
    const out = new Uint8Array(2 + bytes.length);
    out[0] = bytes.length >> 8;
    out[1] = bytes.length & 0xff;
    for (let i = 0; i < bytes.length; i++) out[2 + i] = bytes[i] ^ 0x5a;
    return out;
  }

  get pendingBytes(): number {
    return this.#held.length;
  }

  encode(bytes: Uint8Array): Uint8Array {
    return XorFrames.frame(bytes);
  }

  decode(bytes: Uint8Array): Uint8Array[] {
    const all = new Uint8Array(this.#held.length + bytes.length);
    all.set(this.#held);
    all.set(bytes, this.#held.length);
    const out: Uint8Array[] = [];
    let at = 0;
    while (all.length - at >= 2) {
      const length = (all[at] << 8) | all[at + 1];
      if (length === 0) throw new Error("empty frame");
      if (all.length - at - 2 < length) break;
      out.push(all.slice(at + 2, at + 2 + length).map((b) => b ^ 0x5a));
      at += 2 + length;
    }
    this.#held = all.slice(at);
    return out;
  }
}

/** A TCP server whose handler may install a filter while a message is delivered. */
async function server(
  onMessage: (msg: AnySipMessage, source: Destination, transport: TcpTransport) => void = () => {},
) {
  const messages: { msg: AnySipMessage; source: Destination }[] = [];
  const closed: FlowCloseReason[] = [];
  const errors: unknown[] = [];
  const transport: TcpTransport = new TcpTransport({
    events: {
      onMessage: (msg, source) => {
        messages.push({ msg, source });
        onMessage(msg, source, transport);
      },
      onFlowClosed: (_source, reason) => closed.push(reason),
      onError: (err) => errors.push(err),
    },
  });
  const local = await transport.listen({ hostname: "127.0.0.1", port: 0 });
  return {
    transport,
    messages,
    closed,
    errors,
    port: local.port,
    [Symbol.asyncDispose]: () => transport.close(),
  };
}

/** Reads from `conn` until `done(received)` holds or the peer closes. */
async function readUntil(
  conn: Deno.Conn,
  done: (received: Uint8Array) => boolean,
): Promise<Uint8Array> {
  const buf = new Uint8Array(65536);
  let received = new Uint8Array(0);
  while (!done(received)) {
    const n = await conn.read(buf);
    if (n === null) break;
    const next = new Uint8Array(received.length + n);
    next.set(received);
    next.set(buf.subarray(0, n), received.length);
    received = next;
  }
  return received;
}

Deno.test("filter installed from onMessage decodes the rest of the very same read", async () => {
  await using srv = await server((msg, source, transport) => {
    if (msg.callId === "plain") {
      assert.equal(transport.setFlowFilter(source.flowId!, new XorFrames()), true);
    }
  });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    // One write: a plain message, then the filtered one right after its last octet.
    const plain = encoder.encode(rawOptions("plain"));
    const filtered = XorFrames.frame(encoder.encode(rawOptions("filtered", "body")));
    const both = new Uint8Array(plain.length + filtered.length);
    both.set(plain);
    both.set(filtered, plain.length);
    await conn.write(both);
    await waitUntil(() => srv.messages.length === 2, "both messages");
    assert.deepEqual(srv.messages.map((m) => m.msg.callId), ["plain", "filtered"]);
    assert.equal(decoder.decode(srv.messages[1].msg.body), "body");

    // Replies go out filtered.
    const second = srv.messages[1];
    await srv.transport.send(okResponse(second.msg as SipRequest), second.source);
    const wire = await readUntil(
      conn,
      (r) => r.length >= 2 && r.length >= 2 + ((r[0] << 8) | r[1]),
    );
    const [reply] = new XorFrames().decode(wire);
    assert.match(decoder.decode(reply), /^SIP\/2\.0 200 OK\r\n[\s\S]*Call-ID: filtered\r\n/);
  } finally {
    conn.close();
  }
});

Deno.test("sends queued before setFlowFilter stay plain; later sends and pongs are encoded", async () => {
  await using srv = await server();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await conn.write(encoder.encode(rawOptions("hello")));
    await waitUntil(() => srv.messages.length === 1, "the request");
    const { source } = srv.messages[0];
    const before = srv.transport.send(optionsRequest(), source); // queued, not yet written
    assert.equal(srv.transport.setFlowFilter(source.flowId!, new XorFrames()), true);
    const after = srv.transport.send(optionsRequest(), source);
    await Promise.all([before, after]);

    const wire = await readUntil(conn, (r) => {
      const text = decoder.decode(r);
      const end = text.indexOf("\r\n\r\n");
      return end >= 0 && r.length > end + 6 &&
        r.length >= end + 6 + ((r[end + 4] << 8) | r[end + 5]);
    });
    const text = decoder.decode(wire);
    const plainEnd = text.indexOf("\r\n\r\n") + 4;
    assert.match(text.slice(0, plainEnd), /^OPTIONS sip:bob@127\.0\.0\.1 SIP\/2\.0\r\n/);
    const [second] = new XorFrames().decode(wire.subarray(plainEnd));
    assert.match(decoder.decode(second), /^OPTIONS sip:bob@127\.0\.0\.1 SIP\/2\.0\r\n/);

    // RFC 5626 §4.4.1 ping through the filter: the pong comes back through it too.
    await conn.write(XorFrames.frame(encoder.encode("\r\n\r\n")));
    const pong = await readUntil(conn, (r) => r.length >= 4);
    assert.deepEqual(new XorFrames().decode(pong), [encoder.encode("\r\n")]);
  } finally {
    conn.close();
  }
});

Deno.test("a filter that rejects the stream closes the flow with reason 'filter'", async () => {
  await using srv = await server();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
  try {
    await conn.write(encoder.encode(rawOptions("hello")));
    await waitUntil(() => srv.messages.length === 1, "the request");
    const flowId = srv.messages[0].source.flowId!;
    assert.equal(srv.transport.setFlowFilter(flowId, new XorFrames()), true);
    assert.throws(
      () => srv.transport.setFlowFilter(flowId, new XorFrames()),
      /already has a filter/,
    );
    await conn.write(new Uint8Array([0, 0, 1, 2])); // an empty frame: corrupt for XorFrames
    await waitUntil(() => srv.closed.length === 1, "the flow closed");
    assert.deepEqual(srv.closed, ["filter"]);
    assert.match(String(srv.errors[0]), /empty frame/);
    assert.equal(srv.transport.setFlowFilter(flowId, new XorFrames()), false);
    assert.equal(srv.messages.length, 1);
  } finally {
    conn.close();
  }
});

Deno.test("setFlowFilter on an unknown flow is false", async () => {
  await using srv = await server();
  assert.equal(srv.transport.setFlowFilter("tcp-0", new XorFrames()), false);
});
