import assert from "node:assert/strict";
import { buildSignatureBuffer } from "../ntlm/mod.ts";
import { parseUri, SipRequest } from "../../sip/message/mod.ts";
import {
  assertIdentity,
  identityValues,
  preferIdentity,
  sameIdentity,
  stripForUntrustedHop,
} from "./asserted_identity.ts";

const ALICE = {
  sip: "sip:alice@contoso.com",
  tel: "tel:+14255550100",
  displayName: "Alice Smith",
};

function invite(): SipRequest {
  return new SipRequest("INVITE", "sip:bob@contoso.com")
    .addHeader("Via", "SIP/2.0/TLS 192.0.2.10:50000;branch=z9hG4bKinv1")
    .addHeader("From", "<sip:alice@contoso.com>;tag=a1;epid=01ab02cd03")
    .addHeader("To", "<sip:bob@contoso.com>")
    .addHeader("Call-ID", "inv-1")
    .addHeader("CSeq", "1 INVITE");
}

Deno.test("no preference: the client's P-Asserted-Identity is replaced by the user's SIP URI", () => {
  const req = invite().addHeader("P-Asserted-Identity", "<sip:ceo@contoso.com>");
  assert.deepEqual(assertIdentity(req, ALICE), {
    ok: true,
    asserted: ['"Alice Smith" <sip:alice@contoso.com>'],
  });
  assert.deepEqual(req.headerValues("P-Asserted-Identity"), [
    '"Alice Smith" <sip:alice@contoso.com>',
  ]);
  const withTel = invite();
  assertIdentity(withTel, { sip: ALICE.sip, tel: ALICE.tel }, { includeTel: true });
  assert.equal(
    withTel.header("P-Asserted-Identity"),
    "<sip:alice@contoso.com>, <tel:+14255550100>",
  );
  assert.deepEqual(identityValues(withTel).map((n) => n.uriText), [ALICE.sip, ALICE.tel]);
});

Deno.test("P-Preferred-Identity matching the user is honoured and removed", () => {
  const req = invite();
  preferIdentity(req, "tel:+1-425-555-0100");
  assert.deepEqual(assertIdentity(req, ALICE), {
    ok: true,
    asserted: ['"Alice Smith" <tel:+14255550100>'],
  });
  assert.equal(req.header("P-Preferred-Identity"), undefined);
  const both = invite();
  preferIdentity(both, "sips:Alice@CONTOSO.com", "tel:+14255550100");
  assert.equal(assertIdentity(both, { sip: ALICE.sip, tel: ALICE.tel }).ok, true);
  assert.equal(both.header("P-Asserted-Identity"), "<sip:alice@contoso.com>, <tel:+14255550100>");
});

Deno.test("P-Preferred-Identity of someone else: 403; malformed or doubled: 400", () => {
  const other = invite();
  preferIdentity(other, "sip:ceo@contoso.com");
  const verdict = assertIdentity(other, ALICE);
  assert.deepEqual(verdict, {
    ok: false,
    status: 403,
    reason: "Forbidden",
    diagnosticKind: "auth-preferred-identity-rejected",
    detail: "sip:ceo@contoso.com is not an identity of this user",
  });
  // Nothing was rewritten on rejection.
  assert.equal(other.header("P-Preferred-Identity"), "<sip:ceo@contoso.com>");
  assert.equal(other.header("P-Asserted-Identity"), undefined);

  const noTel = invite();
  preferIdentity(noTel, "tel:+14255550100");
  assert.equal(assertIdentity(noTel, { sip: ALICE.sip }).ok, false);

  const doubled = invite();
  preferIdentity(doubled, "sip:alice@contoso.com", "sip:alice@contoso.com");
  assert.equal((assertIdentity(doubled, ALICE) as { status: number }).status, 400);
  const broken = invite().addHeader("P-Preferred-Identity", "<sip:alice@contoso.com");
  assert.equal((assertIdentity(broken, ALICE) as { status: number }).status, 400);
});

Deno.test("the asserted identity enters the version 3+ signature buffer", () => {
  const req = invite();
  const fields = { scheme: "NTLM", rand: "01020304", num: "1", realm: "r", targetName: "fe" };
  const before = buildSignatureBuffer(req, fields, 4);
  assertIdentity(req, { sip: ALICE.sip, tel: ALICE.tel }, { includeTel: true });
  const after = buildSignatureBuffer(req, fields, 4);
  assert.equal(before.endsWith("<sip:bob@contoso.com><><><><>"), true);
  assert.equal(
    after.endsWith("<sip:bob@contoso.com><><sip:alice@contoso.com><tel:+14255550100><>"),
    true,
  );
});

Deno.test("Privacy: id removes P-Asserted-Identity toward an untrusted hop", () => {
  const req = invite();
  assertIdentity(req, ALICE);
  assert.equal(stripForUntrustedHop(req), false);
  req.addHeader("Privacy", "header; id");
  assert.equal(stripForUntrustedHop(req), true);
  assert.equal(req.header("P-Asserted-Identity"), undefined);
});

Deno.test("sameIdentity compares SIP user@host and tel numbers", () => {
  assert.equal(sameIdentity(parseUri("sip:a@x.com;user=phone"), parseUri("SIP:A@X.COM")), true);
  assert.equal(sameIdentity(parseUri("sip:a@x.com"), parseUri("sip:b@x.com")), false);
  assert.equal(sameIdentity(parseUri("tel:+1(425)555.0100"), parseUri("tel:+14255550100")), true);
  assert.equal(sameIdentity(parseUri("tel:+14255550100"), parseUri("sip:+14255550100@x")), false);
});
