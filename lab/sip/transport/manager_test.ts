import assert from "node:assert/strict";
import type { SipRequest } from "../message/message.ts";
import { TransportManager } from "./manager.ts";
import { TransportError } from "./transport_error.ts";
import {
  CountingMetrics,
  okResponse,
  optionsRequest,
  Recorder,
  waitUntil,
} from "./test_support.ts";

function manager() {
  const rec = new Recorder();
  const metrics = new CountingMetrics();
  const m = new TransportManager({ events: rec.events, metrics, maxMessageSize: 8000 });
  return { rec, metrics, m, [Symbol.asyncDispose]: () => m.close() };
}

Deno.test("manager: picks the transport by protocol (any case) and routes responses by §18.2.2", async () => {
  await using server = manager();
  await using client = manager();
  const udp = await server.m.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
  const tcp = await server.m.add("tcp").listen({ hostname: "127.0.0.1", port: 0 });
  const ws = await server.m.add("ws").listen({ hostname: "127.0.0.1", port: 0 });
  const clientUdp = await client.m.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
  client.m.add("tcp");
  client.m.add("ws");

  // UDP with rport: the response must go to the source port even though sent-by says 5060.
  await client.m.send(optionsRequest("SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-m1;rport"), {
    protocol: "UDP",
    host: udp.host,
    port: udp.port,
  });
  await client.m.send(optionsRequest("SIP/2.0/TCP 127.0.0.1:5060;branch=z9hG4bK-m2"), {
    protocol: "TCP",
    host: tcp.host,
    port: tcp.port,
  });
  await client.m.send(optionsRequest("SIP/2.0/WS c.invalid;branch=z9hG4bK-m3"), {
    protocol: "ws",
    host: ws.host,
    port: ws.port,
  });
  await waitUntil(() => server.rec.messages.length === 3, "three requests");
  for (const { msg, source } of server.rec.messages) {
    await server.m.send(okResponse(msg as SipRequest), source);
  }
  await waitUntil(() => client.rec.messages.length === 3, "three responses");
  const byBranch = new Map(
    client.rec.messages.map((r) => [r.msg.topVia.branch, r.source.protocol]),
  );
  assert.deepEqual(Object.fromEntries(byBranch), {
    "z9hG4bK-m1": "udp",
    "z9hG4bK-m2": "tcp",
    "z9hG4bK-m3": "ws",
  });
  assert.equal(
    client.rec.messages.find((r) => r.source.protocol === "udp")?.msg.topVia.rport,
    clientUdp.port,
  );
  // Responses travelled on the request's connection: no extra connections anywhere.
  assert.equal(server.metrics.count("connectionOpened:tcp"), 1);
  assert.equal(client.metrics.count("connectionOpened:tcp"), 1);
  assert.equal(server.metrics.count("connectionOpened:ws"), 1);
});

Deno.test("manager: reliable(), missing transports and one transport per protocol", async () => {
  await using t = manager();
  assert.equal(t.m.reliable({ protocol: "UDP", host: "h", port: 1 }), false);
  assert.equal(t.m.reliable({ protocol: "TLS", host: "h", port: 1 }), true);
  assert.equal(t.m.reliable({ protocol: "wss", host: "h", port: 1 }), true);
  await assert.rejects(
    t.m.send(optionsRequest(), { protocol: "SCTP", host: "127.0.0.1", port: 5060 }),
    (e) => e instanceof TransportError && e.code === "no-transport",
  );
  await assert.rejects(
    t.m.send(optionsRequest(), { protocol: "TLS", host: "127.0.0.1", port: 5061 }),
    (e) => e instanceof TransportError && e.code === "no-transport",
  );
  const udp = t.m.add("udp");
  assert.equal(t.m.get("udp"), udp);
  assert.equal(t.m.get("tcp"), undefined);
  assert.throws(() => t.m.add("udp"), /exists already/);
  assert.equal(t.m.add("wss").protocol, "wss");
});

Deno.test("manager: settings defaults come from the manager, per-transport settings win", async () => {
  await using server = manager(); // maxMessageSize 8000 for all
  const small = server.m.add("tcp", { maxMessageSize: 700 });
  const big = server.m.add("udp");
  const tcp = await small.listen({ hostname: "127.0.0.1", port: 0 });
  const udp = await big.listen({ hostname: "127.0.0.1", port: 0 });
  await using client = manager();
  await client.m.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
  client.m.add("tcp");
  // 9000 octets: over the manager's 8000 (UDP would accept up to 65535 by default).
  await client.m.send(
    optionsRequest("SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK-big", "x".repeat(9000)),
    {
      protocol: "udp",
      ...udp,
    },
  );
  // 1000 octets: under the manager's 8000 but over the TCP transport's own 700.
  await client.m.send(optionsRequest(undefined, "x".repeat(1000)), { protocol: "tcp", ...tcp });
  await waitUntil(() => server.metrics.count("parseError:tcp:513") === 1, "TCP 513");
  await waitUntil(() => server.metrics.count("parseError:udp:513") === 1, "UDP 513");
  assert.equal(server.rec.messages.length, 0);
});

Deno.test("manager: close() closes every transport; later use is refused", async () => {
  const t = manager();
  await t.m.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
  await t.m.add("tcp").listen({ hostname: "127.0.0.1", port: 0 });
  await t.m.close();
  await assert.rejects(
    t.m.send(optionsRequest(), { protocol: "udp", host: "127.0.0.1", port: 9 }),
    (e) => (e as TransportError).code === "closed",
  );
  assert.throws(() => t.m.add("ws"), TransportError);
});
