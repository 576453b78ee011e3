import assert from "node:assert/strict";
import { defaultPort, isReliableProtocol, protocolOf, viaTransportName } from "./destination.ts";

Deno.test("protocolOf reads Via spellings and lowercase; unknown transports are undefined", () => {
  assert.equal(protocolOf({ protocol: "UDP" }), "udp");
  assert.equal(protocolOf({ protocol: "wss" }), "wss");
  assert.equal(protocolOf({ protocol: "Tls" }), "tls");
  assert.equal(protocolOf({ protocol: "SCTP" }), undefined);
});

Deno.test("reliability, Via tokens and default ports per transport", () => {
  assert.equal(isReliableProtocol("UDP"), false);
  for (const p of ["TCP", "tls", "WS", "wss", "SCTP"]) assert.equal(isReliableProtocol(p), true, p);
  assert.equal(viaTransportName("ws"), "WS");
  assert.equal(viaTransportName("tls"), "TLS");
  assert.deepEqual(
    (["udp", "tcp", "tls", "ws", "wss"] as const).map(defaultPort),
    [5060, 5060, 5061, 80, 443],
  );
});
