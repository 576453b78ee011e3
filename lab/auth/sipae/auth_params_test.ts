import assert from "node:assert/strict";
import { authParam, formatAuthHeaderValue, parseAuthHeaderValue } from "./auth_params.ts";

Deno.test("quoted values are literal up to the next DQUOTE (MS-SIP: values are never escaped)", () => {
  const v = parseAuthHeaderValue('NTLM realm="a\\b", targetname="x,y"');
  assert.deepEqual(v.params, [
    { name: "realm", value: "a\\b", quoted: true },
    { name: "targetname", value: "x,y", quoted: true },
  ]);
  assert.equal(formatAuthHeaderValue(v), 'NTLM realm="a\\b", targetname="x,y"');
});

Deno.test("empty list elements and surrounding whitespace are skipped", () => {
  const v = parseAuthHeaderValue('  Kerberos  ,, realm = "r" ,,\tsnum=1 ,  ');
  assert.equal(v.scheme, "Kerberos");
  assert.deepEqual(v.params.map((p) => [p.name, p.value, p.quoted]), [
    ["realm", "r", true],
    ["snum", "1", false],
  ]);
  assert.equal(authParam(v, "SNUM"), "1");
  assert.equal(authParam(v, "opaque"), undefined);
});

Deno.test("a scheme alone is a value without parameters", () => {
  assert.deepEqual(parseAuthHeaderValue("NTLM"), { scheme: "NTLM", params: [] });
  assert.equal(formatAuthHeaderValue({ scheme: "NTLM", params: [] }), "NTLM");
});
