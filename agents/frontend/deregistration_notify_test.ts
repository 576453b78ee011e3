import assert from "node:assert/strict";
import { parseNameAddr, type SipUri } from "../../lab/sip/message/mod.ts";
import { deregistrationNotify } from "./deregistration_notify.ts";
import type { Binding } from "./location_service.ts";

const contact = parseNameAddr("<sip:192.0.2.1:4320;transport=tls;ms-opaque=d3470f2e1d>");
const binding: Binding = {
  aor: "sip:alice@contoso.com",
  contact,
  uri: contact.uri as SipUri,
  callId: "c",
  cseq: 1,
  expiresAt: 0,
  source: { protocol: "TLS", host: "192.0.2.1", port: 4320 },
  endpoint: { epid: "8248ca9ebb", registrationEvents: true },
};

Deno.test("MS-SIPREGE 4.1.3: rejected, with 4141 and the 27-byte body", () => {
  const notify = deregistrationNotify(binding, {
    reason: "rejected",
    contact: "sip:fe01.contoso.com:5061;transport=tls",
    diagnostics: ["ms-diagnostics-public", '4141;reason="User disabled"'],
  });
  assert.equal(notify.uri, "sip:192.0.2.1:4320;transport=tls;ms-opaque=d3470f2e1d");
  assert.equal(notify.header("event"), "registration-notify");
  assert.equal(notify.header("subscription-state"), "terminated;expires=0");
  assert.equal(notify.header("content-type"), "text/registration-event");
  assert.equal(notify.header("ms-diagnostics-public"), '4141;reason="User disabled"');
  assert.equal(notify.to.params.get("epid"), "8248ca9ebb");
  assert.equal(notify.to.tag, undefined);
  assert.equal(notify.body.length, 27);
  assert.equal(new TextDecoder().decode(notify.body), "deregistered;event=rejected");
  assert.equal(notify.header("p-preferred-registrar"), undefined);
});

Deno.test("preferred-registrar-change names the registrar; other reasons do not", () => {
  const moved = deregistrationNotify(binding, {
    reason: "preferred-registrar-change",
    contact: "sip:fe01",
    preferredRegistrar: "sip:fe02.contoso.com:5061;transport=tls",
  });
  assert.equal(moved.header("p-preferred-registrar"), "sip:fe02.contoso.com:5061;transport=tls");
  const quota = deregistrationNotify(binding, {
    reason: "unregistered",
    contact: "sip:fe01",
    preferredRegistrar: "sip:ignored",
  });
  assert.equal(quota.header("p-preferred-registrar"), undefined);
  assert.equal(new TextDecoder().decode(quota.body), "deregistered;event=unregistered");
});
