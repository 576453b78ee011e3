import assert from "node:assert/strict";
import {
  decodeChallengeMessage,
  decodeGssapiData,
  encodeGssapiData,
  encodeNegotiateMessage,
  NegotiateFlag,
  ntowfv1,
} from "../ntlm/mod.ts";
import { SipRequest } from "../../sip/message/mod.ts";
import { SecurityMechanismError } from "./errors.ts";
import { ntlmClientMechanism, ntlmServerMechanism } from "./ntlm_mechanism.ts";

const NOW = Date.UTC(2024, 5, 1, 9, 0, 0);
const TARGET = {
  realm: "SIP Communications Service",
  targetName: "fe01.contoso.com",
  protocolVersion: 4,
};
const server = ntlmServerMechanism({
  lookupNtHash: (user) => (user.toLowerCase() === "alice" ? ntowfv1("Secr3t!") : undefined),
  names: { nbDomainName: "CONTOSO", nbComputerName: "FE01" },
  now: () => NOW,
});
const client = ntlmClientMechanism({
  credentials: { user: "alice", domain: "CONTOSO", password: "Secr3t!" },
  now: () => NOW,
});

function request(): SipRequest {
  return new SipRequest("SUBSCRIBE", "sip:alice@contoso.com")
    .addHeader("From", "<sip:alice@contoso.com>;tag=1;epid=01ab02cd03")
    .addHeader("To", "<sip:alice@contoso.com>")
    .addHeader("Call-ID", "c1")
    .addHeader("CSeq", "1 SUBSCRIBE");
}

const rejects = (code: string) => (e: unknown) =>
  e instanceof SecurityMechanismError && e.code === code;

Deno.test("connectionless NTLM through the mechanism interfaces", () => {
  const s = server.create(TARGET);
  const c = client.create(TARGET);
  assert.equal(server.targetNameFor("fe01.contoso.com"), "fe01.contoso.com");
  assert.equal(c.initial(), "");
  assert.equal(c.canSign, false);
  const first = s.accept(c.initial());
  assert.equal(first.kind, "continue");
  const token = first.kind === "continue" ? first.token : "";
  // The CHALLENGE carries DATAGRAM (connectionless) and KEY_EXCH.
  const flags = decodeChallengeMessage(decodeGssapiData(token)).negotiateFlags;
  assert.ok(flags & NegotiateFlag.DATAGRAM && flags & NegotiateFlag.KEY_EXCH);
  const authenticate = c.step(token, s.opaque);
  assert.equal(c.canSign, true);
  assert.deepEqual(s.accept(authenticate), {
    kind: "complete",
    user: { userName: "alice", domainName: "CONTOSO", workstation: "" },
  });
  const msg = request();
  const sig = c.sign(msg);
  s.verify(msg, { ...sig, realm: TARGET.realm, targetname: TARGET.targetName });
  const back = s.sign(msg);
  c.verify(msg, { ...back, realm: TARGET.realm, targetname: TARGET.targetName });
  assert.throws(
    () => s.verify(msg, { ...sig, realm: TARGET.realm, targetname: TARGET.targetName }),
    rejects("replayed-sequence"),
  );
});

Deno.test("a NEGOTIATE_MESSAGE opening is answered with the CHALLENGE; garbage is malformed", () => {
  const negotiate = encodeGssapiData(
    encodeNegotiateMessage({ negotiateFlags: NegotiateFlag.UNICODE | NegotiateFlag.NTLM }),
  );
  const s = server.create(TARGET);
  assert.equal(s.accept(negotiate).kind, "continue");
  assert.throws(() => server.create(TARGET).accept("TlRMTQ=="), rejects("malformed-token"));
  assert.throws(() => server.create(TARGET).accept("***"), rejects("malformed-token"));
});

Deno.test("NTLM failures surface as SecurityMechanismError with the same code", () => {
  const s = server.create(TARGET);
  const challenge = s.accept("");
  const wrong = ntlmClientMechanism({
    credentials: { user: "alice", domain: "CONTOSO", password: "nope" },
    now: () => NOW,
  }).create(TARGET);
  const token = wrong.step(challenge.kind === "continue" ? challenge.token : "", s.opaque);
  assert.throws(() => s.accept(token), rejects("wrong-password"));
  const c = client.create(TARGET);
  assert.throws(() => c.sign(request()), rejects("invalid-state"));
  assert.throws(() => c.step("not base64!", "0A0B0C0D"), rejects("malformed-token"));
});
