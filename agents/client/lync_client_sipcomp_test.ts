/**
 * MS-SIPCOMP in the client over a real TLS connection: a server made of the stack's own pieces
 * (TlsTransport, SipcompServer, a user agent core and lab/auth/digest's verifier, which really
 * checks the credentials) accepts compression; the client negotiates first, switches to MPPC
 * after the 200, and signs in with the REGISTER and the provisioning SUBSCRIBE compressed.
 */
import assert from "node:assert/strict";
import { DigestVerifier } from "../../lab/auth/digest/mod.ts";
import { SipcompServer } from "../../lab/protocols/sipcomp/mod.ts";
import type { SipRequest } from "../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { ServerTransaction } from "../../lab/sip/transaction/mod.ts";
import { TransportManager } from "../../lab/sip/transport/mod.ts";
import { UserAgentCore } from "../../lab/sip/ua/mod.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import { LyncClient } from "./lync_client.ts";
import { account, ClientReports, DOMAIN } from "./test_support.ts";

/** A compressing registrar: Digest-verified REGISTER and SUBSCRIBE answered 200. */
async function compressingRegistrar(wheel: TimerWheel) {
  const tls = await labTlsMaterial("127.0.0.1");
  const verifier = new DigestVerifier({
    realm: DOMAIN,
    secret: crypto.getRandomValues(new Uint8Array(32)),
    lookup: (name) => name === "alice" ? { password: "alice-pw" } : undefined,
    algorithms: ["MD5"],
  });
  const settled: string[] = [];
  const methods: string[] = [];
  const holder: { sipcomp?: SipcompServer } = {};
  const core: UserAgentCore<TransportManager> = new UserAgentCore({
    wheel,
    allowedMethods: ["REGISTER", "SUBSCRIBE"],
    createTransport: (events) =>
      new TransportManager({
        events: {
          onMessage: (msg, source, bytes) => {
            if (!holder.sipcomp!.onMessage(msg, source)) events.onMessage(msg, source, bytes);
          },
          onFlowClosed: (source, reason) => holder.sipcomp!.onFlowClosed(source, reason),
        },
      }),
    handler: {
      onRequest(tx: ServerTransaction, request: SipRequest) {
        methods.push(request.method);
        const verdict = verifier.verify(request);
        if (!verdict.ok) {
          const challenge = core.createResponse(request, 401);
          verifier.addChallenges(challenge);
          core.respond(tx, challenge);
          return;
        }
        const headers: [string, string][] = request.method === "REGISTER"
          ? [["Contact", `${request.header("contact")};expires=600`]]
          : [];
        core.respond(tx, core.createResponse(request, 200, undefined, { headers }));
      },
    },
  });
  const transport = core.transport.add("tls", { cert: tls.certPem, key: tls.keyPem });
  holder.sipcomp = new SipcompServer({
    transport,
    acceptCompression: true,
    onSettled: (_flow, mode) => settled.push(mode),
  });
  const local = await transport.listen({ hostname: "127.0.0.1", port: 0 });
  core.start({ viaHost: local.host, viaPort: local.port, protocol: "TLS", contact: "sip:fe@x" });
  return { core, port: local.port, caPem: tls.caPem!, settled, methods };
}

Deno.test("compression: NEGOTIATE, switch-over, then a compressed sign-in", async () => {
  const wheel = new TimerWheel();
  const server = await compressingRegistrar(wheel);
  const reports = new ClientReports();
  const client = LyncClient.start({
    server: { kind: "direct", protocol: "tls", host: "127.0.0.1", port: server.port },
    caCerts: [server.caPem],
    wheel,
    auth: "digest",
    compression: true,
    expiresSeconds: 600,
    events: { online: (ep) => reports.report("online", ep) },
  });
  try {
    const online = reports.next("online");
    const endpoint = client.signIn(account("alice"));
    await online;
    assert.deepEqual(server.settled, ["compressed"]);
    // Everything after the NEGOTIATE went through the compressor and was read back.
    assert.deepEqual(server.methods, ["REGISTER", "REGISTER", "SUBSCRIBE"]);
    assert.equal(endpoint.state, "online");
  } finally {
    await client.stop({ graceful: false });
    await server.core.stop();
    wheel.stop();
  }
});
