/**
 * RFC 4475 "SIP Torture Test Messages" §3 as a test suite. The fixtures are the RFC's messages
 * byte for byte (Appendix A archive): CRLF line ends, UTF-8 and binary content included.
 * Each test follows the RFC's text for its message: §3.1.1 valid messages parse and re-serialize
 * stably; §3.1.2 invalid ones are rejected with the status the RFC names; §3.2-§3.4 messages are
 * syntactically valid (the transaction or application layer decides: "parses; UA rejects"),
 * except where the RFC asks for a parse-level answer (insuf, multi01, mcl01, unkscm, novelsc).
 */
import assert from "node:assert/strict";
import { parseMessage, type ParseOptions } from "./parser.ts";
import { messageToString, serializeMessage } from "./serializer.ts";
import { SipParseError } from "./parse_error.ts";
import type { AnySipMessage, SipRequest, SipResponse } from "./message.ts";
import type { SipUri } from "./uri.ts";
import { StreamParser } from "./stream.ts";

const FIXTURES = new URL("./testdata/rfc4475/", import.meta.url);

function load(tag: string): Uint8Array {
  return Deno.readFileSync(new URL(`${tag}.txt`, FIXTURES));
}

const covered = new Set<string>();

/** Parses the fixture, checks parse → serialize → parse stability, returns the message. */
function parses(tag: string, opts?: ParseOptions): AnySipMessage {
  covered.add(tag);
  const m = parseMessage(load(tag), opts);
  const wire = serializeMessage(m);
  const again = parseMessage(wire, opts);
  assert.deepEqual(serializeMessage(again), wire, `${tag}: serialization not stable`);
  const withoutLength = (x: AnySipMessage) => x.headers.filter((h) => h.key !== "content-length");
  assert.deepEqual(withoutLength(again), withoutLength(m));
  assert.equal(again.header("content-length"), String(m.body.length));
  assert.deepEqual(again.body, m.body);
  assert.deepEqual(again.vias, m.vias);
  assert.deepEqual(again.cseq, m.cseq);
  assert.deepEqual(again.from, m.from);
  assert.deepEqual(again.to, m.to);
  assert.deepEqual(again.contacts, m.contacts);
  return m;
}

function request(tag: string, opts?: ParseOptions): SipRequest {
  const m = parses(tag, opts);
  assert.equal(m.kind, "request");
  return m as SipRequest;
}

function response(tag: string): SipResponse {
  const m = parses(tag);
  assert.equal(m.kind, "response");
  return m as SipResponse;
}

function rejected(tag: string, status: number, reason: string, opts?: ParseOptions): SipParseError {
  covered.add(tag);
  try {
    parseMessage(load(tag), opts);
  } catch (e) {
    assert.ok(e instanceof SipParseError, `${tag}: ${e}`);
    assert.equal(e.status, status, `${tag}: ${e.reason}`);
    assert.equal(e.reason, reason, tag);
    return e;
  }
  throw new Error(`${tag} parsed but RFC 4475 expects ${status}`);
}

const dec = new TextDecoder();

// §3.1.1 Valid messages -----------------------------------------------------------------------

Deno.test("RFC 4475 §3.1.1.1 wsinv: a short tortuous INVITE", () => {
  const m = request("wsinv");
  assert.equal(m.method, "INVITE");
  const ruri = m.requestUri as SipUri;
  assert.equal(ruri.user, "vivekg");
  assert.equal(ruri.params.get("unknownparam"), null);
  assert.equal(m.to.tag, "1918181833n");
  assert.equal(m.to.uriText, "sip:vivekg@chair-dnrc.example.com");
  assert.equal(m.from.displayName, 'J Rosenberg \\"');
  assert.equal(m.from.tag, "98asjd8");
  assert.equal(m.header("max-forwards"), "0068");
  assert.equal(m.callId, "wsinv.ndaksdj@192.0.2.1");
  assert.deepEqual(m.cseq, { seq: 9, method: "INVITE" });
  assert.deepEqual(m.vias.map((v) => [v.transport, v.host, v.branch]), [
    ["UDP", "192.0.2.2", "390skdjuw"],
    ["TCP", "spindle.example.com", "z9hG4bK9ikj8"],
    ["UDP", "192.168.255.111", "z9hG4bK30239"],
  ]);
  assert.equal(m.header("subject"), "");
  assert.equal(m.header("newfangledheader"), "newfangled value continued newfangled value");
  assert.equal(m.header("unknownheaderwithunusualvalue"), ";;,,;;,;");
  assert.equal(
    m.header("route"),
    "<sip:services.example.com;lr;unknownwith=value;unknown-no-value>",
  );
  const [contact] = m.contacts;
  assert.equal(contact.displayName, 'Quoted string ""');
  assert.deepEqual([...contact.params], [["newparam", "newvalue"], ["secondparam", null], [
    "q",
    "0.33",
  ]]);
  assert.equal(m.body.length, 150);
});

