import assert from "node:assert/strict";
import { emptyMap } from "./empty_map.ts";
import { parseNameAddr } from "./header_values.ts";
import { parseUri, type SipUri } from "./uri.ts";

Deno.test("emptyMap: one shared Map, equal to new Map(), refusing changes", () => {
  const a = emptyMap<string, string>();
  assert.equal(a as unknown, emptyMap<number, number>(), "the same instance whatever its type");
  assert.ok(a instanceof Map);
  assert.deepEqual(a, new Map());
  assert.deepEqual([...a], []);
  assert.equal(new Map(a).set("x", "1").size, 1, "a copy is an ordinary Map");
  assert.throws(() => a.set("x", "1"), TypeError);
  assert.throws(() => a.delete("x"), TypeError);
  assert.throws(() => a.clear(), TypeError);
  assert.equal(a.size, 0);
});

Deno.test("parse results without parameters share the empty Map; with them, own Maps", () => {
  const plain = parseUri("sip:bob@biloxi.example.com") as SipUri;
  assert.equal(plain.params, emptyMap());
  assert.equal(plain.headers, emptyMap());
  const rich = parseUri("sip:bob@biloxi.example.com;transport=tcp?subject=hi") as SipUri;
  assert.deepEqual([...rich.params], [["transport", "tcp"]]);
  assert.deepEqual([...rich.headers], [["subject", "hi"]]);
  assert.notEqual(rich.params, emptyMap());
  const to = parseNameAddr("Bob <sip:bob@biloxi.example.com>");
  assert.equal(to.params, emptyMap());
  const from = parseNameAddr("<sip:alice@atlanta.example.com>;tag=9fx");
  assert.equal(from.params.get("tag"), "9fx");
  assert.throws(() => to.params.set("tag", "x"), TypeError);
});
