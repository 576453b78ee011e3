/**
 * The issue's whole path over real sockets: the client obtains a certificate from the lab's
 * MS-OCAUTHWS service over HTTPS (IssueToken + GetAndPublishCert), then signs in with TLS-DSK
 * through SipaeClient ↔ SipaeServer using it, the challenge naming the service in `sts-uri`.
 */
import assert from "node:assert/strict";
import { createLabCa, issueServerCert } from "../../../lab/pki/mod.ts";
import {
  issueTlsDskServerCertificate,
  tlsDskClientMechanism,
  tlsDskServerMechanism,
} from "../../../lab/auth/tlsdsk/mod.ts";
import { SipaeClient, SipaeServer } from "../../../lab/auth/sipae/mod.ts";
import {
  Endpoint,
  rejection,
  respond,
  wire,
} from "../../../lab/auth/sipae/testdata/sip_fixtures.ts";
import type { SipRequest } from "../../../lab/sip/message/mod.ts";
import { obtainUserCertificate, OcAuthServiceError } from "./client.ts";
import { serveOcAuthWebService } from "./service.ts";

const ca = await createLabCa({ commonName: "OCAUTHWS client test CA" });
const users = new Map([["alice@contoso.com", "Secr3t!"]]);

async function withService(fn: (certProvisioningUrl: string) => Promise<void>): Promise<void> {
  const tls = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
  const running = serveOcAuthWebService(
    { ca, lookupPassword: (user) => users.get(user) },
    { tls },
  );
  try {
    await fn(running.certProvisioningUrl);
  } finally {
    await running.close();
  }
}

Deno.test("obtainUserCertificate over HTTPS, then TLS-DSK sign-in with the certificate", async () => {
  await withService(async (url) => {
    const cert = await obtainUserCertificate({
      url,
      user: "alice@contoso.com",
      password: "Secr3t!",
      caPem: ca.certPem,
      validityMs: 3600_000,
    });
    assert.equal(cert.certificate.issuer, ca.certificate.subject);
    assert.ok(await cert.certificate.verify({ publicKey: ca.keys.publicKey }));
    assert.ok(cert.ticketExpires.getTime() > Date.now());

    const fe = await issueTlsDskServerCertificate(ca, { dnsNames: ["fe01.contoso.com"] });
    const serverMechanism = tlsDskServerMechanism({
      caPem: ca.certPem,
      certPem: fe.certPem,
      keyPem: fe.keyPem,
      stsUri: url,
    });
    assert.equal(serverMechanism.stsUri, url);
    const server = new SipaeServer({ fqdn: "fe01.contoso.com", mechanisms: [serverMechanism] });
    const client = new SipaeClient({
      mechanisms: [
        tlsDskClientMechanism({
          certificate: cert.certPem,
          privateKey: cert.keyPem,
          caPem: ca.certPem,
        }),
      ],
    });
    const alice = new Endpoint("alice", "8248ca9ebb");
    let request: SipRequest = alice.register();
    let legs = 0;
    for (;;) {
      client.authorize(request);
      const verdict = server.inspect(wire(request));
      if (verdict.kind === "accept") {
        const ok = respond(request, 200, "OK");
        server.signResponse(ok, verdict.sa);
        assert.equal(client.verifyIncoming(wire(ok)).accept, true);
        assert.equal(verdict.sa.user.userName, "alice");
        break;
      }
      assert.equal(verdict.kind === "reject" && verdict.status, 401);
      assert.equal(
        client.handleChallenge(request, wire(rejection(request, verdict))).action,
        "retry",
      );
      request = alice.register();
      assert.ok(++legs < 4, "handshake did not finish");
    }
    assert.equal(legs, 2);
  });
});

Deno.test("obtainUserCertificate with a wrong password fails with 401 and X-Ms-diagnostics", async () => {
  await withService(async (url) => {
    await assert.rejects(
      obtainUserCertificate({
        url,
        user: "alice@contoso.com",
        password: "nope",
        caPem: ca.certPem,
      }),
      (e) =>
        e instanceof OcAuthServiceError && e.status === 401 && e.errorId === 28020 &&
        /^28020;source="pool\.lab\.test"/.test(e.diagnostics ?? ""),
    );
  });
});
