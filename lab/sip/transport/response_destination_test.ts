import assert from "node:assert/strict";
import { SipResponse } from "../message/message.ts";
import { responseDestination } from "./response_destination.ts";

function response(via: string): SipResponse {
  return new SipResponse(200, "OK").addHeader("Via", via);
}

Deno.test("reliable: the request's connection (flowId), falling back to received and sent-by port", () => {
  const res = response("SIP/2.0/TCP client.atlanta.com:5062;branch=z9hG4bK1;received=192.0.2.4");
  assert.deepEqual(
    responseDestination(res, { protocol: "TCP", host: "192.0.2.4", port: 40001, flowId: "tcp-7" }),
    { protocol: "TCP", host: "192.0.2.4", port: 5062, flowId: "tcp-7" },
  );
});

Deno.test("reliable without port: the transport default (5060 TCP, 5061 TLS, 443 WSS), flowId kept", () => {
  const tcp = response("SIP/2.0/TCP 192.0.2.4;branch=z9hG4bK1");
  assert.deepEqual(responseDestination(tcp, { protocol: "tcp", host: "192.0.2.4", port: 1 }), {
    protocol: "tcp",
    host: "192.0.2.4",
    port: 5060,
  });
  const tls = response("SIP/2.0/TLS 192.0.2.4;branch=z9hG4bK1");
  assert.equal(
    responseDestination(tls, { protocol: "TLS", host: "192.0.2.4", port: 1 }).port,
    5061,
  );
  // RFC 7118 §5.2: WS clients put a made-up .invalid name in sent-by; the flow is what matters.
  const wss = response("SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bK1;received=192.0.2.8");
  assert.deepEqual(
    responseDestination(wss, { protocol: "WSS", host: "192.0.2.8", port: 52000, flowId: "wss-3" }),
    { protocol: "WSS", host: "192.0.2.8", port: 443, flowId: "wss-3" },
  );
});

Deno.test("RFC 3581 §4: UDP with received and rport → that address and port", () => {
  const res = response("SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKk;received=192.0.2.1");
  assert.deepEqual(responseDestination(res, { protocol: "UDP", host: "192.0.2.1", port: 9988 }), {
    protocol: "UDP",
    host: "192.0.2.1",
    port: 9988,
  });
});

Deno.test("§18.2.2: UDP with received only → received at the sent-by port, or 5060", () => {
  const withPort = response("SIP/2.0/UDP pc33.atlanta.com:5070;branch=z9hG4bK1;received=192.0.2.3");
  assert.deepEqual(
    responseDestination(withPort, { protocol: "UDP", host: "192.0.2.3", port: 33000 }),
    {
      protocol: "UDP",
      host: "192.0.2.3",
      port: 5070,
    },
  );
  const noPort = response("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK1;received=192.0.2.3");
  assert.equal(
    responseDestination(noPort, { protocol: "UDP", host: "192.0.2.3", port: 1 }).port,
    5060,
  );
});

Deno.test("§18.2.2: maddr wins over received for unreliable transports", () => {
  const res = response(
    "SIP/2.0/UDP 10.0.0.1:5080;maddr=239.255.255.1;ttl=16;branch=z9hG4bK1;received=192.0.2.3",
  );
  assert.deepEqual(responseDestination(res, { protocol: "UDP", host: "192.0.2.3", port: 1 }), {
    protocol: "UDP",
    host: "239.255.255.1",
    port: 5080,
  });
});

Deno.test("§18.2.2: otherwise sent-by (IPv6 kept in brackets), port defaulting to 5060", () => {
  const res = response("SIP/2.0/UDP [2001:db8::1];branch=z9hG4bK1");
  assert.deepEqual(
    responseDestination(res, { protocol: "UDP", host: "[2001:db8::1]", port: 5060 }),
    {
      protocol: "UDP",
      host: "[2001:db8::1]",
      port: 5060,
    },
  );
  const v6received = response(
    "SIP/2.0/UDP h.example;rport=7000;branch=z9hG4bK1;received=2001:db8::7",
  );
  assert.equal(
    responseDestination(v6received, { protocol: "UDP", host: "x", port: 1 }).host,
    "[2001:db8::7]",
  );
});

Deno.test("a response without Via cannot be routed", () => {
  assert.throws(() =>
    responseDestination(new SipResponse(200, "OK"), { protocol: "UDP", host: "h", port: 1 })
  );
});
