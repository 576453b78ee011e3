import assert from "node:assert/strict";
import {
  computeHa1,
  computeHa2,
  computeRequestDigest,
  computeUserhash,
  sessionHa1,
} from "./response.ts";
import type { DigestAlgorithm } from "./algorithms.ts";

const utf8 = (s: string) => new TextEncoder().encode(s);

Deno.test("KAT RFC 2617 §3.5: MD5, qop=auth, Mufasa / Circle Of Life", () => {
  const ha1 = computeHa1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life");
  assert.equal(ha1, "939e7578ed9e3c518a452acee763bce9");
  assert.equal(computeHa2("MD5", "GET", "/dir/index.html"), "39aff3a2bab6126f332b942af96d3366");
  const response = computeRequestDigest({
    algorithm: "MD5",
    ha1,
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    method: "GET",
    uri: "/dir/index.html",
    qop: "auth",
    cnonce: "0a4f113b",
    nc: 1,
  });
  assert.equal(response, "6629fae49393a05397450978507c4ef1");
});

// RFC 7616 §3.9.1 (password "Circle of Life", lowercase "of": RFC Errata 4495).
const RFC7616 = {
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
};

function rfc7616Response(
  algorithm: DigestAlgorithm,
  extra: { method?: string; uri?: string; nc?: number; qop?: "auth" | "auth-int"; body?: string } =
    {},
): string {
  return computeRequestDigest({
    algorithm,
    ha1: computeHa1(algorithm, "Mufasa", RFC7616.realm, "Circle of Life"),
    nonce: RFC7616.nonce,
    method: extra.method ?? "GET",
    uri: extra.uri ?? "/dir/index.html",
    qop: extra.qop ?? "auth",
    cnonce: RFC7616.cnonce,
    nc: extra.nc ?? 1,
    body: extra.body === undefined ? undefined : utf8(extra.body),
  });
}

Deno.test("KAT RFC 7616 §3.9.1: MD5 and SHA-256 responses printed in the RFC", () => {
  assert.equal(rfc7616Response("MD5"), "8ca523f5e9506fed4657c9700eebdbec");
  assert.equal(
    rfc7616Response("SHA-256"),
    "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
  );
});

Deno.test("KAT SIP INVITE (draft-smith-sipping-auth-examples-01 §3.2): bob / zanzibar", () => {
  const ha1 = computeHa1("MD5", "bob", "biloxi.com", "zanzibar");
  assert.equal(ha1, "12af60467a33e8518da5c68bbff12b11");
  const base = {
    algorithm: "MD5" as const,
    ha1,
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    method: "INVITE",
    uri: "sip:bob@biloxi.com",
    cnonce: "0a4f113b",
    nc: 1,
  };
  assert.equal(computeRequestDigest({ ...base, qop: "auth" }), "89eb0059246c02b2f6ee02c7961d5ea3");
  // auth-int without a body hashes "" (RFC 3261 §22.4 item 7); cross-checked with Python hashlib.
  assert.equal(
    computeRequestDigest({ ...base, qop: "auth-int" }),
    "2d6fc6e788367208f746582b18a69618",
  );
  assert.equal(
    computeHa2("MD5", "INVITE", "sip:bob@biloxi.com", "auth-int"),
    computeHa2("MD5", "INVITE", "sip:bob@biloxi.com:d41d8cd98f00b204e9800998ecf8427e"),
  );
});

Deno.test("RFC 2069 form (no qop): value cross-checked with Python hashlib", () => {
  // RFC 2069 §2.4 inputs (password "CircleOfLife").
  const response = computeRequestDigest({
    algorithm: "MD5",
    ha1: computeHa1("MD5", "Mufasa", "testrealm@host.com", "CircleOfLife"),
    nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    method: "GET",
    uri: "/dir/index.html",
  });
  assert.equal(response, "1949323746fe6a43ef61f9606e7febea");
});

Deno.test("other algorithms and auth-int on the §3.9.1 inputs (Python hashlib cross-check)", () => {
  assert.equal(
    rfc7616Response("SHA-512-256"),
    "430d05014cecc49cab6fbe03176d41a1da86cbfe24a16580e22aaad928d960d0",
  );
  assert.equal(rfc7616Response("MD5-sess"), "e783283f46242139c486a698fec7211d");
  assert.equal(
    rfc7616Response("SHA-256-sess"),
    "2fd51b3a77ad75bad6afad6003e818d767133c46d9e2749e7f5232ae1ea3efd7",
  );
  const invite = {
    method: "INVITE",
    uri: "sip:bob@example.org",
    nc: 2,
    qop: "auth-int" as const,
    body: "v=0\r\n",
  };
  assert.equal(rfc7616Response("MD5", invite), "3dbb0971468cf612bdccd7dff696c5e6");
  assert.equal(
    rfc7616Response("SHA-256", invite),
    "21468b02aafd4fe0a3d84bfddaf3618cc087adff4bb3c92d0a5f99c3035fcb9a",
  );
  assert.notEqual(
    rfc7616Response("MD5", { ...invite, body: "v=1\r\n" }),
    rfc7616Response("MD5", invite),
  );
});

Deno.test("-sess H(A1) and userhash formulas", () => {
  const base = computeHa1("MD5-sess", "Mufasa", RFC7616.realm, "Circle of Life");
  assert.equal(base, computeHa1("MD5", "Mufasa", RFC7616.realm, "Circle of Life"));
  assert.notEqual(sessionHa1("MD5-sess", base, "n1", "c"), sessionHa1("MD5-sess", base, "n2", "c"));
  assert.equal(
    computeUserhash("SHA-256", "bob", "biloxi.com"),
    "aafc60b9fa3e13876262208200cd6aebf77f59d79e854061f632f35f6cb30e0c",
  );
  // RFC 7616 §3.9.2 prints 488869…; that value is not reproducible (RFC Errata 4897 reports
  // §3.9.2); H("Jäsøn Doe:api@example.org") with SHA-512/256, UTF-8, is:
  assert.equal(
    computeUserhash("SHA-512-256", "Jäsøn Doe", "api@example.org"),
    "793263caabb707a56211940d90411ea4a575adeccb7e360aeb624ed06ece9b0b",
  );
});

Deno.test("request-digest refuses qop without cnonce/nc and -sess without cnonce", () => {
  const base = {
    algorithm: "MD5" as const,
    ha1: "0".repeat(32),
    nonce: "n",
    method: "M",
    uri: "u",
  };
  assert.throws(() => computeRequestDigest({ ...base, qop: "auth", nc: 1 }), RangeError);
  assert.throws(() => computeRequestDigest({ ...base, qop: "auth", cnonce: "c" }), RangeError);
  assert.throws(() => computeRequestDigest({ ...base, algorithm: "MD5-sess" }), RangeError);
});
