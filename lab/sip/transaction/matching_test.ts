import assert from "node:assert/strict";
import {
  clientKey,
  clientKeyOfResponse,
  hasMagicCookie,
  legacyCancelMatches,
  legacyRequestMatches,
  sameVia,
  sentBy,
  serverBranchKey,
  transactionMethod,
} from "./matching.ts";
import { makeRequest, makeResponse } from "./test_fixtures.ts";

Deno.test("client key: branch plus CSeq method (§17.1.3)", () => {
  const invite = makeRequest("INVITE");
  assert.equal(
    clientKeyOfResponse(makeResponse(invite, 180, "Ringing")),
    clientKey("z9hG4bKnashds8", "INVITE"),
  );
  assert.notEqual(
    clientKeyOfResponse(makeResponse(makeRequest("CANCEL"), 200, "OK")),
    clientKey("z9hG4bKnashds8", "INVITE"),
  );
  const noBranch = makeResponse(makeRequest("INVITE", { branch: null }), 200, "OK");
  assert.equal(clientKeyOfResponse(noBranch), undefined);
});

Deno.test("magic cookie, sent-by normalisation, ACK belongs to INVITE (§17.2.3)", () => {
  assert.equal(hasMagicCookie("z9hG4bK776asdhds"), true);
  assert.equal(hasMagicCookie("776asdhds"), false);
  assert.equal(hasMagicCookie(undefined), false);
  const udp = makeRequest("INVITE", { sentBy: "PC33.Example.COM" }).topVia;
  const tls = makeRequest("INVITE", { transport: "TLS", sentBy: "pc33.example.com" }).topVia;
  assert.equal(sentBy(udp), "pc33.example.com:5060");
  assert.equal(sentBy(tls), "pc33.example.com:5061");
  assert.equal(serverBranchKey("z9hG4bKx", udp), "z9hG4bKx pc33.example.com:5060");
  assert.equal(transactionMethod(makeRequest("ACK")), "INVITE");
  assert.equal(transactionMethod(makeRequest("CANCEL")), "CANCEL");
});

Deno.test("Via comparison: case-insensitive names and hosts, values and params must agree", () => {
  const a = makeRequest("INVITE", { branch: null }).topVia;
  const b = makeRequest("INVITE", { branch: null, sentBy: "PC33.ATLANTA.EXAMPLE.COM:5060" }).topVia;
  const c = makeRequest("INVITE", { branch: "z9hG4bK1" }).topVia;
  const d = makeRequest("INVITE", { branch: null, transport: "TCP" }).topVia;
  assert.equal(sameVia(a, b), true);
  assert.equal(sameVia(a, c), false);
  assert.equal(sameVia(a, d), false);
});

Deno.test("RFC 2543 request matching: INVITE, ACK with the response's To tag, other methods", () => {
  const legacy = { branch: null } as const;
  const invite = makeRequest("INVITE", legacy);
  assert.equal(legacyRequestMatches(invite, makeRequest("INVITE", legacy), undefined), true);
  assert.equal(
    legacyRequestMatches(invite, makeRequest("INVITE", { ...legacy, cseq: 2 }), undefined),
    false,
  );
  assert.equal(
    legacyRequestMatches(invite, makeRequest("INVITE", { ...legacy, uri: "sip:x@y" }), undefined),
    false,
  );
  assert.equal(
    legacyRequestMatches(invite, makeRequest("INVITE", { ...legacy, toTag: "t" }), undefined),
    false,
  );
  assert.equal(
    legacyRequestMatches(invite, makeRequest("INVITE", { ...legacy, callId: "c" }), undefined),
    false,
  );
  const ack = makeRequest("ACK", { ...legacy, toTag: "resp" });
  assert.equal(legacyRequestMatches(invite, ack, "resp"), true);
  assert.equal(legacyRequestMatches(invite, ack, "other"), false);
  const bye = makeRequest("BYE", { ...legacy, toTag: "t" });
  assert.equal(
    legacyRequestMatches(bye, makeRequest("BYE", { ...legacy, toTag: "t" }), undefined),
    true,
  );
  assert.equal(legacyRequestMatches(bye, ack, "t"), false); // an ACK only matches an INVITE
});

Deno.test("RFC 2543 CANCEL target: any method but CANCEL and ACK (§9.2)", () => {
  const legacy = { branch: null } as const;
  const cancel = makeRequest("CANCEL", legacy);
  assert.equal(legacyCancelMatches(makeRequest("INVITE", legacy), cancel), true);
  assert.equal(legacyCancelMatches(makeRequest("OPTIONS", legacy), cancel), true);
  assert.equal(legacyCancelMatches(makeRequest("CANCEL", legacy), cancel), false);
  assert.equal(
    legacyCancelMatches(makeRequest("INVITE", { ...legacy, fromTag: "x" }), cancel),
    false,
  );
});
