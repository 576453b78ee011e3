import assert from "node:assert/strict";
import { formatAuthValue, paramValue, parseAuthValues, quoteAuthValue } from "./auth_params.ts";
import { DigestSyntaxError } from "./errors.ts";

const isCode = (code: string) => (e: unknown) => e instanceof DigestSyntaxError && e.code === code;

Deno.test("auth-params: any order, BWS, case-insensitive names, commas and escapes in quotes", () => {
  const [v] = parseAuthValues(
    'Digest  qop = "auth, auth-int" ,REALM="a, \\"b\\" \\\\ c",nonce=abc123 , opaque=""',
  );
  assert.equal(v.scheme, "Digest");
  assert.equal(paramValue(v, "realm"), 'a, "b" \\ c');
  assert.equal(paramValue(v, "qop"), "auth, auth-int");
  assert.equal(paramValue(v, "nonce"), "abc123");
  assert.equal(paramValue(v, "opaque"), "");
  assert.equal(paramValue(v, "missing"), undefined);
  assert.deepEqual(v.params.map((p) => [p.name, p.quoted]), [
    ["qop", true],
    ["REALM", true],
    ["nonce", false],
    ["opaque", true],
  ]);
});

Deno.test("auth-params: several challenges in one value, token68, empty list elements", () => {
  const values = parseAuthValues(
    ', Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple", ' +
      "Negotiate YIIGhgYGKwYBBQUCoIIGejCCBnag==, , Digest realm=r, nonce=n,",
  );
  assert.deepEqual(values.map((v) => v.scheme), ["Newauth", "Basic", "Negotiate", "Digest"]);
  assert.equal(paramValue(values[0], "title"), 'Login to "apps"');
  assert.equal(values[0].params.length, 3);
  assert.equal(values[2].token68, "YIIGhgYGKwYBBQUCoIIGejCCBnag==");
  assert.equal(values[2].params.length, 0);
  assert.equal(paramValue(values[3], "nonce"), "n");
});

Deno.test("auth-params: a scheme with no parameters; a bare 'name=' is token68 syntax", () => {
  const values = parseAuthValues("Digest");
  assert.equal(values.length, 1);
  assert.equal(values[0].params.length, 0);
  assert.equal(parseAuthValues("Digest realm=")[0].token68, "realm=");
});

Deno.test("auth-params: malformed input and duplicates are typed errors", () => {
  const malformed = [
    'Digest realm="unterminated',
    "Digest realm=, nonce=x",
    'Digest realm="a" nonce="b"',
    'Digest realm="a",, =b',
    "Digest=realm",
    'Digest realm="a" garbage',
    "@@@",
  ];
  for (const text of malformed) {
    assert.throws(() => parseAuthValues(text), isCode("malformed"), text);
  }
  assert.throws(
    () => parseAuthValues('Digest realm="a", Realm="b"'),
    isCode("duplicate-parameter"),
  );
});

Deno.test("auth-params: formatting quotes what needs it and round-trips", () => {
  assert.equal(quoteAuthValue('a"b\\c'), '"a\\"b\\\\c"');
  const text = formatAuthValue("Digest", [
    { name: "realm", value: 'we "quote"', quoted: true },
    { name: "algorithm", value: "SHA-256", quoted: false },
  ]);
  assert.equal(text, 'Digest realm="we \\"quote\\"", algorithm=SHA-256');
  const [back] = parseAuthValues(text);
  assert.equal(paramValue(back, "realm"), 'we "quote"');
  assert.equal(paramValue(back, "algorithm"), "SHA-256");
});
