import assert from "node:assert/strict";
import { TcpTransport } from "./tcp.ts";
import { TransportError } from "./transport_error.ts";
import type { StreamTransportConfig } from "./stream_transport.ts";
import {
  CountingMetrics,
  okResponse,
  optionsRequest,
  rawOptions,
  readText,
  Recorder,
  waitUntil,
} from "./test_support.ts";
import type { SipRequest } from "../message/message.ts";

const encoder = new TextEncoder();

/** A listening TCP transport with a recorder and counting metrics. */
async function server(config: Partial<StreamTransportConfig> = {}) {
  const rec = new Recorder();
  const metrics = new CountingMetrics();
  const transport = new TcpTransport({ ...config, events: rec.events, metrics });
  const local = await transport.listen({ hostname: "127.0.0.1", port: 0 });
  return {
    rec,
    metrics,
    transport,
    dest: { protocol: "tcp", host: local.host, port: local.port },
    [Symbol.asyncDispose]: () => transport.close(),
  };
}

function client(config: Partial<StreamTransportConfig> = {}) {
  const rec = new Recorder();
  const metrics = new CountingMetrics();
  const transport = new TcpTransport({ ...config, events: rec.events, metrics });
  return { rec, metrics, transport, [Symbol.asyncDispose]: () => transport.close() };
}

Deno.test("TCP: request and response travel on one connection; the response uses the flow", async () => {
  await using srv = await server();
  await using cli = client();
  await cli.transport.send(
    optionsRequest("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-t1"),
    srv.dest,
  );
  await waitUntil(() => srv.rec.messages.length === 1, "request at the server");
  const { msg, source } = srv.rec.messages[0];
  assert.match(source.flowId ?? "", /^tcp-\d+$/);
  assert.equal(source.host, "127.0.0.1");
  assert.ok(source.port > 0);
  await srv.transport.send(okResponse(msg as SipRequest), source);
  await waitUntil(() => cli.rec.messages.length === 1, "response at the client");
  assert.equal(cli.rec.messages[0].msg.kind, "response");
  assert.equal(srv.metrics.count("connectionOpened:tcp"), 1);
  assert.equal(cli.metrics.count("connectionOpened:tcp"), 1);
  assert.equal(srv.transport.connectionCount, 1);
});

Deno.test("TCP: a message written byte by byte, and two messages in one write", async () => {
  await using srv = await server();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    for (const byte of encoder.encode(rawOptions("byte-by-byte", "hello"))) {
      await conn.write(new Uint8Array([byte]));
    }
    await waitUntil(() => srv.rec.messages.length === 1, "the trickled message");
    assert.equal(new TextDecoder().decode(srv.rec.messages[0].msg.body), "hello");
    await conn.write(encoder.encode(rawOptions("first") + rawOptions("second", "body")));
    await waitUntil(() => srv.rec.messages.length === 3, "both coalesced messages");
    assert.deepEqual(srv.rec.messages.map((m) => m.msg.callId), [
      "byte-by-byte",
      "first",
      "second",
    ]);
    assert.deepEqual(
      srv.rec.messages.map((m) => m.source.flowId),
      Array(3).fill(srv.rec.messages[0].source.flowId),
    );
  } finally {
    conn.close();
  }
});

Deno.test("TCP: RFC 5626 §4.4.1 ping (CRLFCRLF) is answered with a pong (CRLF)", async () => {
  await using srv = await server();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    await conn.write(encoder.encode("\r\n\r\n"));
    assert.equal(await readText(conn, 2), "\r\n");
    await conn.write(encoder.encode(rawOptions("after-ping")));
    await waitUntil(() => srv.rec.messages.length === 1, "a message after the keep-alive");
  } finally {
    conn.close();
  }
});

Deno.test("TCP: a message that never completes is closed after the timeout", async () => {
  await using srv = await server({ incompleteMessageTimeoutMs: 60 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    const text = rawOptions("stalled", "0123456789");
    await conn.write(encoder.encode(text.slice(0, text.length - 4)));
    assert.equal(await readText(conn, 1), ""); // the server closed: end of stream
    await waitUntil(() => srv.rec.flowsClosed.length === 1, "flow closed");
    assert.equal(srv.rec.flowsClosed[0].reason, "incomplete-message");
    assert.equal(srv.rec.messages.length, 0);
    assert.equal(srv.transport.connectionCount, 0);
  } finally {
    conn.close();
  }
});

Deno.test("TCP: an oversize message is a 513 parse error and the connection is closed", async () => {
  await using srv = await server({ maxMessageSize: 600 });
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    await conn.write(encoder.encode(rawOptions("too-big", "x".repeat(1000))));
    assert.equal(await readText(conn, 1), "");
    conn.close(); // answer the server's FIN so its graceful close ends at once
    await waitUntil(() => srv.rec.flowsClosed.length === 1, "flow closed");
    assert.equal(srv.rec.flowsClosed[0].reason, "framing");
    assert.equal(srv.metrics.count("parseError:tcp:513"), 1);
    assert.equal(srv.metrics.count("dropped:tcp:parse-error"), 1);
    assert.equal(srv.rec.messages.length, 0);
  } finally {
    try {
      conn.close();
    } catch {
      // closed above
    }
  }
});

Deno.test("TCP: a malformed but framed request goes to onParseError and the stream goes on", async () => {
  await using srv = await server();
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.dest.port });
  try {
    const bad = rawOptions("bad").replace("CSeq: 1 OPTIONS", "CSeq: one OPTIONS");
    await conn.write(encoder.encode(bad + rawOptions("good")));
    await waitUntil(() => srv.rec.messages.length === 1, "the good message");
    assert.equal(srv.rec.parseErrors.length, 1);
    assert.equal(srv.rec.parseErrors[0].err.status, 400);
    assert.equal(srv.rec.parseErrors[0].source.flowId, srv.rec.messages[0].source.flowId);
    assert.equal(srv.rec.parseErrors[0].err.partial?.callId, "bad");
  } finally {
    conn.close();
  }
});

