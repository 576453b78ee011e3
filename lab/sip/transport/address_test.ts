import assert from "node:assert/strict";
import { bareHost, canonicalHost, isIpLiteral, sameHost, sipHost } from "./address.ts";

Deno.test("bareHost / sipHost: IPv6 brackets removed for sockets, added for SIP text", () => {
  assert.equal(bareHost("[2001:db8::1]"), "2001:db8::1");
  assert.equal(bareHost("192.0.2.1"), "192.0.2.1");
  assert.equal(sipHost("2001:db8::1"), "[2001:db8::1]");
  assert.equal(sipHost("[::1]"), "[::1]");
  assert.equal(sipHost("atlanta.com"), "atlanta.com");
  // A dual-stack socket reports an IPv4 peer as IPv4-mapped IPv6 (RFC 4291 §2.5.5.2).
  assert.equal(sipHost("::ffff:192.0.2.7"), "192.0.2.7");
  assert.equal(sipHost("::FFFF:c000:0207"), "192.0.2.7");
});

Deno.test("isIpLiteral: IPv4, IPv6 (bracketed or not, with IPv4 tail) versus names", () => {
  for (const ip of ["192.0.2.1", "::1", "[2001:db8::1]", "::ffff:10.0.0.1", "1:2:3:4:5:6:7:8"]) {
    assert.equal(isIpLiteral(ip), true, ip);
  }
  for (
    const name of ["atlanta.com", "256.1.1.1", "1.2.3", "1:2:3:4:5:6:7:8:9", "a::b::c", "x.invalid"]
  ) {
    assert.equal(isIpLiteral(name), false, name);
  }
});

Deno.test("canonicalHost / sameHost: one form per address, names case-insensitive", () => {
  assert.equal(canonicalHost("[::1]"), "0000:0000:0000:0000:0000:0000:0000:0001");
  assert.ok(sameHost("[2001:DB8::1]", "2001:db8:0:0:0:0:0:1"));
  assert.ok(sameHost("::ffff:127.0.0.1", "127.0.0.1"));
  assert.ok(sameHost("PC33.Atlanta.COM", "pc33.atlanta.com"));
  assert.ok(!sameHost("127.0.0.1", "127.0.0.2"));
  assert.ok(!sameHost("::1", "::2"));
});
