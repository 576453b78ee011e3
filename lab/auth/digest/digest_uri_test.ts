import assert from "node:assert/strict";
import { digestUriMatches } from "./digest_uri.ts";

Deno.test("digest-uri: exact policy compares text only", () => {
  assert.equal(digestUriMatches("sip:bob@biloxi.com", "sip:bob@biloxi.com", "exact"), true);
  assert.equal(digestUriMatches("sip:bob@Biloxi.com", "sip:bob@biloxi.com", "exact"), false);
});

Deno.test("digest-uri: equivalent policy (RFC 3261 §22.4 item 6, §19.1.4 parts)", () => {
  const yes: [string, string][] = [
    ["sip:bob@Biloxi.COM", "sip:bob@biloxi.com"],
    ["sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=tcp"],
    ["sip:biloxi.com;lr", "sip:biloxi.com"],
    ["sip:[2001:db8::1]:5070", "sip:[2001:DB8::1]:5070"],
    ["tel:+15551234", "tel:+15551234;phone-context=x"],
  ];
  for (const [a, b] of yes) assert.equal(digestUriMatches(a, b, "equivalent"), true, `${a} ~ ${b}`);
  const no: [string, string][] = [
    ["sip:Bob@biloxi.com", "sip:bob@biloxi.com"],
    ["sip:bob@biloxi.com", "sips:bob@biloxi.com"],
    ["sip:biloxi.com", "sip:biloxi.com:5060"],
    ["sip:alice@biloxi.com", "sip:bob@biloxi.com"],
    ["/dir/index.html", "sip:biloxi.com"],
    ["not a uri", "sip:biloxi.com"],
    ["tel:+15551234", "sip:+15551234@biloxi.com"],
  ];
  for (const [a, b] of no) {
    assert.equal(digestUriMatches(a, b, "equivalent"), false, `${a} !~ ${b}`);
  }
});

Deno.test("digest-uri: any policy accepts everything", () => {
  assert.equal(digestUriMatches("sip:alice@elsewhere", "sip:bob@biloxi.com", "any"), true);
});
