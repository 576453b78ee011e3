import assert from "node:assert/strict";
import { formatSeriesName, labelKey, LabelKeyer, labelsMatch, parseSelector } from "./labels.ts";

Deno.test("labelKey does not depend on label order", () => {
  assert.equal(labelKey({ b: "2", a: "1" }), labelKey({ a: "1", b: "2" }));
  assert.notEqual(labelKey({ a: "1", b: "2" }), labelKey({ a: "2", b: "1" }));
  assert.equal(labelKey(), "");
});

Deno.test("LabelKeyer builds the same keys as labelKey on the hot path", () => {
  const one = new LabelKeyer(["method"]);
  assert.equal(one.key1("INVITE"), labelKey({ method: "INVITE" }));
  // Declared in an order that is not sorted: values still land under the right names.
  const two = new LabelKeyer(["method", "class"]);
  assert.equal(two.key2("INVITE", "2xx"), labelKey({ class: "2xx", method: "INVITE" }));
  assert.deepEqual(two.labels("INVITE", "2xx"), { method: "INVITE", class: "2xx" });
  const sorted = new LabelKeyer(["a", "b"]);
  assert.equal(sorted.key2("x", "y"), labelKey({ a: "x", b: "y" }));
});

Deno.test('parseSelector reads name{tag:value} and name{tag="value"}', () => {
  assert.deepEqual(parseSelector("call_setup_time"), { name: "call_setup_time", tags: {} });
  assert.deepEqual(parseSelector("call_setup_time{transport:udp, auth:ntlm}"), {
    name: "call_setup_time",
    tags: { transport: "udp", auth: "ntlm" },
  });
  assert.deepEqual(parseSelector('sip_requests_sent{method="INVITE"}'), {
    name: "sip_requests_sent",
    tags: { method: "INVITE" },
  });
  assert.throws(() => parseSelector("x{a:b"), SyntaxError);
  assert.throws(() => parseSelector("x{nonsense}"), SyntaxError);
});

Deno.test("labelsMatch is a subset test; formatSeriesName sorts labels", () => {
  assert.equal(labelsMatch({ method: "INVITE", class: "2xx" }, { method: "INVITE" }), true);
  assert.equal(labelsMatch({ method: "INVITE" }, { method: "BYE" }), false);
  assert.equal(labelsMatch({}, { method: "BYE" }), false);
  assert.equal(labelsMatch({ method: "BYE" }, {}), true);
  assert.equal(formatSeriesName("x", { b: "2", a: "1" }), 'x{a="1",b="2"}');
  assert.equal(formatSeriesName("x"), "x");
});
