import assert from "node:assert/strict";
import {
  formatNameAddr,
  formatParams,
  formatVia,
  parseCSeq,
  parseNameAddr,
  parseNameAddrList,
  parseParams,
  parseUnsigned,
  parseViaList,
} from "./header_values.ts";
import { SipParseError } from "./parse_error.ts";
import type { SipUri } from "./uri.ts";

function rejects(fn: () => unknown, label: string) {
  assert.throws(fn, (e) => e instanceof SipParseError && e.status === 400, label);
}

Deno.test("parseViaList: sent-protocol, sent-by and well-known params", () => {
  const [v] = parseViaList(
    "SIP/2.0/udp pc33.atlanta.com:5066;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5070;maddr=224.2.0.1;ttl=16",
  );
  assert.equal(v.protocolName, "SIP");
  assert.equal(v.protocolVersion, "2.0");
  assert.equal(v.transport, "UDP");
  assert.equal(v.host, "pc33.atlanta.com");
  assert.equal(v.port, 5066);
  assert.equal(v.branch, "z9hG4bK776asdhds");
  assert.equal(v.received, "192.0.2.1");
  assert.equal(v.rport, 5070);
  assert.equal(v.maddr, "224.2.0.1");
  assert.equal(v.ttl, 16);
  // RFC 3581 §4: rport without a value.
  assert.equal(parseViaList("SIP/2.0/UDP h;rport;branch=z9hG4bK1")[0].rport, null);
});

Deno.test("parseViaList: LWS around separators, comma lists, IPv6 (RFC 4475 wsinv, RFC 5118)", () => {
  const vias = parseViaList(
    "SIP  / 2.0  / TCP     spindle.example.com   ;  branch  =   z9hG4bK9ikj8  , SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
  );
  assert.deepEqual(vias.map((v) => [v.transport, v.host, v.branch]), [
    ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
    ["UDP", "192.168.255.111", "z9hG4bK30239"],
  ]);
  const [v6] = parseViaList(
    "SIP/2.0/UDP [2001:db8::9:1]:5060;received=2001:db8::9:255;branch=z9hG4bKas3",
  );
  assert.equal(v6.host, "[2001:db8::9:1]");
  assert.equal(v6.port, 5060);
  assert.equal(v6.received, "2001:db8::9:255");
  const [v6b] = parseViaList("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255]");
  assert.equal(v6b.received, "[2001:db8::9:255]");
});

Deno.test("parseViaList: malformed values are rejected (RFC 4475 badinv01)", () => {
  for (
    const bad of [
      "SIP/2.0/UDP 192.0.2.15;;,;,,",
      "SIP/2.0/UDP",
      "SIP/2.0 host",
      "SIP/2.0/UDP host:99999",
      "SIP/2.0/UDP host;branch=",
      "SIP/2.0/UDP host, ",
      "SIP/2.0/UDP host;ttl=256",
      "SIP/2.0/UDP host;rport=abc",
      "SIP/2.0/UDPhost",
    ]
  ) rejects(() => parseViaList(bad), bad);
});

Deno.test("formatVia writes the canonical form and parses back the same", () => {
  const [v] = parseViaList("SIP / 2.0 / tls  a.example.com : 5061 ; branch = z9hG4bKx ; rport");
  const text = formatVia(v);
  assert.equal(text, "SIP/2.0/TLS a.example.com:5061;branch=z9hG4bKx;rport");
  assert.deepEqual(parseViaList(text)[0], v);
});

Deno.test("parseNameAddr: display names, tags and header params", () => {
  const a = parseNameAddr('"Alice \\"A\\" Smith" <sip:alice@atlanta.com>;tag=1928301774;x-p="q v"');
  assert.equal(a.displayName, 'Alice "A" Smith');
  assert.equal(a.uriText, "sip:alice@atlanta.com");
  assert.equal(a.tag, "1928301774");
  assert.equal(a.params.get("x-p"), '"q v"');

  const b = parseNameAddr("Bob   Jones <sip:bob@biloxi.com>");
  assert.equal(b.displayName, "Bob Jones");
  assert.equal(b.tag, undefined);

  // RFC 4475 §3.1.1.6 lwsdisp: no LWS between the display name and "<".
  assert.equal(parseNameAddr("caller<sip:caller@example.com>;tag=323").displayName, "caller");
  // Empty quoted display name.
  assert.equal(parseNameAddr('"" <sip:x@y>').displayName, "");
  // Tag parameter name is case-insensitive.
  assert.equal(parseNameAddr("<sip:x@y>;TAG=abc").tag, "abc");
  // Non-SIP URIs are kept (RFC 4475 §3.3.4 unksm2).
  assert.equal(parseNameAddr("<http://www.example.com>;tag=3234233").uri.scheme, "http");
  assert.equal(parseNameAddr("isbn:2983792873").uri.scheme, "isbn");
});

