import assert from "node:assert/strict";
import { parseMessage, type SipRequest } from "../../lab/sip/message/mod.ts";
import {
  isDeregistrationNotify,
  readDeregistration,
  shouldRegisterAgain,
} from "./deregistration_notify.ts";

function notify(body: string, extra: string[] = []): SipRequest {
  const text = [
    "NOTIFY sip:192.0.2.1:4320;transport=tls SIP/2.0",
    "Via: SIP/2.0/TLS 192.0.2.9:5061;branch=z9hG4bK9",
    "From: <sip:alice@contoso.com>;tag=a",
    "To: <sip:alice@contoso.com>;tag=b;epid=8248ca9ebb",
    "Call-ID: c2",
    "CSeq: 1 NOTIFY",
    "Max-Forwards: 70",
    "Event: registration-notify",
    "Subscription-State: terminated;expires=0",
    "Content-Type: text/registration-event",
    ...extra,
    `Content-Length: ${body.length}`,
    "",
    body,
  ].join("\r\n");
  return parseMessage(new TextEncoder().encode(text)) as SipRequest;
}

Deno.test("the MS-SIPREGE §4.1.3 deregistration NOTIFY (27-octet body) reads as rejected", () => {
  const request = notify("deregistered;event=rejected", [
    'ms-diagnostics-public: 4141;reason="User disabled"',
  ]);
  assert.equal(request.body.length, 27);
  assert.ok(isDeregistrationNotify(request));
  assert.deepEqual(readDeregistration(request), { reason: "rejected" });
  assert.equal(shouldRegisterAgain("rejected"), false);
});

Deno.test("preferred-registrar-change carries P-Preferred-Registrar and registers again", () => {
  const request = notify("deregistered;event=preferred-registrar-change", [
    "P-Preferred-Registrar: sip:pool2.contoso.com",
  ]);
  const read = readDeregistration(request)!;
  assert.equal(read.preferredRegistrar, "sip:pool2.contoso.com");
  assert.ok(shouldRegisterAgain(read.reason));
  assert.ok(shouldRegisterAgain("deactivated"));
});

Deno.test("an unknown reason or another body is not a deregistration", () => {
  assert.equal(readDeregistration(notify("deregistered;event=bored")), undefined);
  assert.equal(readDeregistration(notify("hello")), undefined);
});
