import assert from "node:assert/strict";
import { SipRequest } from "../message/message.ts";
import { stampReceivedVia } from "./received_via.ts";

function request(...vias: string[]): SipRequest {
  const req = new SipRequest("INVITE", "sip:bob@biloxi.com");
  for (const v of vias) req.addHeader("Via", v);
  req.addHeader("Max-Forwards", "70");
  return req;
}

const from = (host: string, port: number) => ({ protocol: "UDP", host, port });

Deno.test("§18.2.1: sent-by name gets received= with the source address", () => {
  // RFC 3261 §18.2.1 example: sent-by bobspc.biloxi.com, packet from 192.0.2.4.
  const req = request("SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK776asdhds");
  assert.equal(stampReceivedVia(req, from("192.0.2.4", 5060)), true);
  assert.equal(
    req.header("via"),
    "SIP/2.0/UDP bobspc.biloxi.com:5060;branch=z9hG4bK776asdhds;received=192.0.2.4",
  );
  assert.equal(req.topVia.received, "192.0.2.4");
});

Deno.test("§18.2.1: matching sent-by address is left alone; differing one is stamped", () => {
  const same = request("SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1");
  assert.equal(stampReceivedVia(same, from("192.0.2.4", 5060)), false);
  assert.equal(same.header("via"), "SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1");

  const natted = request("SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK1");
  stampReceivedVia(natted, from("192.0.2.4", 5060));
  assert.equal(natted.topVia.received, "192.0.2.4");
});

Deno.test("RFC 3581 §4: empty rport is filled and received added even when it matches", () => {
  // RFC 3581 §4 example: Via: SIP/2.0/UDP 10.1.1.1:4540;rport from 192.0.2.1:9988.
  const req = request("SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff");
  stampReceivedVia(req, from("192.0.2.1", 9988));
  assert.equal(
    req.header("via"),
    "SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1",
  );
  const same = request("SIP/2.0/UDP 192.0.2.1:4540;branch=z9hG4bK2;RPort");
  stampReceivedVia(same, from("192.0.2.1", 4540));
  assert.equal(
    same.header("via"),
    "SIP/2.0/UDP 192.0.2.1:4540;branch=z9hG4bK2;RPort=4540;received=192.0.2.1",
  );
});

Deno.test("an rport that already has a value is not overwritten", () => {
  const req = request("SIP/2.0/UDP 192.0.2.1:4540;rport=1111;branch=z9hG4bK3");
  assert.equal(stampReceivedVia(req, from("192.0.2.1", 4540)), false);
  assert.equal(req.topVia.rport, 1111);
});

Deno.test("only the top via-parm changes; later ones (same field or not) stay verbatim", () => {
  const req = request(
    'SIP/2.0/UDP a.example.com;branch=z9hG4bKa;x="q,uoted" ,  SIP/2.0/tcp  b.example.com;branch=z9hG4bKb',
    "SIP/2.0/UDP c.example.com;branch=z9hG4bKc",
  );
  stampReceivedVia(req, from("192.0.2.9", 5060));
  assert.deepEqual(req.headerValues("via"), [
    'SIP/2.0/UDP a.example.com;branch=z9hG4bKa;x="q,uoted";received=192.0.2.9,  SIP/2.0/tcp  b.example.com;branch=z9hG4bKb',
    "SIP/2.0/UDP c.example.com;branch=z9hG4bKc",
  ]);
  assert.deepEqual(req.vias.map((v) => v.host), [
    "a.example.com",
    "b.example.com",
    "c.example.com",
  ]);
  assert.equal(req.vias[1].received, undefined);
});

Deno.test("IPv6: compared in canonical form, received written without brackets", () => {
  const same = request("SIP/2.0/UDP [2001:db8::9:1]:5060;branch=z9hG4bK6");
  assert.equal(stampReceivedVia(same, from("[2001:db8:0:0:0:0:9:1]", 5060)), false);
  const other = request("SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK6;rport");
  stampReceivedVia(other, from("[2001:db8::9:255]", 6000));
  assert.equal(
    other.header("via"),
    "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bK6;rport=6000;received=2001:db8::9:255",
  );
  assert.equal(other.topVia.received, "2001:db8::9:255");
});

Deno.test("a request without Via is left untouched; a malformed top Via throws", () => {
  assert.equal(stampReceivedVia(request(), from("192.0.2.1", 5060)), false);
  assert.throws(() => stampReceivedVia(request("garbage"), from("192.0.2.1", 5060)));
});
