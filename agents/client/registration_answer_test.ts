import assert from "node:assert/strict";
import { parseMessage, type SipResponse } from "../../lab/sip/message/mod.ts";
import { readRegistrationAnswer } from "./registration_answer.ts";

const INSTANCE = "4233FD41-093B-5FD6-B5D2-651ED55969E6";

function ok(extra: string[]): SipResponse {
  const text = [
    "SIP/2.0 200 OK",
    "Via: SIP/2.0/TLS 192.0.2.1:4320;branch=z9hG4bK1",
    "From: <sip:alice@contoso.com>;tag=4a2b44d131;epid=8248ca9ebb",
    "To: <sip:alice@contoso.com>;tag=9",
    "Call-ID: d5f2b95d5be64c2cbfb38aa5d3a87ae7",
    "CSeq: 169 REGISTER",
    ...extra,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  return parseMessage(new TextEncoder().encode(text)) as SipResponse;
}

Deno.test("the 200 of MS-SIPREGE §3.4 gives this instance's expiry, GRUU and keep-alive", () => {
  const answer = readRegistrationAnswer(
    ok([
      'Contact: <sip:192.0.2.7:5061;transport=tls>;expires=900;+sip.instance="<urn:uuid:0000>"',
      `Contact: <sip:192.0.2.1:4320;transport=tls;ms-opaque=d3470f2e1d;ms-received-cid=1>;` +
      `expires=7200;+sip.instance="<urn:uuid:${INSTANCE.toLowerCase()}>";` +
      `gruu="sip:alice@contoso.com;opaque=user:epid:Qf0zQjsJ1l-10mUe1Vlp5gAA;gruu"`,
      "Expires: 7200",
      "ms-keep-alive: UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300",
    ]),
    INSTANCE,
    3600,
  );
  assert.equal(answer.expiresSeconds, 7200);
  assert.equal(answer.gruu, "sip:alice@contoso.com;opaque=user:epid:Qf0zQjsJ1l-10mUe1Vlp5gAA;gruu");
  assert.equal(answer.keepAliveMs, 300_000);
});

Deno.test("without a matching Contact the Expires header, then the request, decides", () => {
  assert.equal(readRegistrationAnswer(ok(["Expires: 900"]), INSTANCE, 3600).expiresSeconds, 900);
  const bare = readRegistrationAnswer(ok([]), INSTANCE, 1200);
  assert.equal(bare.expiresSeconds, 1200);
  assert.equal(bare.gruu, undefined);
  assert.equal(bare.keepAliveMs, 60_000);
});
