import assert from "node:assert/strict";
import {
  formatDigestCredentials,
  formatNonceCount,
  parseDigestCredentials,
} from "./credentials.ts";
import { DigestSyntaxError } from "./errors.ts";

const isCode = (code: string) => (e: unknown) => e instanceof DigestSyntaxError && e.code === code;

// RFC 2617 §3.5 Authorization (unfolded).
const RFC2617 = 'Digest username="Mufasa", realm="testrealm@host.com", ' +
  'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", qop=auth, nc=00000001, ' +
  'cnonce="0a4f113b", response="6629fae49393a05397450978507c4ef1", ' +
  'opaque="5ccc069c403ebaf9f0171e9517f40e41"';

Deno.test("credentials: RFC 2617 §3.5 example reads and is rewritten byte for byte", () => {
  const c = parseDigestCredentials(RFC2617);
  assert.deepEqual(c, {
    username: "Mufasa",
    realm: "testrealm@host.com",
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    uri: "/dir/index.html",
    response: "6629fae49393a05397450978507c4ef1",
    opaque: "5ccc069c403ebaf9f0171e9517f40e41",
    qop: "auth",
    cnonce: "0a4f113b",
    nc: 1,
    userhash: false,
  });
  assert.equal(formatDigestCredentials(c), RFC2617);
});

Deno.test("credentials: RFC 7616 §3.9.1 SHA-256 example (parameters in another order)", () => {
  const c = parseDigestCredentials(
    'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ' +
      'algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ' +
      'cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ' +
      'response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ' +
      'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
  );
  assert.equal(c.algorithm, "SHA-256");
  assert.equal(c.nc, 1);
  assert.equal(c.response.length, 64);
});

Deno.test("credentials: username* (RFC 7616 §3.4.4, §3.9.2 example) in and out", () => {
  const c = parseDigestCredentials(
    'Digest username*=UTF-8\'\'J%C3%A4s%C3%B8n%20Doe, realm="api@example.org", uri="/doe.json", ' +
      'algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", nc=00000001, ' +
      'cnonce="NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", qop=auth, ' +
      'response="ae66e67d6b427bd3f120414a82e4acff38e8ecd9101d6c861229025f607a79dd", ' +
      'opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", userhash=false',
  );
  assert.equal(c.username, "Jäsøn Doe");
  assert.equal(c.userhash, false);
  const text = formatDigestCredentials(c);
  assert.ok(text.startsWith("Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, "), text);
  assert.deepEqual(parseDigestCredentials(text), c);
  const odd = formatDigestCredentials({ ...c, username: "é(x)'*" });
  assert.ok(odd.includes("username*=UTF-8''%C3%A9%28x%29%27%2A,"), odd);
  assert.equal(parseDigestCredentials(odd).username, "é(x)'*");
});

Deno.test("credentials: a SIP credentials value without qop (RFC 2069 form)", () => {
  const text = 'Digest username="bob", realm="biloxi.com", nonce="n", uri="sip:bob@biloxi.com", ' +
    'response="0123456789abcdef0123456789ABCDEF"';
  const c = parseDigestCredentials(text);
  assert.equal(c.qop, undefined);
  assert.equal(c.nc, undefined);
  assert.equal(c.algorithm, undefined);
  assert.equal(formatDigestCredentials(c), text);
});

Deno.test("credentials: missing and invalid directives are typed errors", () => {
  const base = {
    username: 'username="u"',
    realm: 'realm="r"',
    nonce: 'nonce="n"',
    uri: 'uri="sip:r"',
    response: 'response="0123456789abcdef0123456789abcdef"',
  };
  const without = (k: keyof typeof base) =>
    "Digest " + Object.entries(base).filter(([n]) => n !== k).map(([, v]) => v).join(", ");
  for (const k of Object.keys(base) as (keyof typeof base)[]) {
    assert.throws(() => parseDigestCredentials(without(k)), isCode("missing-parameter"), k);
  }
  const ok = "Digest " + Object.values(base).join(", ");
  assert.equal(parseDigestCredentials(ok).username, "u");
  const cases: [string, string][] = [
    [ok + ', qop=auth, cnonce="c"', "missing-parameter"],
    [ok + ", qop=auth, nc=00000001", "missing-parameter"],
    [ok + ', qop=auth, nc=1, cnonce="c"', "invalid-parameter"],
    [ok + ', qop=auth, nc=0000000g, cnonce="c"', "invalid-parameter"],
    [ok + ', qop=auth-conf, nc=00000001, cnonce="c"', "invalid-parameter"],
    [ok + ', cnonce="c"', "invalid-parameter"],
    [ok + ", algorithm=SHA-256", "invalid-parameter"],
    [ok.replace("0123456789abcdef0123456789abcdef", "xyz"), "invalid-parameter"],
    [ok + ", username*=UTF-8''x", "invalid-parameter"],
    [ok.replace('username="u"', "username*=ISO-8859-1''x"), "invalid-parameter"],
    [ok.replace('username="u"', "username*=UTF-8''%E0%A4%A"), "invalid-parameter"],
    [ok + ", algorithm=AKAv1-MD5", "unsupported-algorithm"],
    ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "not-digest"],
    [ok + ", " + ok, "malformed"],
  ];
  for (const [text, code] of cases) {
    assert.throws(() => parseDigestCredentials(text), isCode(code), text);
  }
});

Deno.test("nonce-count: 8 lowercase hex digits", () => {
  assert.equal(formatNonceCount(1), "00000001");
  assert.equal(formatNonceCount(0xabcdef), "00abcdef");
  assert.equal(formatNonceCount(0xffffffff), "ffffffff");
});
