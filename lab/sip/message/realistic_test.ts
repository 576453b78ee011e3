import assert from "node:assert/strict";
import { parseMessage } from "./parser.ts";
import { serializeMessage } from "./serializer.ts";
import type { SipRequest, SipResponse } from "./message.ts";
import type { SipUri } from "./uri.ts";
import { TYPICAL_INVITE, TYPICAL_OK } from "./testdata/typical.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

function stable(bytes: Uint8Array) {
  const wire = serializeMessage(parseMessage(bytes));
  assert.deepEqual(serializeMessage(parseMessage(wire)), wire);
}

Deno.test("realistic: INVITE with an SDP offer (~700 bytes)", () => {
  const bytes = enc.encode(TYPICAL_INVITE);
  assert.ok(bytes.length > 650 && bytes.length < 800);
  const m = parseMessage(bytes) as SipRequest;
  assert.equal(m.method, "INVITE");
  assert.equal(m.topVia.branch, "z9hG4bK74bf9a1c");
  assert.equal(m.topVia.rport, null);
  assert.equal(m.from.displayName, "Alice");
  assert.equal(m.from.tag, "9fxced76sl");
  assert.equal(m.to.tag, undefined);
  assert.equal((m.contacts[0].uri as SipUri).params.get("transport"), "udp");
  assert.equal(m.header("allow"), "INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY");
  assert.ok(dec.decode(m.body).startsWith("v=0\r\no=alice"));
  assert.equal(String(m.body.length), m.header("content-length"));
  stable(bytes);
});

Deno.test("realistic: 200 OK with Record-Route list and filled-in rport", () => {
  const m = parseMessage(enc.encode(TYPICAL_OK)) as SipResponse;
  assert.equal(m.status, 200);
  assert.equal(m.topVia.rport, 5060);
  assert.equal(m.topVia.received, "192.0.2.101");
  assert.equal(m.to.tag, "8321234356");
  assert.equal(m.cseq.method, "INVITE");
  assert.equal(
    m.header("record-route"),
    "<sip:p1.biloxi.example.com;lr>, <sip:p2.atlanta.example.com;lr>",
  );
  stable(enc.encode(TYPICAL_OK));
});

