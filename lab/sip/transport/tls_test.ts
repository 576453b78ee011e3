import assert from "node:assert/strict";
import { createLabCa, issueServerCert } from "../../pki/mod.ts";
import type { SipRequest } from "../message/message.ts";
import { TlsTransport } from "./tls.ts";
import { TransportError } from "./transport_error.ts";
import {
  CountingMetrics,
  okResponse,
  optionsRequest,
  Recorder,
  waitUntil,
} from "./test_support.ts";

const ca = await createLabCa({ commonName: "sipfleet transport test CA" });
const creds = await issueServerCert(ca, { dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"] });

Deno.test("TLS: request and response over a lab-CA certificate, the response on the flow", async () => {
  const srv = new Recorder();
  const cli = new Recorder();
  const metrics = new CountingMetrics();
  const server = new TlsTransport({ events: srv.events, cert: creds.certPem, key: creds.keyPem });
  const client = new TlsTransport({ events: cli.events, metrics, caCerts: [ca.certPem] });
  try {
    const local = await server.listen({ hostname: "127.0.0.1", port: 0 });
    assert.equal(server.protocol, "tls");
    assert.equal(server.reliable, true);
    const dest = { protocol: "TLS", host: local.host, port: local.port };
    await client.send(optionsRequest("SIP/2.0/TLS client.invalid;branch=z9hG4bK-tls1;rport"), dest);
    await client.send(optionsRequest("SIP/2.0/TLS client.invalid;branch=z9hG4bK-tls2"), dest);
    await waitUntil(() => srv.messages.length === 2, "two requests over TLS");
    const { msg, source } = srv.messages[0];
    assert.equal(source.protocol, "tls");
    assert.equal(msg.topVia.received, "127.0.0.1");
    assert.equal(msg.topVia.rport, source.port);
    await server.send(okResponse(msg as SipRequest), source);
    await waitUntil(() => cli.messages.length === 1, "response over TLS");
    assert.equal(cli.messages[0].msg.kind, "response");
    assert.equal(metrics.count("connectionOpened:tls"), 1);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("TLS: a client that does not trust the server's CA fails to send", async () => {
  const server = new TlsTransport({
    events: new Recorder().events,
    cert: creds.certPem,
    key: creds.keyPem,
  });
  const stranger = await createLabCa({ commonName: "stranger" });
  const client = new TlsTransport({ events: new Recorder().events, caCerts: [stranger.certPem] });
  try {
    const local = await server.listen({ hostname: "127.0.0.1", port: 0 });
    await assert.rejects(
      client.send(optionsRequest(), { protocol: "tls", host: local.host, port: local.port }),
      (e) =>
        e instanceof TransportError && e.code === "connect-failed" &&
        /UnknownIssuer/.test(String(e.cause)),
    );
    assert.equal(client.connectionCount, 0);
  } finally {
    await client.close();
    await server.close();
  }
});

Deno.test("TLS: listen without a certificate is refused", async () => {
  const server = new TlsTransport({ events: new Recorder().events });
  await assert.rejects(server.listen({ hostname: "127.0.0.1", port: 0 }), /cert and key/);
  await server.close();
});
