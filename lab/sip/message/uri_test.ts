import assert from "node:assert/strict";
import { formatUri, isSipUri, parseUri, type SipUri, type TelUri } from "./uri.ts";
import { SipParseError } from "./parse_error.ts";

function sip(text: string): SipUri {
  const u = parseUri(text);
  assert.ok(isSipUri(u), `${text} should be a SIP URI`);
  return u;
}

function rejects(text: string) {
  assert.throws(() => parseUri(text), (e) => e instanceof SipParseError && e.status === 400, text);
}

Deno.test("parseUri: RFC 3261 §19.1.3 examples", () => {
  const a = sip("sip:alice@atlanta.com");
  assert.equal(a.user, "alice");
  assert.equal(a.host, "atlanta.com");
  assert.equal(a.port, undefined);

  const b = sip("sip:alice:secretword@atlanta.com;transport=tcp");
  assert.equal(b.password, "secretword");
  assert.equal(b.params.get("transport"), "tcp");

  const c = sip("sips:alice@atlanta.com?subject=project%20x&priority=urgent");
  assert.equal(c.scheme, "sips");
  assert.equal(c.headers.get("subject"), "project%20x");
  assert.equal(c.headers.get("priority"), "urgent");

  const d = sip("sip:+1-212-555-1212:1234@gateway.com;user=phone");
  assert.equal(d.user, "+1-212-555-1212");
  assert.equal(d.password, "1234");
  assert.equal(d.params.get("user"), "phone");

  const e = sip("sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com");
  assert.equal(e.user, undefined);
  assert.equal(e.params.get("method"), "REGISTER");

  const f = sip("sip:alice;day=tuesday@atlanta.com");
  assert.equal(f.user, "alice;day=tuesday");
  assert.equal(f.host, "atlanta.com");
});

Deno.test("parseUri: §19.1.2 escapes in user and password are resolved", () => {
  assert.equal(sip("sip:%61lice@atlanta.com").user, "alice");
  assert.equal(sip("sip:I%20have%20spaces@example.net").user, "I have spaces");
  assert.equal(sip("sip:sips%3Auser%40example.com@example.net").user, "sips:user@example.com");
  assert.equal(sip("sip:null-%00-null@example.com").user, "null-\u0000-null");
  assert.equal(sip("sip:%C3%A9t%C3%A9@example.com").user, "été");
  assert.equal(sip("sip:a:p%40ss@example.com").password, "p@ss");
  // Parameter values keep their escapes (never unescaped recursively, RFC 4475 §3.1.1.3).
  const u = sip("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
  assert.equal(u.user, "caller");
  assert.equal(u.params.get("n%61me"), "v%61lue%25%34%31");
  assert.equal(u.params.get("%6C%72"), null);
});

Deno.test("parseUri: hosts, ports and IPv6 references (RFC 5118)", () => {
  const v6 = sip("sip:[2001:db8::10]:5070;transport=tcp");
  assert.equal(v6.host, "[2001:db8::10]");
  assert.equal(v6.port, 5070);
  assert.equal(sip("sip:user@[::ffff:192.0.2.1]").host, "[::ffff:192.0.2.1]");
  assert.equal(sip("sip:192.0.2.4:0").port, 0);
  assert.equal(sip("SIP:Bob@Biloxi.COM").scheme, "sip");
  assert.equal(sip("sip:x@h;lr").params.get("lr"), null);
});

Deno.test("parseUri: malformed SIP URIs are rejected with 400", () => {
  for (
    const bad of [
      "sip:",
      "sip:@example.com",
      "sip:user@",
      "sip:user@exa mple.com",
      "sip:user@example.com:65536",
      "sip:user@example.com:5o60",
      "sip:user@[2001:db8::1",
      "sip:user@[]",
      "sip:us<er@example.com",
      "sip:user@example.com;;lr",
      "sip:user@example.com;a=",
      "sip:user%4@example.com",
      "sip:user@example.com?novalue",
      "<sip:user@example.com>",
      "nocolon",
      "1abc:foo",
    ]
  ) rejects(bad);
});

Deno.test("parseUri: tel and other schemes", () => {
  const t = parseUri("tel:+1-201-555-0123;phone-context=example.com") as TelUri;
  assert.equal(t.scheme, "tel");
  assert.equal(t.number, "+1-201-555-0123");
  assert.equal(t.params.get("phone-context"), "example.com");
  rejects("tel:+1 201");

  assert.deepEqual(parseUri("urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6"), {
    scheme: "urn",
    text: "urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6",
  });
  assert.equal(parseUri("soap.beep://192.0.2.103:3002").scheme, "soap.beep");
  assert.equal(
    parseUri("nobodyKnowsThisScheme:totallyopaquecontent").scheme,
    "nobodyknowsthisscheme",
  );
  rejects("http://exa mple.com");
});

Deno.test("formatUri: escapes what §25.1 requires and round-trips", () => {
  const u: SipUri = {
    scheme: "sip",
    user: "I have spaces@home",
    password: "p:w",
    host: "example.net",
    port: 5061,
    params: new Map<string, string | null>([["transport", "tls"], ["lr", null]]),
    headers: new Map([["subject", "hi%20there"]]),
  };
  const text = formatUri(u);
  assert.equal(
    text,
    "sip:I%20have%20spaces%40home:p%3Aw@example.net:5061;transport=tls;lr?subject=hi%20there",
  );
  assert.deepEqual(parseUri(text), u);
  for (
    const t of [
      "sip:alice;day=tuesday@atlanta.com",
      "sips:[2001:db8::1]:5061;maddr=239.255.255.1;ttl=15",
      "tel:+1-201-555-0123;phone-context=example.com",
      "urn:service:sos",
      "sip:null-%00-null@example.com",
    ]
  ) assert.equal(formatUri(parseUri(t)), t);
});
