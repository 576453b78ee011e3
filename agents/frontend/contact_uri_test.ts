import assert from "node:assert/strict";
import { parseUri, type SipUri } from "../../lab/sip/message/mod.ts";
import { sameContactUri } from "./contact_uri.ts";

const same = (a: string, b: string) => sameContactUri(parseUri(a) as SipUri, parseUri(b) as SipUri);

Deno.test("RFC 3261 §19.1.4 equivalent URIs", () => {
  // The RFC's own examples of equivalent pairs.
  assert.ok(same("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"));
  assert.ok(same("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"));
  assert.ok(same("sip:carol@chicago.com;security=on", "sip:carol@chicago.com;newparam=5"));
  assert.ok(same("sip:[::1]:5060", "sip:[0:0:0:0:0:0:0:1]:5060"));
});

Deno.test("RFC 3261 §19.1.4 URIs that differ", () => {
  // The RFC's own examples of non-equivalent pairs.
  assert.ok(!same("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"));
  assert.ok(!same("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"));
  assert.ok(!same("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"));
  assert.ok(!same("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"));
  assert.ok(!same("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"));
  assert.ok(!same("sip:a@h;newparam=5", "sip:a@h;newparam=6"));
});
