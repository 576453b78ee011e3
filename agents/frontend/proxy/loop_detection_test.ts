import assert from "node:assert/strict";
import { parseMessage, type SipRequest } from "../../../lab/sip/message/mod.ts";
import { hasLooped, proxyBranch } from "./loop_detection.ts";

const local = (via: { host: string; port?: number }) =>
  via.host === "192.0.2.1" && via.port === 5060;

function request(uri: string, vias: string[]): SipRequest {
  const text = [
    `MESSAGE ${uri} SIP/2.0`,
    ...vias.map((v) => `Via: ${v}`),
    "From: <sip:alice@lab.test>;tag=a1",
    "To: <sip:bob@lab.test>",
    "Call-ID: c1",
    "CSeq: 1 MESSAGE",
    "Max-Forwards: 70",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

Deno.test("loop detection: same routing fields → loop; changed Request-URI → spiral (§16.3)", () => {
  const caller = "SIP/2.0/UDP 192.0.2.9:5062;branch=z9hG4bKcaller";
  const received = request("sip:bob@lab.test", [caller]);
  const branch = proxyBranch(received, "x.0");
  const ours = `SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`;
  assert.equal(hasLooped(request("sip:bob@lab.test", [ours, caller]), local), true);
  assert.equal(hasLooped(request("sip:bob@192.0.2.7", [ours, caller]), local), false);
  assert.equal(hasLooped(received, local), false);
});