Deno.test("realistic: REGISTER with Expires, several Contacts and Digest credentials", () => {
  const text = [
    "REGISTER sip:registrar.biloxi.example.com SIP/2.0",
    "Via: SIP/2.0/TCP bobspc.biloxi.example.com:5060;branch=z9hG4bKnashds7",
    "Max-Forwards: 70",
    "To: Bob <sip:bob@biloxi.example.com>",
    "From: Bob <sip:bob@biloxi.example.com>;tag=456248",
    "Call-ID: 843817637684230@998sdasdh09",
    "CSeq: 1826 REGISTER",
    'Contact: <sip:bob@192.0.2.4>;expires=7200;q=0.8, "Bob Mobile" <sip:bob@198.51.100.7;transport=tcp>;q=0.2',
    "Expires: 7200",
    'Authorization: Digest username="bob", realm="biloxi.example.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="sip:registrar.biloxi.example.com", qop=auth, nc=00000001, cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  const m = parseMessage(text) as SipRequest;
  assert.equal(m.contacts.length, 2);
  assert.equal(m.contacts[0].params.get("expires"), "7200");
  assert.equal(m.contacts[1].displayName, "Bob Mobile");
  assert.equal(m.contacts[1].params.get("q"), "0.2");
  assert.match(
    m.header("authorization")!,
    /^Digest username="bob", .*opaque="5ccc069c403ebaf9f0171e9517f40e41"$/,
  );
  stable(enc.encode(text));
});

Deno.test("realistic: Lync-style REGISTER with ms-* headers and NTLM Authorization (MS-SIPAE)", () => {
  const ntlm =
    'NTLM qop="auth", realm="SIP Communications Service", opaque="1A2B3C4D", targetname="sip/pool01.contoso.com", gssapi-data="TlRMTVNTUAADAAAAGAAYAHIAAAAYABgAigAAAA==", version=4';
  const text = [
    "REGISTER sip:contoso.com SIP/2.0",
    "Via: SIP/2.0/TLS 192.168.1.20:50744;branch=z9hG4bK3f8a1c;ms-received-port=50744;ms-received-cid=1F2E00",
    "Max-Forwards: 70",
    "From: <sip:alice@contoso.com>;tag=9e0b6c3a1e;epid=2b4b2c8f1a",
    "To: <sip:alice@contoso.com>",
    "Call-ID: 4f2f8e2a7c4d4c1e8a3b5d6e7f809a1b",
    "CSeq: 3 REGISTER",
    'Contact: <sip:192.168.1.20:50744;transport=tls;ms-opaque=d3470f2e1d>;methods="INVITE, MESSAGE, INFO, SUBSCRIBE, OPTIONS, BYE, CANCEL, NOTIFY, ACK, REFER, BENOTIFY";proxy=replace;+sip.instance="<urn:uuid:7d2b9d3c-5a7e-5b1f-9c2e-3f4a5b6c7d8e>"',
    "User-Agent: UCCAPI/16.0.4849.1000 OC/16.0.4849.1000 (Skype for Business)",
    "Supported: gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence",
    "Supported: ms-forking",
    "Supported: ms-cluster-failover",
    "ms-keep-alive: UAC;hop-hop=yes",
    "ms-subnet: 192.168.1.0",
    "Event: registration",
    `Authorization: ${ntlm}`,
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  const m = parseMessage(text) as SipRequest;
  assert.equal(m.topVia.transport, "TLS");
  assert.equal(m.topVia.params.get("ms-received-port"), "50744");
  assert.equal(m.from.params.get("epid"), "2b4b2c8f1a");
  const [contact] = m.contacts;
  assert.equal((contact.uri as SipUri).user, undefined);
  assert.equal((contact.uri as SipUri).params.get("ms-opaque"), "d3470f2e1d");
  assert.equal(
    contact.params.get("+sip.instance"),
    '"<urn:uuid:7d2b9d3c-5a7e-5b1f-9c2e-3f4a5b6c7d8e>"',
  );
  assert.equal(contact.params.get("proxy"), "replace");
  assert.equal(m.headerValues("supported").length, 3);
  assert.equal(m.header("ms-keep-alive"), "UAC;hop-hop=yes");
  assert.equal(m.header("authorization"), ntlm);
  // ms-* names stay lowercase on the wire.
  const wire = dec.decode(serializeMessage(m));
  assert.ok(wire.includes("\r\nms-keep-alive: UAC;hop-hop=yes\r\n"));
  assert.ok(wire.includes(`\r\nAuthorization: ${ntlm}\r\n`));
  stable(enc.encode(text));
});

Deno.test("realistic: Lync 401 with two WWW-Authenticate challenges", () => {
  const text = [
    "SIP/2.0 401 Unauthorized",
    "Date: Tue, 04 Mar 2025 10:12:31 GMT",
    'WWW-Authenticate: NTLM realm="SIP Communications Service", targetname="sip/pool01.contoso.com", version=4',
    'WWW-Authenticate: Kerberos realm="SIP Communications Service", targetname="sip/pool01.contoso.com", version=4',
    "From: <sip:alice@contoso.com>;tag=9e0b6c3a1e;epid=2b4b2c8f1a",
    "To: <sip:alice@contoso.com>;tag=B4D2A1F08A2C6E4B1D0E7F3A5C9B8D21",
    "Call-ID: 4f2f8e2a7c4d4c1e8a3b5d6e7f809a1b",
    "CSeq: 1 REGISTER",
    "Via: SIP/2.0/TLS 192.168.1.20:50744;branch=z9hG4bK3f8a1c;ms-received-port=50744;ms-received-cid=1F2E00",
    'ms-diagnostics: 4097;reason="Client is not authenticated";source="pool01.contoso.com"',
    "Server: RTC/7.0",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
  const m = parseMessage(text) as SipResponse;
  assert.equal(m.status, 401);
  assert.deepEqual(m.headerValues("www-authenticate").map((v) => v.split(" ")[0]), [
    "NTLM",
    "Kerberos",
  ]);
  assert.ok(dec.decode(serializeMessage(m)).includes("\r\nWWW-Authenticate: NTLM realm="));
  stable(enc.encode(text));
});