Deno.test("TCP: client keep-alive pings are sent; a missing pong fails the flow", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  await using cli = client({ keepAlive: { intervalMs: 40, pongTimeoutMs: 300 } });
  try {
    const dest = { protocol: "tcp", host: "127.0.0.1", port: listener.addr.port };
    const sent = cli.transport.send(optionsRequest(), dest);
    const peer = await listener.accept();
    try {
      await sent;
      const buf = new Uint8Array(4096);
      let seen = "";
      // The message ends with its empty line; the ping's double CRLF follows it.
      while (!seen.endsWith("\r\n\r\n\r\n\r\n")) {
        const n = await peer.read(buf);
        if (n === null) break;
        seen += new TextDecoder().decode(buf.subarray(0, n));
      }
      assert.ok(seen.endsWith("\r\n\r\n\r\n\r\n"), "the message then a ping");
      await peer.write(encoder.encode("\r\n")); // one pong, then silence
      assert.equal(await readText(peer, 1 << 20), "\r\n\r\n"); // the next ping, then the close
      await waitUntil(() => cli.rec.flowsClosed.length === 1, "flow failure");
      assert.equal(cli.rec.flowsClosed[0].reason, "keep-alive");
    } finally {
      peer.close();
    }
  } finally {
    listener.close();
  }
});

Deno.test("TCP: pings answered by a SIP peer keep the flow up", async () => {
  await using srv = await server();
  await using cli = client({ keepAlive: { intervalMs: 20, pongTimeoutMs: 1000 } });
  await cli.transport.send(optionsRequest(), srv.dest);
  await waitUntil(() => (srv.metrics.count("bytesOut:tcp") >= 2 * 4), "several pongs");
  assert.equal(cli.rec.flowsClosed.length, 0);
  assert.equal(cli.transport.connectionCount, 1);
});

Deno.test("TCP: connection reuse by address, by inbound flow, and for concurrent first sends", async () => {
  await using srv = await server();
  await using cli = client();
  await Promise.all([1, 2, 3].map(() => cli.transport.send(optionsRequest(), srv.dest)));
  await cli.transport.send(optionsRequest(), { ...srv.dest, host: "127.0.0.1" });
  await waitUntil(() => srv.rec.messages.length === 4, "four requests");
  assert.equal(cli.metrics.count("connectionOpened:tcp"), 1);
  const source = srv.rec.messages[0].source;
  // A new request from the server to the client's address reuses the inbound connection...
  await srv.transport.send(optionsRequest(), {
    protocol: "tcp",
    host: source.host,
    port: source.port,
  });
  // ...and so does one addressed by flow id with a stale address.
  await srv.transport.send(optionsRequest(), {
    protocol: "tcp",
    host: "127.0.0.1",
    port: 9,
    flowId: source.flowId,
  });
  await waitUntil(() => cli.rec.messages.length === 2, "two requests back at the client");
  assert.equal(srv.metrics.count("connectionOpened:tcp"), 1);
  assert.equal(srv.transport.connectionCount, 1);
});

Deno.test("TCP: peer close is reported; a later send by that flow id opens a new connection", async () => {
  await using srv = await server();
  await using cli = client();
  await cli.transport.send(optionsRequest(), srv.dest);
  await waitUntil(() => srv.rec.messages.length === 1, "first request");
  const flowId = srv.rec.messages[0].source.flowId!;
  assert.equal(await srv.transport.closeFlow(flowId), true);
  await waitUntil(() => cli.rec.flowsClosed.length === 1, "client sees the close");
  assert.equal(cli.rec.flowsClosed[0].reason, "peer");
  assert.equal(srv.rec.flowsClosed[0].reason, "local");
  assert.equal(await srv.transport.closeFlow(flowId), false);
  await cli.transport.send(optionsRequest(), srv.dest);
  await waitUntil(() => srv.rec.messages.length === 2, "second request");
  assert.notEqual(srv.rec.messages[1].source.flowId, flowId);
  assert.equal(cli.metrics.count("connectionOpened:tcp"), 2);
});

Deno.test("TCP: idle connections are closed after the idle timeout", async () => {
  await using srv = await server({ idleTimeoutMs: 50 });
  await using cli = client();
  await cli.transport.send(optionsRequest(), srv.dest);
  await waitUntil(() => srv.rec.flowsClosed.length === 1, "idle close");
  assert.equal(srv.rec.flowsClosed[0].reason, "idle");
  await waitUntil(() => cli.transport.connectionCount === 0, "client side closed too");
});

Deno.test("TCP: close() flushes queued writes before the connection ends", async () => {
  await using srv = await server();
  const cli = client();
  const sends = Array.from(
    { length: 50 },
    () => cli.transport.send(optionsRequest(undefined, "x".repeat(2000)), srv.dest),
  );
  await cli.transport.close();
  await Promise.all(sends);
  await waitUntil(() => srv.rec.messages.length === 50, "all 50 messages");
  await waitUntil(() => srv.transport.connectionCount === 0, "server side closed");
  assert.equal(cli.metrics.count("connectionClosed:tcp"), 1);
  await assert.rejects(
    cli.transport.send(optionsRequest(), srv.dest),
    (e) => (e as TransportError).code === "closed",
  );
});

Deno.test("TCP: sending to a port nobody listens on rejects with connect-failed", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  await using cli = client();
  await assert.rejects(
    cli.transport.send(optionsRequest(), { protocol: "tcp", host: "127.0.0.1", port }),
    (e) => e instanceof TransportError && e.code === "connect-failed",
  );
});
