import assert from "node:assert/strict";
import { parseMessage } from "../message/parser.ts";
import { serializeMessage } from "../message/serializer.ts";
import { TransportError } from "./transport_error.ts";
import { RFC3261_UDP_REQUEST_LIMIT, UdpTransport } from "./udp.ts";
import { CountingMetrics, optionsRequest, Recorder, waitUntil } from "./test_support.ts";

const encoder = new TextEncoder();

async function pair() {
  const metrics = new CountingMetrics();
  const server = new Recorder();
  const client = new Recorder();
  const a = new UdpTransport({ events: server.events, metrics });
  const b = new UdpTransport({ events: client.events });
  const aAddr = await a.listen({ hostname: "127.0.0.1", port: 0 });
  const bAddr = await b.listen({ hostname: "127.0.0.1", port: 0 });
  return {
    metrics,
    server,
    client,
    a,
    b,
    aDest: { protocol: "udp", host: aAddr.host, port: aAddr.port },
    bAddr,
    async [Symbol.asyncDispose]() {
      await a.close();
      await b.close();
    },
  };
}

Deno.test("UDP: a request arrives parsed, Via stamped with rport and received", async () => {
  await using t = await pair();
  const req = optionsRequest("SIP/2.0/UDP client.invalid:5060;branch=z9hG4bK-u1;rport");
  await t.b.send(req, t.aDest);
  await waitUntil(() => t.server.messages.length === 1, "the request");
  const { msg, source, bytes } = t.server.messages[0];
  assert.equal(msg.kind, "request");
  assert.deepEqual(source, { protocol: "udp", host: "127.0.0.1", port: t.bAddr.port });
  assert.equal(bytes, serializeMessage(req).length);
  assert.equal(msg.topVia.rport, t.bAddr.port);
  assert.equal(msg.topVia.received, "127.0.0.1");
  assert.equal(t.metrics.count("messageIn:udp"), 1);
  assert.equal(t.metrics.count("bytesIn:udp"), bytes);
});

Deno.test("UDP: garbage and bad messages are dropped and counted; the loop keeps receiving", async () => {
  await using t = await pair();
  const raw = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const rawPort = (raw.addr as Deno.NetAddr).port;
  try {
    const to = { transport: "udp" as const, hostname: "127.0.0.1", port: t.aDest.port };
    await raw.send(new Uint8Array([0xff, 0x00, 0x13, 0x37]), to);
    await raw.send(encoder.encode("\r\n\r\n"), to); // RFC 5626: not a UDP keep-alive
    const stun = new Uint8Array(20);
    stun.set([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]);
    await raw.send(stun, to);
    // A request missing Call-ID: answerable, so it reaches onParseError with its Via stamped.
    const noCallId = serializeMessage(optionsRequestWithoutCallId());
    await raw.send(noCallId, to);
    // A malformed response is discarded silently (§18.1.2).
    await raw.send(encoder.encode("SIP/2.0 2000 Nope\r\nVia: x\r\n\r\n"), to);
    await raw.send(serializeMessage(optionsRequest()), to);
    await waitUntil(() => t.server.messages.length === 1, "the valid request after the garbage");
  } finally {
    raw.close();
  }
  assert.equal(t.metrics.count("dropped:udp:parse-error"), 3);
  assert.equal(t.metrics.count("parseError:udp:400"), 3);
  assert.equal(t.metrics.count("dropped:udp:keep-alive"), 1);
  assert.equal(t.metrics.count("dropped:udp:stun"), 1);
  assert.equal(t.server.parseErrors.length, 1);
  const { err } = t.server.parseErrors[0];
  assert.equal(err.status, 400);
  assert.equal(err.partial?.method, "OPTIONS");
  // RFC 3581 §4: with rport, received is added even though it equals sent-by.
  assert.equal(err.partial?.topVia.received, "127.0.0.1");
  assert.equal(err.partial?.topVia.rport, rawPort);
  assert.equal(t.server.errors.length, 0);
});

function optionsRequestWithoutCallId() {
  const req = optionsRequest();
  req.removeHeader("call-id");
  return req;
}

Deno.test("UDP: a throwing handler does not stop the receive loop", async () => {
  const seen: string[] = [];
  const errors: unknown[] = [];
  const a = new UdpTransport({
    events: {
      onMessage: (msg) => {
        seen.push(msg.callId);
        if (seen.length === 1) throw new Error("handler bug");
      },
      onError: (e) => errors.push(e),
    },
  });
  const b = new UdpTransport({ events: { onMessage: () => {} } });
  try {
    const { port } = await a.listen({ hostname: "127.0.0.1", port: 0 });
    await b.listen({ hostname: "127.0.0.1", port: 0 });
    await b.send(optionsRequest(), { protocol: "udp", host: "127.0.0.1", port });
    await b.send(optionsRequest(), { protocol: "udp", host: "127.0.0.1", port });
    await waitUntil(() => seen.length === 2, "both requests");
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /handler bug/);
  } finally {
    await a.close();
    await b.close();
  }
});

Deno.test("UDP: raw bytes and responses go out as sent; oversize requests obey the §18.1.1 flag", async () => {
  await using t = await pair();
  const bytes = serializeMessage(optionsRequest());
  await t.b.send(bytes, t.aDest);
  await waitUntil(() => t.server.messages.length === 1, "raw bytes");

  const strict = new UdpTransport({
    events: { onMessage: () => {} },
    maxRequestDatagramSize: RFC3261_UDP_REQUEST_LIMIT,
  });
  try {
    await strict.listen({ hostname: "127.0.0.1", port: 0 });
    const big = optionsRequest(undefined, "x".repeat(1400));
    await assert.rejects(
      strict.send(big, t.aDest),
      (e) => e instanceof TransportError && e.code === "datagram-too-large",
    );
    // Without the flag, the same request goes out and arrives whole.
    await t.b.send(big, t.aDest);
    await waitUntil(() => t.server.messages.length === 2, "the large request");
    assert.equal(t.server.messages[1].msg.body.length, 1400);
  } finally {
    await strict.close();
  }
});

Deno.test("UDP: send before listen and after close reject with TransportError", async () => {
  const udp = new UdpTransport({ events: { onMessage: () => {} } });
  const dest = { protocol: "udp", host: "127.0.0.1", port: 9 };
  await assert.rejects(
    udp.send(optionsRequest(), dest),
    (e) => (e as TransportError).code === "not-listening",
  );
  await udp.listen({ hostname: "127.0.0.1", port: 0 });
  await udp.close();
  await udp.close();
  await assert.rejects(
    udp.send(optionsRequest(), dest),
    (e) => (e as TransportError).code === "closed",
  );
});

Deno.test("UDP over IPv6 loopback: source host in brackets", async () => {
  const rec = new Recorder();
  const a = new UdpTransport({ events: rec.events });
  const b = new UdpTransport({ events: { onMessage: () => {} } });
  try {
    const local = await a.listen({ hostname: "::1", port: 0 });
    assert.equal(local.host, "[::1]");
    await b.listen({ hostname: "[::1]", port: 0 });
    await b.send(optionsRequest("SIP/2.0/UDP [::1]:5060;branch=z9hG4bK-v6"), {
      protocol: "udp",
      host: "[::1]",
      port: local.port,
    });
    await waitUntil(() => rec.messages.length === 1, "the IPv6 request");
    assert.equal(rec.messages[0].source.host, "[::1]");
    assert.equal(rec.messages[0].msg.topVia.received, undefined);
    assert.equal(parseMessage(serializeMessage(rec.messages[0].msg)).kind, "request");
  } finally {
    await a.close();
    await b.close();
  }
});
