import assert from "node:assert/strict";
import { SipRequest } from "../../lab/sip/message/mod.ts";
import { readRegistration } from "./registration_request.ts";

const POLICY = { defaultS: 3600, minS: 60, maxS: 7200 };

function register(contacts: string[], expires?: string): SipRequest {
  const r = new SipRequest("REGISTER", "sip:lab.test");
  for (const c of contacts) r.addHeader("Contact", c);
  if (expires !== undefined) r.addHeader("Expires", expires);
  return r;
}

function granted(contacts: string[], expires?: string): number[] {
  const asked = readRegistration(register(contacts, expires), POLICY);
  assert.equal(asked.kind, "contacts");
  return asked.kind === "contacts" ? asked.contacts.map((c) => c.expiresS) : [];
}

Deno.test("expires: the Contact parameter wins over the header, else the default (§10.3 step 7)", () => {
  assert.deepEqual(granted(["<sip:a@h>;expires=120", "<sip:b@h>"], "300"), [120, 300]);
  assert.deepEqual(granted(["<sip:a@h>"]), [3600]);
  assert.deepEqual(granted(["<sip:a@h>;expires=0"], "300"), [0]);
  assert.deepEqual(granted(["<sip:a@h>"], "99999"), [7200], "shortened to the maximum");
});

Deno.test("expires: malformed values count as 3600 (§20.19, §20.10)", () => {
  assert.deepEqual(granted(["<sip:a@h>;expires=soon"]), [3600]);
  assert.deepEqual(granted(["<sip:a@h>"], "tomorrow"), [3600]);
});

Deno.test("423 for a non-zero interval under the minimum", () => {
  assert.equal(readRegistration(register(["<sip:a@h>;expires=59"]), POLICY).kind, "too-brief");
  assert.equal(readRegistration(register(["<sip:a@h>"], "1"), POLICY).kind, "too-brief");
});

Deno.test("no Contact is a fetch; `*` needs Expires: 0 and to be alone (§10.3 step 6)", () => {
  assert.equal(readRegistration(register([]), POLICY).kind, "fetch");
  assert.equal(readRegistration(register(["*"], "0"), POLICY).kind, "remove-all");
  assert.equal(readRegistration(register(["*"]), POLICY).kind, "bad-request");
  assert.equal(readRegistration(register(["*"], "10"), POLICY).kind, "bad-request");
  assert.equal(readRegistration(register(["*", "<sip:a@h>"], "0"), POLICY).kind, "bad-request");
});

Deno.test("a non-SIP or unreadable Contact is a bad request", () => {
  assert.equal(readRegistration(register(["<mailto:a@h>"]), POLICY).kind, "bad-request");
  assert.equal(readRegistration(register(["<sip:a@h"]), POLICY).kind, "bad-request");
});
