import assert from "node:assert/strict";
import { parseMessage, parseNameAddr } from "../../sip/message/mod.ts";
import {
  aorKey,
  checkEndpointIdentifiers,
  endpointIdentifiers,
  gruuTokenFromInstance,
  sipInstanceFromEpid,
} from "./endpoint_identifiers.ts";

Deno.test("+sip.instance from epid: MS-SIPAE 4.1, OC 2007 R2 and MS-SIPREGE vectors", () => {
  assert.equal(sipInstanceFromEpid("8248ca9ebb"), "4233FD41-093B-5FD6-B5D2-651ED55969E6");
  assert.equal(sipInstanceFromEpid("c8ca638a15"), "34D859DB-6585-5F91-A3B4-DE853C15347D");
  // MS-SIPREGE 200 OK example: epid a0ae9e6cb0, +sip.instance c1589240-e660-594f-…
  assert.equal(sipInstanceFromEpid("a0ae9e6cb0"), "C1589240-E660-594F-A8B3-4B55F358CBC1");
  assert.equal(sipInstanceFromEpid("2ebb6f264f"), "124841E4-264D-52E8-96C5-D22AA8CDC316");
});

Deno.test("GRUU token from instance: MS-SIPRE 4.10 and MS-SIPREGE vectors", () => {
  assert.equal(
    gruuTokenFromInstance("75ab1008-bcc4-5544-924d-aa177c824291"),
    "CBCrdcS8RFWSTaoXfIJCkQAA",
  );
  assert.equal(
    gruuTokenFromInstance("c1589240-e660-594f-a8b3-4b55f358cbc1"),
    "QJJYwWDmT1mos0tV81jLwQAA",
  );
  assert.equal(
    gruuTokenFromInstance("34d859db-6585-5f91-a3b4-de853c15347d"),
    "21nYNIVlkV-jtN6FPBU0fQAA",
  );
  assert.equal(gruuTokenFromInstance("not-a-guid"), undefined);
});

const SIPAE_41_REGISTER = [
  "REGISTER sip:contoso.com SIP/2.0",
  "Via: SIP/2.0/TLS 192.0.2.1:4320",
  "From: <sip:alice@contoso.com>;tag=4a2b44d131;epid=8248ca9ebb",
  "To: <sip:alice@contoso.com>",
  "Call-ID: d5f2b95d5be64c2cbfb38aa5d3a87ae7",
  "CSeq: 169 REGISTER",
  'Contact: <sip:192.0.2.1:4320;transport=tls>;proxy=replace;+sip.instance="<urn:uuid:4233FD41-093B-5FD6-B5D2-651ED55969E6>"',
  "UserAgent: UCCP/2.0.6362.0 OC/2.0.6362.0 (Microsoft Office Communicator)",
  "Supported: gruu-10",
  "Content-Length: 0",
];

function parse(lines: string[]) {
  // The spec example has no Max-Forwards (the Front End adds it, RFC 3261 §16.6).
  return parseMessage(lines.join("\r\n") + "\r\n\r\n", { allowMissingMaxForwards: true });
}

Deno.test("the MS-SIPAE 4.1 REGISTER carries a consistent epid and +sip.instance", () => {
  const ids = endpointIdentifiers(parse(SIPAE_41_REGISTER));
  assert.deepEqual(ids, {
    aor: "sip:alice@contoso.com",
    epid: "8248ca9ebb",
    instance: "4233FD41-093B-5FD6-B5D2-651ED55969E6",
  });
  assert.equal(checkEndpointIdentifiers(ids), undefined);
});

Deno.test("inconsistent or missing identifiers are reported", () => {
  const aor = "sip:alice@contoso.com";
  assert.equal(checkEndpointIdentifiers({ aor }), "missing");
  assert.equal(
    checkEndpointIdentifiers({
      aor,
      epid: "8248ca9ebb",
      instance: "34D859DB-6585-5F91-A3B4-DE853C15347D",
    }),
    "instance-mismatch",
  );
  // Instance compared case-insensitively.
  assert.equal(
    checkEndpointIdentifiers({
      aor,
      epid: "c8ca638a15",
      instance: "34d859db-6585-5f91-a3b4-de853c15347d",
    }),
    undefined,
  );
  // A GRUU of another endpoint.
  const gruuRequest = parse([
    "INVITE sip:bob@contoso.com SIP/2.0",
    "Via: SIP/2.0/TLS 192.0.2.1:4320",
    "From: <sip:alice@contoso.com>;tag=1;epid=c8ca638a15",
    "To: <sip:bob@contoso.com>",
    "Call-ID: x",
    "CSeq: 1 INVITE",
    "Contact: <sip:alice@contoso.com;opaque=user:epid:CBCrdcS8RFWSTaoXfIJCkQAA;gruu>",
    "Content-Length: 0",
  ]);
  const ids = endpointIdentifiers(gruuRequest);
  assert.equal(ids.gruuToken, "CBCrdcS8RFWSTaoXfIJCkQAA");
  assert.equal(checkEndpointIdentifiers(ids), "gruu-mismatch");
  assert.equal(
    checkEndpointIdentifiers({ ...ids, gruuToken: "21nYNIVlkV-jtN6FPBU0fQAA" }),
    undefined,
  );
});

Deno.test("aorKey ignores case and parameters", () => {
  assert.equal(
    aorKey(parseNameAddr("<sip:Alice@Contoso.COM;transport=tls>;tag=1")),
    "sip:alice@contoso.com",
  );
  assert.equal(aorKey(parseNameAddr("<sips:bob@contoso.com>")), "sip:bob@contoso.com");
});
