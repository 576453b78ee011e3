import assert from "node:assert/strict";
import { canonicalHeaderName, headerKey, resolveHeaderName } from "./header_names.ts";

Deno.test("headerKey: compact forms and case (RFC 3261 §7.3.1, §7.3.3)", () => {
  assert.equal(headerKey("v"), "via");
  assert.equal(headerKey("I"), "call-id");
  assert.equal(headerKey("CALL-ID"), "call-id");
  assert.equal(headerKey("o"), "event");
  assert.equal(headerKey("X-Custom"), "x-custom");
  assert.equal(headerKey("z"), "z", "unknown single letters are ordinary names");
});

Deno.test("canonicalHeaderName: registry spellings, capitalised words, lowercase ms-*", () => {
  assert.equal(canonicalHeaderName("call-id"), "Call-ID");
  assert.equal(canonicalHeaderName("cseq"), "CSeq");
  assert.equal(canonicalHeaderName("www-authenticate"), "WWW-Authenticate");
  assert.equal(canonicalHeaderName("max-forwards"), "Max-Forwards");
  assert.equal(canonicalHeaderName("record-route"), "Record-Route");
  assert.equal(canonicalHeaderName("ms-keep-alive"), "ms-keep-alive");
});

Deno.test("resolveHeaderName: key and wire name, remembered per spelling", () => {
  const a = resolveHeaderName("v");
  assert.deepEqual(a, { key: "via", name: "Via" });
  assert.equal(resolveHeaderName("v"), a, "the same object is returned for a known spelling");
  assert.deepEqual(resolveHeaderName("cSeQ"), { key: "cseq", name: "CSeq" });
});
