import assert from "node:assert/strict";
import { createLabCa, issueServerCert } from "../../pki/mod.ts";
import type { SipRequest } from "../message/message.ts";
import { serializeMessage } from "../message/serializer.ts";
import { TransportError } from "./transport_error.ts";
import { WsTransport, type WsTransportConfig } from "./ws.ts";
import {
  CountingMetrics,
  okResponse,
  optionsRequest,
  Recorder,
  waitUntil,
} from "./test_support.ts";

function transport(config: Partial<WsTransportConfig> = {}) {
  const rec = new Recorder();
  const metrics = new CountingMetrics();
  const t = new WsTransport({ ...config, events: rec.events, metrics });
  return { rec, metrics, t, [Symbol.asyncDispose]: () => t.close() };
}

/** Opens a raw WebSocket and resolves once it is open (or rejects when it closes first). */
async function rawSocket(url: string, protocols: string[]): Promise<WebSocket> {
  const ws = new WebSocket(url, protocols);
  ws.binaryType = "arraybuffer";
  const opened = await new Promise<boolean>((resolve) => {
    ws.onopen = () => resolve(true);
    ws.onclose = () => resolve(false);
  });
  if (!opened) throw new Error("closed before open");
  return ws;
}

async function closeRaw(ws: WebSocket) {
  if (ws.readyState === WebSocket.CLOSED) return;
  const closed = new Promise((resolve) => ws.addEventListener("close", resolve));
  ws.close();
  await closed;
}

Deno.test("WS: request and response between transports, the response on the same flow", async () => {
  await using srv = transport();
  await using cli = transport();
  const local = await srv.t.listen({ hostname: "127.0.0.1", port: 0 });
  const dest = { protocol: "WS", host: local.host, port: local.port };
  // RFC 7118 §5.2 / Appendix: a WS client's sent-by is a made-up .invalid name.
  await cli.t.send(
    optionsRequest("SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws1;rport"),
    dest,
  );
  await cli.t.send(optionsRequest("SIP/2.0/WS df7jal23ls0d.invalid;branch=z9hG4bK-ws2"), dest);
  await waitUntil(() => srv.rec.messages.length === 2, "two requests over WS");
  const { msg, source } = srv.rec.messages[0];
  assert.equal(source.protocol, "ws");
  assert.match(source.flowId ?? "", /^ws-\d+$/);
  assert.equal(msg.topVia.received, "127.0.0.1");
  assert.equal(msg.topVia.rport, source.port);
  assert.equal(srv.rec.messages[1].msg.topVia.received, "127.0.0.1"); // a name: always stamped
  await srv.t.send(okResponse(msg as SipRequest), source);
  await waitUntil(() => cli.rec.messages.length === 1, "response over WS");
  assert.equal(cli.metrics.count("connectionOpened:ws"), 1);
  assert.equal(srv.metrics.count("connectionOpened:ws"), 1);
});

Deno.test("WS: text and binary frames both carry one message; garbage frames are dropped", async () => {
  await using srv = transport();
  const local = await srv.t.listen({ hostname: "127.0.0.1", port: 0 });
  const ws = await rawSocket(`ws://127.0.0.1:${local.port}/`, ["sip"]);
  try {
    assert.equal(ws.protocol, "sip");
    const req = optionsRequest("SIP/2.0/WS x.invalid;branch=z9hG4bK-raw");
    ws.send(new TextDecoder().decode(serializeMessage(req)));
    ws.send(serializeMessage(optionsRequest("SIP/2.0/WS x.invalid;branch=z9hG4bK-bin")));
    ws.send("not SIP at all");
    // Content-Length is optional over WS (one message per frame, §5.1).
    ws.send(new TextDecoder().decode(serializeMessage(req)).replace("Content-Length: 0\r\n", ""));
    await waitUntil(() => srv.rec.messages.length === 3, "three valid messages");
    assert.deepEqual(
      srv.rec.messages.map((m) => m.msg.topVia.branch),
      ["z9hG4bK-raw", "z9hG4bK-bin", "z9hG4bK-raw"],
    );
    assert.equal(srv.metrics.count("dropped:ws:parse-error"), 1);
    // Replies from the server arrive as text frames (the message is UTF-8).
    const reply = new Promise<unknown>((resolve) => ws.onmessage = (e) => resolve(e.data));
    await srv.t.send(okResponse(srv.rec.messages[0].msg as SipRequest), srv.rec.messages[0].source);
    const data = await reply;
    assert.equal(typeof data, "string");
    assert.match(data as string, /^SIP\/2\.0 200 OK\r\n/);
  } finally {
    await closeRaw(ws);
  }
  await waitUntil(() => srv.rec.flowsClosed.length === 1, "flow closed by the peer");
  assert.equal(srv.rec.flowsClosed[0].reason, "peer");
});

