/**
 * The authentication gate on its own: scheme configuration (Kerberos / TLS-DSK plug in as
 * mechanism factories), the combined challenge, and the counters by scheme.
 */
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import {
  type AcceptResult,
  parseAuthenticationInfo,
  SecurityMechanismError,
  type ServerMechanismFactory,
  sipInstanceFromEpid,
} from "../../lab/auth/sipae/mod.ts";
import { MetricsRegistry } from "../../lab/metrics/mod.ts";
import { SipRequest, SipResponse } from "../../lab/sip/message/mod.ts";
import { FrontendAuthenticator } from "./frontend_authenticator.ts";
import { AUTHENTICATIONS_COUNTER, registrarMetricsIn } from "./registrar_metrics.ts";

const DOMAIN = "lab.sipfleet.test";
const FQDN = "fe01.lab.sipfleet.test";
const users = (name: string) => name === "alice" ? { password: "alice-pw" } : undefined;

/**
 * A one-leg mechanism standing in for lab/auth/kerberos in this test: it completes for the
 * token "ticket:<user>" and signs with an HMAC, so the test sees the gate use whatever
 * factory it is given.
 */
let opaques = 0;
const ticketMechanism: ServerMechanismFactory = {
  scheme: "Kerberos",
  targetNameFor: (fqdn) => `sip/${fqdn}`,
  create: () => {
    let snum = 0;
    return {
      scheme: "Kerberos",
      opaque: (0xcafe0000 + ++opaques).toString(16).toUpperCase(),
      accept(token: string): AcceptResult {
        const m = /^ticket:(\w+)$/.exec(atob(token));
        if (!m) throw new SecurityMechanismError("malformed-token", "not a ticket");
        return { kind: "complete", user: { userName: m[1], domainName: "LAB" } };
      },
      verify() {
        throw new SecurityMechanismError("bad-signature", "not exercised here");
      },
      sign(message) {
        const signature = createHmac("sha256", "k").update(message.header("call-id") ?? "").digest(
          "hex",
        );
        return { rand: "00000001", num: String(++snum), signature };
      },
    };
  },
};

function register(authorization?: string): SipRequest {
  const request = new SipRequest("REGISTER", `sip:${DOMAIN}`)
    .addHeader("Via", "SIP/2.0/TLS 127.0.0.1:5999;branch=z9hG4bKa1")
    .addHeader("From", `<sip:alice@${DOMAIN}>;tag=1;epid=a11ce00001`)
    .addHeader("To", `<sip:alice@${DOMAIN}>`)
    .addHeader("Call-ID", "c1")
    .addHeader("CSeq", "1 REGISTER")
    .addHeader(
      "Contact",
      `<sip:127.0.0.1:5999;transport=tls>;+sip.instance="<urn:uuid:${
        sipInstanceFromEpid("a11ce00001")
      }>"`,
    );
  if (authorization !== undefined) request.addHeader("Authorization", authorization);
  return request;
}

Deno.test("a listed MS-SIPAE scheme without its mechanism factory is a start-up error", () => {
  assert.throws(
    () =>
      new FrontendAuthenticator({
        domain: DOMAIN,
        users,
        serverName: FQDN,
        auth: { schemes: ["Kerberos"] },
      }),
    /Kerberos needs its mechanism factory/,
  );
});

Deno.test("Kerberos plugs in as a factory: challenged with sip/<fqdn>, accepted, the 200 signed", () => {
  const registry = new MetricsRegistry();
  const gate = new FrontendAuthenticator({
    domain: DOMAIN,
    users,
    serverName: FQDN,
    auth: { schemes: ["Kerberos", "NTLM", "Digest"], mechanisms: [ticketMechanism] },
    metrics: registrarMetricsIn(registry),
  });
  const first = gate.authenticate(register());
  assert.equal(first.kind, "refused");
  if (first.kind !== "refused") return;
  assert.equal(first.status, 401);
  const challenges = first.headers.filter(([n]) => n === "WWW-Authenticate").map(([, v]) => v);
  assert.deepEqual(challenges.map((v) => v.split(" ")[0]), ["Digest", "Kerberos", "NTLM"]);
  assert.match(challenges[1], /targetname="sip\/fe01\.lab\.sipfleet\.test"/);

  const credentials = `Kerberos qop="auth", realm="SIP Communications Service", ` +
    `targetname="sip/${FQDN}", version=4, gssapi-data="${btoa("ticket:alice")}"`;
  const second = gate.authenticate(register(credentials));
  assert.equal(second.kind, "authenticated");
  if (second.kind !== "authenticated") return;
  assert.equal(second.requester.scheme, "Kerberos");
  assert.equal(second.requester.aor, `sip:alice@${DOMAIN}`);
  const ok = new SipResponse(200, "OK")
    .addHeader("From", `<sip:alice@${DOMAIN}>;tag=1;epid=a11ce00001`)
    .addHeader("To", `<sip:alice@${DOMAIN}>;tag=2`)
    .addHeader("Call-ID", "c1")
    .addHeader("CSeq", "1 REGISTER");
  assert.equal(gate.signResponse(ok, second.requester), true);
  const info = parseAuthenticationInfo(ok.header("Authentication-Info")!);
  assert.equal(info.opaque, second.requester.sa?.opaque);
  assert.equal(info.targetname, `sip/${FQDN}`);

  const bad = gate.authenticate(
    register(credentials.replace(/gssapi-data="[^"]*"/, 'gssapi-data="eA=="')),
  );
  assert.equal(bad.kind === "refused" && bad.status, 400);
  const counter = registry.counter(AUTHENTICATIONS_COUNTER);
  assert.equal(
    counter.with({ scheme: "none", outcome: "challenged", reason: "missing-credentials" }).value,
    1,
  );
  assert.equal(counter.with({ scheme: "Kerberos", outcome: "established", reason: "ok" }).value, 1);
  assert.equal(
    counter.with({ scheme: "Kerberos", outcome: "failed", reason: "auth-malformed-gssapi" }).value,
    1,
  );
});

Deno.test("Digest only: no MS-SIPAE server, the 401 carries Digest and Date", () => {
  const gate = new FrontendAuthenticator({
    domain: DOMAIN,
    users,
    serverName: FQDN,
    auth: { schemes: ["Digest"] },
  });
  assert.equal(gate.sipae, undefined);
  const refused = gate.authenticate(register());
  assert.equal(refused.kind, "refused");
  if (refused.kind !== "refused") return;
  assert.deepEqual(refused.headers.map(([n]) => n), ["WWW-Authenticate", "Date"]);
});
