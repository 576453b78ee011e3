import assert from "node:assert/strict";
import { buildAckForNonSuccess } from "./ack.ts";
import { makeRequest, makeResponse } from "./test_fixtures.ts";

Deno.test("ACK for a non-2xx copies what §17.1.1.3 asks for", () => {
  const invite = makeRequest("INVITE", { uri: "sip:bob@192.0.2.4;transport=udp" });
  invite.prependHeader("Via", "SIP/2.0/UDP client.example.com;branch=z9hG4bKtop");
  invite.addHeader("Route", "<sip:proxy1.example.com;lr>");
  invite.addHeader("Route", "<sip:proxy2.example.com;lr>, <sip:proxy3.example.com;lr>");
  invite.addHeader("Contact", "<sip:alice@client.example.com>");
  invite.setHeader("Max-Forwards", "69");
  invite.body = new TextEncoder().encode("v=0\r\n");
  const response = makeResponse(invite, 407, "Proxy Authentication Required", "resp-tag");

  const ack = buildAckForNonSuccess(invite, response);
  assert.equal(ack.method, "ACK");
  assert.equal(ack.uri, "sip:bob@192.0.2.4;transport=udp");
  assert.deepEqual(ack.headerValues("via"), ["SIP/2.0/UDP client.example.com;branch=z9hG4bKtop"]);
  assert.equal(ack.header("from"), invite.header("from"));
  assert.equal(ack.header("call-id"), invite.callId);
  assert.equal(ack.header("to"), response.header("to"));
  assert.equal(ack.to.tag, "resp-tag");
  assert.equal(ack.header("cseq"), "314159 ACK");
  assert.deepEqual(ack.headerValues("route"), invite.headerValues("route"));
  assert.equal(ack.header("max-forwards"), "69");
  assert.equal(ack.hasHeader("contact"), false);
  assert.equal(ack.body.length, 0);
});

Deno.test("ACK takes only the first value of a comma-separated Via field", () => {
  const invite = makeRequest("INVITE");
  invite.setHeader(
    "Via",
    "SIP/2.0/TCP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2",
  );
  invite.removeHeader("max-forwards");
  const ack = buildAckForNonSuccess(invite, makeResponse(invite, 500, "Server Internal Error"));
  assert.equal(ack.vias.length, 1);
  assert.equal(ack.topVia.branch, "z9hG4bK1");
  assert.equal(ack.topVia.host, "a.example.com");
  assert.equal(ack.header("max-forwards"), "70");
});