Deno.test("WS: a handshake without the sip subprotocol is rejected", async () => {
  await using srv = transport();
  const local = await srv.t.listen({ hostname: "127.0.0.1", port: 0 });
  await assert.rejects(rawSocket(`ws://127.0.0.1:${local.port}/`, ["chat"]), /closed before open/);
  await assert.rejects(rawSocket(`ws://127.0.0.1:${local.port}/`, []), /closed before open/);
  const plain = await fetch(`http://127.0.0.1:${local.port}/`);
  assert.equal(plain.status, 426);
  await plain.body?.cancel();
  assert.equal(srv.t.connectionCount, 0);
});

Deno.test("WS client: a server that does not select sip is refused (RFC 7118 §4.1)", async () => {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    socket.onmessage = () => {};
    return response;
  });
  try {
    await using cli = transport();
    await assert.rejects(
      cli.t.send(optionsRequest(), { protocol: "ws", host: "127.0.0.1", port: server.addr.port }),
      (e) =>
        e instanceof TransportError && e.code === "connect-failed" && /subprotocol/.test(e.message),
    );
    assert.equal(cli.t.connectionCount, 0);
  } finally {
    await server.shutdown();
  }
});

Deno.test("WSS: lab CA certificate on the server, lab CA trusted by the client", async () => {
  const ca = await createLabCa({ commonName: "sipfleet wss test CA" });
  const { certPem, keyPem } = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
  await using srv = transport({ secure: true, cert: certPem, key: keyPem });
  await using cli = transport({ secure: true, caCerts: [ca.certPem] });
  assert.equal(srv.t.protocol, "wss");
  const local = await srv.t.listen({ hostname: "127.0.0.1", port: 0 });
  await cli.t.send(optionsRequest("SIP/2.0/WSS c.invalid;branch=z9hG4bK-wss"), {
    protocol: "WSS",
    host: local.host,
    port: local.port,
  });
  await waitUntil(() => srv.rec.messages.length === 1, "request over WSS");
  assert.equal(srv.rec.messages[0].source.protocol, "wss");
  await srv.t.send(okResponse(srv.rec.messages[0].msg as SipRequest), srv.rec.messages[0].source);
  await waitUntil(() => cli.rec.messages.length === 1, "response over WSS");
});

Deno.test("WS: closing the client transport closes its flows and the server sees them go", async () => {
  await using srv = transport();
  const cli = transport();
  const local = await srv.t.listen({ hostname: "127.0.0.1", port: 0 });
  await cli.t.send(optionsRequest(), { protocol: "ws", host: local.host, port: local.port });
  await waitUntil(() => srv.rec.messages.length === 1, "request");
  await cli.t.close();
  assert.equal(cli.rec.flowsClosed[0].reason, "local");
  await waitUntil(() => srv.t.connectionCount === 0, "server flow gone");
  assert.equal(srv.metrics.count("connectionClosed:ws"), 1);
  await assert.rejects(
    cli.t.send(optionsRequest(), { protocol: "ws", host: local.host, port: local.port }),
    (e) => (e as TransportError).code === "closed",
  );
});

Deno.test("WS: sending to a port nobody listens on rejects with connect-failed", async () => {
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = probe.addr.port;
  probe.close();
  await using cli = transport();
  await assert.rejects(
    cli.t.send(optionsRequest(), { protocol: "ws", host: "127.0.0.1", port }),
    (e) => e instanceof TransportError && e.code === "connect-failed",
  );
  assert.equal(cli.t.connectionCount, 0);
});