Deno.test("RFC 4475 §3.1.1.2 intmeth: wide range of valid characters", () => {
  const m = request("intmeth");
  const method = "!interesting-Method0123456789_*+`.%indeed'~";
  assert.equal(m.method, method);
  assert.equal(m.cseq.method, method);
  const ruri = m.requestUri as SipUri;
  assert.equal(ruri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  assert.equal(ruri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  assert.equal(ruri.host, "example.com");
  assert.equal(m.topVia.branch, "z9hG4bK-.!%66*_+`'~");
  assert.equal(m.to.displayName, "BEL:\x07 NUL:\x00 DEL:\x7f");
  assert.equal(m.from.displayName, "token1~` token2'+_ token3*%!.-");
  assert.equal(m.from.params.get("fromParam''~+*_!.-%"), '"работающий"');
  assert.equal(m.from.tag, "_token~1'+`*%!-.");
  assert.equal(m.callId, "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  assert.equal(m.header("extensionHeader-!.%*+_`'~"), "\uFEFF大停電");
});

Deno.test("RFC 4475 §3.1.1.3 esc01: valid use of the % escaping mechanism", () => {
  const m = request("esc01");
  assert.equal((m.requestUri as SipUri).user, "sips:user@example.com");
  assert.equal((m.requestUri as SipUri).host, "example.net");
  assert.equal((m.to.uri as SipUri).user, "user");
  assert.equal((m.from.uri as SipUri).user, "I have spaces");
  const contact = m.contacts[0].uri as SipUri;
  assert.equal(contact.user, "caller");
  // "value%41" is not "valueA": escapes are never resolved recursively.
  assert.deepEqual([...contact.params], [["%6C%72", null], ["n%61me", "v%61lue%25%34%31"]]);
  assert.equal(m.callId, "esc01.239409asdfakjkn23onasd0-3234");
});

Deno.test("RFC 4475 §3.1.1.4 escnull: escaped nulls in URIs", () => {
  const m = request("escnull");
  assert.equal((m.to.uri as SipUri).user, "null-\0-null");
  assert.equal((m.from.uri as SipUri).user, "null-\0-null");
  assert.deepEqual(m.contacts.map((c) => (c.uri as SipUri).user), ["\0", "\0\0"]);
});

Deno.test("RFC 4475 §3.1.1.5 esc02: % that is not an escape", () => {
  const m = request("esc02");
  assert.equal(m.method, "RE%47IST%45R");
  assert.notEqual(m.method, "REGISTER");
  assert.equal(m.to.displayName, "%Z%45");
  assert.equal(m.from.displayName, "%Z%45");
  assert.equal(m.topVia.branch, "z9hG4bK209%fzsnel234");
  assert.deepEqual(m.contacts.map((c) => c.uriText), [
    "sip:alias1@host1.example.com",
    "sip:alias3@host3.example.com",
  ]);
  assert.equal(m.header("C%6Fntact"), "<sip:alias2@host2.example.com>");
});

Deno.test("RFC 4475 §3.1.1.6 lwsdisp: no LWS between display name and <", () => {
  const m = request("lwsdisp");
  assert.equal(m.from.displayName, "caller");
  assert.equal(m.from.tag, "323");
});

Deno.test("RFC 4475 §3.1.1.7 longreq: long values in header fields", () => {
  const m = request("longreq");
  assert.match(m.to.displayName!, /^I have a user name of (extreme){10} proportion$/);
  const to = m.to.uri as SipUri;
  assert.equal(to.port, 6000);
  assert.equal(to.params.size, 3);
  assert.match(m.from.tag!, /^1(298){50}2424$/);
  assert.equal(m.from.params.size, 3);
  assert.equal(m.vias.length, 34);
  assert.equal(m.vias[33].received, "192.0.2.5");
  assert.match(m.callId, /^longreq\.one(really){20}longcallid$/);
  assert.equal(m.body.length, 150);
});

Deno.test("RFC 4475 §3.1.1.8 dblreq: extra trailing octets in a UDP datagram are ignored", () => {
  const m = request("dblreq");
  assert.equal(m.method, "REGISTER");
  assert.equal(m.callId, "dblreq.0ha0isndaksdj99sdfafnl3lk233412");
  assert.equal(m.body.length, 0);
  assert.ok(!messageToString(m).includes("INVITE"));
});

Deno.test("RFC 4475 §3.1.1.9 semiuri: semicolon-separated parameters in the URI user part", () => {
  const m = request("semiuri");
  const ruri = m.requestUri as SipUri;
  assert.equal(ruri.user, "user;par=u@example.net");
  assert.equal(ruri.host, "example.com");
  assert.equal(ruri.params.size, 0);
  assert.equal(
    m.header("accept"),
    "application/sdp, application/pkcs7-mime, multipart/mixed, multipart/signed, message/sip, message/sipfrag",
  );
});

Deno.test("RFC 4475 §3.1.1.10 transports: varied and unknown transport types", () => {
  const m = request("transports");
  assert.deepEqual(m.vias.map((v) => v.transport), ["UDP", "SCTP", "TLS", "UNKNOWN", "TCP"]);
});

Deno.test("RFC 4475 §3.1.1.11 mpart01: multipart MIME body with binary octets", () => {
  const m = request("mpart01");
  assert.equal(m.method, "MESSAGE");
  assert.equal(m.body.length, 553);
  assert.ok(m.body.includes(0x00), "binary part keeps its NUL octets");
  assert.equal(m.body[m.body.length - 1], 0x0a);
  assert.ok(dec.decode(m.body).startsWith("--7a9cbec02ceef655\r\n"));
});

Deno.test("RFC 4475 §3.1.1.12 unreason: unusual reason phrase", () => {
  const m = response("unreason");
  assert.equal(m.status, 200);
  assert.equal(m.reason, "= 2**3 * 5**2 но сто девяносто девять - простое");
  assert.equal(m.body.length, 154);
});

Deno.test("RFC 4475 §3.1.1.13 noreason: empty reason phrase", () => {
  const m = response("noreason");
  assert.equal(m.status, 100);
  assert.equal(m.reason, "");
  assert.ok(messageToString(m).startsWith("SIP/2.0 100 \r\n"));
});

// §3.1.2 Invalid messages ---------------------------------------------------------------------

Deno.test("RFC 4475 §3.1.2.1 badinv01: extraneous header field separators → 400", () => {
  const e = rejected("badinv01", 400, "Bad Request - Malformed Via");
  assert.equal(e.partial?.callId, "badinv01.0ha0isndaksdjasdf3234nas");
});

Deno.test("RFC 4475 §3.1.2.2 clerr: Content-Length larger than the datagram → 400", () => {
  rejected("clerr", 400, "Bad Request - Content-Length larger than message");
});

Deno.test("RFC 4475 §3.1.2.3 ncl: negative Content-Length → 400", () => {
  rejected("ncl", 400, "Bad Request - Malformed Content-Length");
});

Deno.test("RFC 4475 §3.1.2.4 scalar02: overlarge request scalars → 400 for the CSeq", () => {
  rejected("scalar02", 400, "Bad Request - Malformed CSeq");
});

Deno.test("RFC 4475 §3.1.2.5 scalarlg: overlarge response scalars → discarded", () => {
  const e = rejected("scalarlg", 400, "Bad Request - Malformed CSeq");
  assert.equal(e.partial, undefined, "nothing answers a response");
});

Deno.test("RFC 4475 §3.1.2.6 quotbal: unterminated quoted string → 400", () => {
  rejected("quotbal", 400, "Bad Request - Malformed To");
});

Deno.test("RFC 4475 §3.1.2.7 ltgtruri: <> around the Request-URI → 400", () => {
  rejected("ltgtruri", 400, "Bad Request - Malformed Request-URI");
});

Deno.test("RFC 4475 §3.1.2.8 lwsruri: LWS inside the Request-URI → 400", () => {
  rejected("lwsruri", 400, "Bad Request - Malformed Request-Line");
});

Deno.test("RFC 4475 §3.1.2.9 lwsstart: multiple SP in the Request-Line → 400", () => {
  const e = rejected("lwsstart", 400, "Bad Request - Malformed Request-Line");
  assert.equal(e.partial?.cseq.seq, 1893884, "headers are still read for the 400");
});

Deno.test("RFC 4475 §3.1.2.10 trws: SP after SIP-Version → 400", () => {
  rejected("trws", 400, "Bad Request - Malformed Request-Line");
});

Deno.test("RFC 4475 §3.1.2.11 escruri: escaped headers in the Request-URI → 400", () => {
  rejected("escruri", 400, "Bad Request - Headers in Request-URI");
});

Deno.test("RFC 4475 §3.1.2.12 baddate: non-GMT Date parses; only a Date user would reject", () => {
  // "An element shouldn't [reject] unless the contents of the Date header field were actually
  // important to its processing": the parser keeps the field verbatim.
  const m = request("baddate");
  assert.equal(m.header("date"), "Fri, 01 Jan 2010 16:00:00 EST");
});

Deno.test("RFC 4475 §3.1.2.13 regbadct: addr-spec Contact with a URI header → 400", () => {
  rejected("regbadct", 400, "Bad Request - Malformed Contact");
});

Deno.test("RFC 4475 §3.1.2.14 badaspec: spaces inside the addr-spec → 400", () => {
  rejected("badaspec", 400, "Bad Request - Malformed To");
});

Deno.test("RFC 4475 §3.1.2.15 baddn: unquoted non-token display names → 400", () => {
  rejected("baddn", 400, "Bad Request - Malformed From");
});

Deno.test("RFC 4475 §3.1.2.16 badvers: unknown protocol version → 505", () => {
  const e = rejected("badvers", 505, "Version Not Supported");
  assert.equal(e.partial?.callId, "badvers.31417@c.example.com");
});

Deno.test("RFC 4475 §3.1.2.17 mismatch01: Request-Line and CSeq methods differ → 400", () => {
  rejected("mismatch01", 400, "Bad Request - CSeq method does not match");
});

Deno.test("RFC 4475 §3.1.2.18 mismatch02: unknown method with CSeq mismatch → 400", () => {
  // The RFC accepts 400 (501 is preferred by elements that know their methods).
  const e = rejected("mismatch02", 400, "Bad Request - CSeq method does not match");
  assert.equal(e.partial?.method, "NEWMETHOD");
});

Deno.test("RFC 4475 §3.1.2.19 bigcode: status code above 699 → dropped", () => {
  const e = rejected("bigcode", 400, "Bad Request - Malformed Status-Code");
  assert.equal(e.partial, undefined);
});

// §3.2 Transaction layer semantics -----------------------------------------------------------

Deno.test("RFC 4475 §3.2.1 badbranch: magic cookie without identifier parses", () => {
  const m = request("badbranch");
  assert.equal(m.topVia.branch, "z9hG4bK");
});

// §3.3 Application layer semantics -----------------------------------------------------------

Deno.test("RFC 4475 §3.3.1 insuf: missing Call-ID, From, To → 400", () => {
  const e = rejected("insuf", 400, "Missing To");
  assert.equal(e.partial?.topVia.branch, "z9hG4bKkdj.insuf");
});

Deno.test("RFC 4475 §3.3.2 unkscm: unknown Request-URI scheme → 416", () => {
  const e = rejected("unkscm", 416, "Unsupported URI Scheme");
  assert.equal(e.partial?.uri, "nobodyKnowsThisScheme:totallyopaquecontent");
  // Syntactically it is a well-formed request.
  const m = request("unkscm", { uriSchemes: ["nobodyknowsthisscheme"] });
  assert.equal(m.requestUri.scheme, "nobodyknowsthisscheme");
});

Deno.test("RFC 4475 §3.3.3 novelsc: atypical Request-URI scheme → 416 unless handled", () => {
  rejected("novelsc", 416, "Unsupported URI Scheme");
  assert.equal(
    request("novelsc", { uriSchemes: ["soap.beep"] }).uri,
    "soap.beep://192.0.2.103:3002",
  );
});

Deno.test("RFC 4475 §3.3.4 unksm2: unknown schemes in To/From/Contact parse (registrar rejects)", () => {
  const m = request("unksm2");
  assert.deepEqual(m.to.uri, { scheme: "isbn", text: "isbn:2983792873" });
  assert.equal(m.from.uri.scheme, "http");
  assert.equal(m.from.tag, "3234233");
  assert.equal(m.contacts[0].uri.scheme, "name");
});

Deno.test("RFC 4475 §3.3.5 bext01: unknown Require / Proxy-Require parse (UA answers 420)", () => {
  const m = request("bext01");
  assert.equal(m.header("require"), "nothingSupportsThis, nothingSupportsThisEither");
  assert.equal(m.header("proxy-require"), "noProxiesSupportThis, norDoAnyProxiesSupportThis");
});

Deno.test("RFC 4475 §3.3.6 invut: unknown Content-Type parses (UA answers 415)", () => {
  const m = request("invut");
  assert.equal(m.header("content-type"), "application/unknownformat");
  assert.equal(dec.decode(m.body), '<audio>\r\n <pcmu port="443"/>\r\n</audio>\r\n');
});

Deno.test("RFC 4475 §3.3.7 regaut01: unknown authorization scheme parses (registrar 401)", () => {
  const m = request("regaut01");
  assert.equal(m.header("authorization"), "NoOneKnowsThisScheme opaque-data=here");
});

Deno.test("RFC 4475 §3.3.8 multi01: several values in single-valued fields → 400", () => {
  rejected("multi01", 400, "Bad Request - Multiple Call-ID values");
});

Deno.test("RFC 4475 §3.3.9 mcl01: multiple Content-Length values → 400", () => {
  rejected("mcl01", 400, "Bad Request - Multiple Content-Length values");
});

Deno.test("RFC 4475 §3.3.10 bcast: 200 OK with a broadcast Via parses (transport drops it)", () => {
  const m = response("bcast");
  assert.equal(m.vias[1].host, "255.255.255.255");
});

Deno.test("RFC 4475 §3.3.11 zeromf: Max-Forwards of zero parses (proxy answers 483)", () => {
  assert.equal(request("zeromf").header("max-forwards"), "0");
});

Deno.test("RFC 4475 §3.3.12 cparam01: addr-spec Contact parameter is a header parameter", () => {
  const [c] = request("cparam01").contacts;
  assert.equal(c.params.get("unknownparam"), null);
  assert.equal((c.uri as SipUri).params.size, 0);
  assert.equal((c.uri as SipUri).user, "+19725552222");
});

Deno.test("RFC 4475 §3.3.13 cparam02: bracketed Contact parameter is a URI parameter", () => {
  const [c] = request("cparam02").contacts;
  assert.equal(c.params.size, 0);
  assert.equal((c.uri as SipUri).params.get("unknownparam"), null);
});

Deno.test("RFC 4475 §3.3.14 regescrt: escaped header in a bracketed Contact URI parses", () => {
  const [c] = request("regescrt").contacts;
  assert.equal((c.uri as SipUri).headers.get("Route"), "%3Csip:sip.example.com%3E");
});

Deno.test("RFC 4475 §3.3.15 sdp01: unacceptable Accept parses (UA answers 406)", () => {
  const m = request("sdp01");
  assert.equal(m.header("accept"), "text/nobodyKnowsThis");
});

// §3.4 Backward compatibility ----------------------------------------------------------------

Deno.test("RFC 4475 §3.4.1 inv2543: RFC 2543 syntax is accepted when asked to be", () => {
  rejected("inv2543", 400, "Missing Max-Forwards");
  const m = request("inv2543", { allowMissingMaxForwards: true });
  assert.equal(m.topVia.branch, undefined);
  assert.equal(m.from.tag, undefined);
  assert.equal(m.body.length, 105, "no Content-Length: the body runs to the datagram's end");
  assert.equal(m.to.params.size, 1, "user=phone on an addr-spec is a header parameter");
});

// Streams and completeness --------------------------------------------------------------------

Deno.test("RFC 4475 on a stream: valid messages frame correctly back to back", () => {
  const tags = ["wsinv", "intmeth", "esc01", "esc02", "lwsdisp", "longreq", "mpart01", "unreason"];
  const parts = tags.map(load);
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  const got: string[] = [];
  const parser = new StreamParser({
    onMessage: (m, n) => got.push(`${m.callId}:${n}`),
    onError: (e) => got.push(`error ${e.status}`),
  });
  for (let i = 0; i < all.length; i += 97) parser.push(all.subarray(i, i + 97));
  assert.deepEqual(
    got,
    tags.map((t, i) => `${parseMessage(load(t)).callId}:${parts[i].length}`),
  );
  // dblreq's trailing INVITE is a real second message on a stream.
  const second: string[] = [];
  new StreamParser({ onMessage: (m) => second.push(m.cseq.method), onError: () => {} }).push(
    load("dblreq"),
  );
  assert.deepEqual(second, ["REGISTER", "INVITE"]);
  // clerr on a stream: the receiver can only wait for the missing octets.
  const waiting = new StreamParser({
    onMessage: () => assert.fail("no message"),
    onError: () => {},
  });
  waiting.push(load("clerr"));
  assert.equal(waiting.pendingBytes, load("clerr").length);
});

Deno.test("RFC 4475: every fixture is covered (49 messages)", () => {
  const files = [...Deno.readDirSync(FIXTURES)].map((e) => e.name.replace(/\.txt$/, "")).sort();
  assert.equal(files.length, 49);
  assert.deepEqual([...covered].sort(), files);
});
