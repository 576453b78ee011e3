import assert from "node:assert/strict";
import {
  checkEndpointIdentifiers,
  endpointIdentifiers,
  sipInstanceFromEpid,
} from "../../lab/auth/sipae/mod.ts";
import { parseMessage, serializeMessage, type SipRequest } from "../../lab/sip/message/mod.ts";
import {
  buildProvisioningSubscribe,
  buildRegister,
  type EndpointIdentity,
  PROVISIONING_CONTENT_TYPE,
} from "./lync_requests.ts";

// The identifiers of the MS-SIPREGE §2 REGISTER capture.
const IDENTITY: EndpointIdentity = {
  aor: "sip:alice@contoso.com",
  domain: "contoso.com",
  epid: "8248ca9ebb",
  instance: sipInstanceFromEpid("8248ca9ebb"),
  registerCallId: "d5f2b95d5be64c2cbfb38aa5d3a87ae7",
  registerTag: "4a2b44d131",
  contactOpaque: "d3470f2e1d",
};
const LOCAL = { host: "192.0.2.1", port: 4320, transport: "TLS" } as const;

/** Serialized and parsed again: what the server reads. */
function onTheWire(request: SipRequest): SipRequest {
  return parseMessage(serializeMessage(request)) as SipRequest;
}

Deno.test("REGISTER carries the MS-SIPREGE §2 additions and one keep-alive proposal", () => {
  const register = onTheWire(buildRegister(IDENTITY, { cseq: 169, local: LOCAL, keepAlive: true }));
  assert.equal(register.uri, "sip:contoso.com");
  assert.equal(register.header("via"), "SIP/2.0/TLS 192.0.2.1:4320");
  assert.equal(register.header("from"), "<sip:alice@contoso.com>;tag=4a2b44d131;epid=8248ca9ebb");
  assert.equal(register.header("cseq"), "169 REGISTER");
  assert.equal(register.header("event"), "registration");
  assert.match(register.header("supported") ?? "", /gruu-10.*msrtc-event-categories/);
  assert.equal(register.headerValues("ms-keep-alive").length, 1);
  assert.equal(register.header("ms-keep-alive"), "UAC;hop-hop=yes");
  const contact = register.header("contact") ?? "";
  assert.match(contact, /^<sip:192\.0\.2\.1:4320;transport=tls;ms-opaque=d3470f2e1d>/);
  assert.match(contact, /;proxy=replace;/);
  // MS-SIPRE §3: the +sip.instance is the one derived from the epid (what a registrar checks).
  assert.equal(checkEndpointIdentifiers(endpointIdentifiers(register)), undefined);
  assert.equal(register.header("expires"), undefined);
});

Deno.test("refresh and unregister: no second keep-alive proposal, Expires as asked", () => {
  const refresh = buildRegister(IDENTITY, { cseq: 170, local: LOCAL, keepAlive: false });
  assert.equal(refresh.header("ms-keep-alive"), undefined);
  const unregister = buildRegister(IDENTITY, {
    cseq: 171,
    local: LOCAL,
    keepAlive: false,
    expires: 0,
  });
  assert.equal(unregister.header("expires"), "0");
  assert.equal(unregister.header("call-id"), IDENTITY.registerCallId);
});

Deno.test("the provisioning SUBSCRIBE of MS-SIPREGE §6.1", () => {
  const subscribe = onTheWire(
    buildProvisioningSubscribe(IDENTITY, { local: LOCAL, callId: "c9", tag: "t9" }),
  );
  assert.equal(subscribe.uri, "sip:alice@contoso.com");
  assert.equal(subscribe.header("event"), "vnd-microsoft-provisioning-v2");
  assert.equal(subscribe.header("accept"), PROVISIONING_CONTENT_TYPE);
  assert.equal(subscribe.header("content-type"), PROVISIONING_CONTENT_TYPE);
  assert.equal(subscribe.header("expires"), "0");
  assert.deepEqual(subscribe.headerValues("supported"), [
    "ms-piggyback-first-notify",
    "ms-benotify",
  ]);
  const body = new TextDecoder().decode(subscribe.body);
  assert.match(
    body,
    /^<provisioningGroupList xmlns="http:\/\/schemas\.microsoft\.com\/2006\/09\/sip\/provisioninggrouplist">/,
  );
  assert.equal(body.match(/<provisioningGroup name=/g)?.length, 4);
});