Deno.test("parseNameAddr: §20 addr-spec parameters are header parameters", () => {
  // RFC 4475 §3.3.12 cparam01 / §3.3.13 cparam02.
  const bare = parseNameAddr("sip:+19725552222@gw1.example.net;unknownparam");
  assert.equal(bare.params.has("unknownparam"), true);
  assert.equal((bare.uri as SipUri).params.size, 0);
  const bracketed = parseNameAddr("<sip:+19725552222@gw1.example.net;unknownparam>");
  assert.equal(bracketed.params.size, 0);
  assert.equal((bracketed.uri as SipUri).params.has("unknownparam"), true);
  // A URI with "?" must be bracketed (RFC 4475 §3.1.2.13 regbadct).
  rejects(() => parseNameAddr("sip:user@example.com?Route=%3Csip:sip.example.com%3E"), "regbadct");
  assert.equal(
    (parseNameAddr("<sip:user@example.com?Route=%3Csip:sip.example.com%3E>").uri as SipUri).headers
      .get("Route"),
    "%3Csip:sip.example.com%3E",
  );
});

Deno.test("parseNameAddr: malformed values are rejected", () => {
  for (
    const bad of [
      '"Mr J. User <sip:j.user@example.com>', // quotbal
      '"Watson, Thomas" < sip:t.watson@example.org >', // badaspec
      "Bell, Alexander <sip:a.g.bell@example.com>;tag=43", // baddn
      "<sip:a@b>;;tag=1",
      "<sip:a@b", // unterminated
      "<sip:a@b>, <sip:c@d>", // a list where one value is expected
      "",
      "<>",
      '"x" sip:a@b',
    ]
  ) rejects(() => parseNameAddr(bad), bad);
});

Deno.test("parseNameAddrList: commas inside quotes and brackets do not split; * is a star", () => {
  const list = parseNameAddrList(
    '"Watson, Thomas" <sip:t,watson@example.org;a=b>;q=0.7, <sip:x@y>;expires=60 ,sip:z@w;q=0.1',
  );
  assert.equal(list.length, 3);
  assert.equal(list[0].displayName, "Watson, Thomas");
  assert.equal(list[0].params.get("q"), "0.7");
  assert.equal(list[1].params.get("expires"), "60");
  assert.equal(list[2].uriText, "sip:z@w");
  assert.equal(list[2].params.get("q"), "0.1");

  const [star] = parseNameAddrList(" * ");
  assert.equal(star.star, true);
  assert.equal(formatNameAddr(star), "*");
  rejects(() => parseNameAddrList("<sip:a@b>,"), "trailing comma");
  rejects(() => parseNameAddrList("<sip:a@b>;;;;"), "empty params");
});

Deno.test("formatNameAddr quotes display names and parses back the same", () => {
  const n = parseNameAddr('"J Rosenberg \\\\\\""       <sip:jdrosen@example.com> ; tag = 98asjd8');
  assert.equal(n.displayName, 'J Rosenberg \\"');
  const text = formatNameAddr(n);
  assert.equal(text, '"J Rosenberg \\\\\\"" <sip:jdrosen@example.com>;tag=98asjd8');
  assert.deepEqual(parseNameAddr(text), n);
  assert.equal(formatNameAddr(parseNameAddr("sip:a@b;tag=1")), "<sip:a@b>;tag=1");
});

Deno.test("parseCSeq: leading zeros, LWS, 32-bit limit (RFC 4475 wsinv, scalar02)", () => {
  assert.deepEqual(parseCSeq("0009 INVITE"), { seq: 9, method: "INVITE" });
  assert.deepEqual(parseCSeq(" 4294967295   ACK "), { seq: 4294967295, method: "ACK" });
  assert.deepEqual(parseCSeq("1 !interesting-Method0123456789_*+`.%indeed'~"), {
    seq: 1,
    method: "!interesting-Method0123456789_*+`.%indeed'~",
  });
  for (
    const bad of [
      "36893488147419103232 REGISTER",
      "4294967296 INVITE",
      "INVITE",
      "1",
      "-1 BYE",
      "1INVITE",
      "1 INVITE x",
    ]
  ) {
    rejects(() => parseCSeq(bad), bad);
  }
});

Deno.test("parseParams / formatParams keep order, spelling and quotes", () => {
  const p = parseParams(';Transport=TCP;lr;x="a;b"');
  assert.deepEqual([...p], [["Transport", "TCP"], ["lr", null], ["x", '"a;b"']]);
  assert.equal(formatParams(p), ';Transport=TCP;lr;x="a;b"');
  assert.deepEqual([...parseParams("a=1")], [["a", "1"]]);
  rejects(() => parseParams(";=1"), "empty name");
});

Deno.test("parseUnsigned: 1*DIGIT with a maximum (Content-Length, Max-Forwards, Expires)", () => {
  assert.equal(parseUnsigned("0068", "Max-Forwards", 255), 68);
  assert.equal(parseUnsigned(" 0 ", "Content-Length", 100), 0);
  for (const bad of ["-999", "five", "", "300", "1 2"]) {
    rejects(() => parseUnsigned(bad, "Max-Forwards", 255), bad);
  }
});
