import assert from "node:assert/strict";
import { baseUrl, isLoopback, parseListen } from "./listen.ts";

Deno.test("parseListen: host:port, [v6]:port, :port, port and host", () => {
  assert.deepEqual(parseListen("0.0.0.0:8080"), { hostname: "0.0.0.0", port: 8080 });
  assert.deepEqual(parseListen("[::1]:9000"), { hostname: "::1", port: 9000 });
  assert.deepEqual(parseListen("[::]"), { hostname: "::", port: 0 });
  assert.deepEqual(parseListen(":9000"), { hostname: "127.0.0.1", port: 9000 });
  assert.deepEqual(parseListen("9000"), { hostname: "127.0.0.1", port: 9000 });
  assert.deepEqual(parseListen("lab.example"), { hostname: "lab.example", port: 0 });
  assert.deepEqual(parseListen("fe80::1"), { hostname: "fe80::1", port: 0 });
  assert.throws(() => parseListen("host:99999"), RangeError);
  assert.throws(() => parseListen("host:http"), RangeError);
});

Deno.test("isLoopback: 127/8, ::1 and localhost only", () => {
  for (const host of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"]) {
    assert.equal(isLoopback(host), true, host);
  }
  for (const host of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "localhost.evil.example"]) {
    assert.equal(isLoopback(host), false, host);
  }
});

Deno.test("baseUrl: brackets IPv6, shows wildcard binds as loopback", () => {
  assert.equal(baseUrl("127.0.0.1", 80), "http://127.0.0.1:80/");
  assert.equal(baseUrl("::1", 8080), "http://[::1]:8080/");
  assert.equal(baseUrl("0.0.0.0", 1), "http://127.0.0.1:1/");
  assert.equal(baseUrl("::", 1), "http://[::1]:1/");
});
