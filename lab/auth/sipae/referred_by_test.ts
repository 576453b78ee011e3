import assert from "node:assert/strict";
import { parseMessage, SipRequest } from "../../sip/message/mod.ts";
import { copyReferredBy, parseReferredBy, withRefereeUri } from "./referred_by.ts";

// A server-stamped Referred-By carrying every MS-SIPAE §2.2.5 parameter.
const STAMPED = '"Alice" <sip:alice@contoso.com>;cid="20398823.2UWQFN309shb3@contoso.com"' +
  ';ms-identity="MIIBxAYJKoZIhvcNAQcCoIIBtTCC"' +
  ";ms-identity-alg=rsa-sha1" +
  ';ms-identity-info="https://fe01.contoso.com/cert"' +
  ';ms-identity-cookie="3c81f00a"' +
  ';ms-referee-uri="sip:carol@contoso.com"';

Deno.test("every MS-SIPAE 2.2.5 parameter is read", () => {
  const rb = parseReferredBy(STAMPED);
  assert.equal(rb.displayName, "Alice");
  assert.equal(rb.uri, "sip:alice@contoso.com");
  assert.equal(rb.cid, "20398823.2UWQFN309shb3@contoso.com");
  assert.equal(rb.identity, "MIIBxAYJKoZIhvcNAQcCoIIBtTCC");
  assert.equal(rb.identityAlg, "rsa-sha1");
  assert.equal(rb.identityInfo, "https://fe01.contoso.com/cert");
  assert.equal(rb.identityCookie, "3c81f00a");
  assert.equal(rb.refereeUri, "sip:carol@contoso.com");
});

Deno.test("ms-referee-uri is added or replaced as a quoted SIP URI (MS-SIPAE 3.2.4.4)", () => {
  assert.equal(
    withRefereeUri("<sip:alice@contoso.com>", "sip:carol@contoso.com"),
    '<sip:alice@contoso.com>;ms-referee-uri="sip:carol@contoso.com"',
  );
  assert.equal(
    withRefereeUri(
      '"Alice" <sip:alice@contoso.com>;cid="x@y";ms-referee-uri="sip:old@contoso.com"',
      "sip:dave@contoso.com",
    ),
    '"Alice" <sip:alice@contoso.com>;cid="x@y";ms-referee-uri="sip:dave@contoso.com"',
  );
  assert.throws(() => withRefereeUri("<sip:alice@contoso.com>", "tel:+14255550100"), TypeError);
});

Deno.test("the referee copies Referred-By from the REFER into the INVITE byte for byte", () => {
  const refer = parseMessage(
    [
      "REFER sip:bob@192.0.2.20:5061;transport=tls SIP/2.0",
      "Via: SIP/2.0/TLS 10.0.0.1:5061;branch=z9hG4bKrefer1",
      "Max-Forwards: 69",
      "From: <sip:alice@contoso.com>;tag=a1;epid=01ab02cd03",
      "To: <sip:bob@contoso.com>;tag=b1;epid=0badc0ffee",
      "Call-ID: call-1",
      "CSeq: 5 REFER",
      "Refer-To: <sip:carol@contoso.com>",
      `b: ${STAMPED}`,
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  );
  const invite = new SipRequest("INVITE", "sip:carol@contoso.com")
    .addHeader("Referred-By", "<sip:stale@contoso.com>");
  assert.equal(copyReferredBy(refer, invite), 1);
  assert.deepEqual(invite.headerValues("Referred-By"), [STAMPED]);
});
