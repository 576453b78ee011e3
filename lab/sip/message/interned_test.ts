import assert from "node:assert/strict";
import { InternCache, interned } from "./interned.ts";
import { parseMessage } from "./parser.ts";

Deno.test("InternCache: always answers an equal string, whatever the slots hold", () => {
  const cache = new InternCache(2); // tiny: every token below fights for two slots
  const words = ["UDP", "127.0.0.1", "TCP", "UDP", "sipfleet.lab", "", "x".repeat(65), "TCP"];
  for (let round = 0; round < 3; round++) {
    for (const w of words) assert.equal(cache.intern(w), w);
  }
  // Equal strings built apart (one sliced, one concatenated) come back equal too.
  const a = "host 10.0.0.1".slice(5);
  const b = ["10", "0", "0", "1"].join(".");
  assert.equal(cache.intern(a), "10.0.0.1");
  assert.equal(cache.intern(b), "10.0.0.1");
  assert.equal(interned(b), b);
});

Deno.test("parsed fields that go through the shared cache keep their values", () => {
  const text = "INVITE sip:Bob@Biloxi.Example.com SIP/2.0\r\n" +
    "Via: SIP/2.0/udp 192.0.2.1:5060;branch=z9hG4bK1\r\n" +
    "Max-Forwards: 70\r\nTo: <sip:bob@biloxi.example.com>\r\n" +
    "From: <sip:alice@atlanta.example.com>;tag=1\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\n\r\n";
  for (let i = 0; i < 2; i++) {
    const m = parseMessage(text);
    assert.equal(m.kind === "request" && m.method, "INVITE");
    assert.equal(m.topVia.transport, "UDP");
    assert.equal(m.topVia.host, "192.0.2.1");
    assert.equal(m.cseq.method, "INVITE");
    const uri = m.kind === "request" ? m.requestUri : undefined;
    assert.deepEqual(uri && "host" in uri ? [uri.user, uri.host] : [], [
      "Bob",
      "Biloxi.Example.com",
    ]);
  }
});
