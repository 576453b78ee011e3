/**
 * MS-CONMGMT §2 server discovery in the client: the user's SIP domain is resolved through
 * `_sipinternaltls._tcp` SRV records (an in-memory zone): the first target refuses the
 * connection, the second presents a certificate without the target's name (MS-CONMGMT guide
 * §2.2), the client moves on to the third (the lab front end) and signs in there.
 */
import assert from "node:assert/strict";
import { MemoryDnsLookup } from "../../lab/sip/resolver/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { FrontendAgent } from "../frontend/mod.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import { LyncClient } from "./lync_client.ts";
import { account, ClientReports, DOMAIN } from "./test_support.ts";

Deno.test("discovery: SRV targets in order, refused and misnamed ones skipped", async () => {
  const tls = await labTlsMaterial("127.0.0.1");
  const wheel = new TimerWheel();
  const frontend = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain: DOMAIN,
    users: (name) => name === "alice" ? { password: "alice-pw" } : undefined,
    tls,
    wheel,
  });
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (closed.addr as Deno.NetAddr).port;
  closed.close();
  // A TLS server whose certificate does not carry the name it is listed under.
  const misnamed = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: tls.certPem!,
    key: tls.keyPem!,
  });
  const misnamedPort = (misnamed.addr as Deno.NetAddr).port;
  const accepting = (async () => {
    for await (const conn of misnamed) conn.close();
  })();
  const dns = new MemoryDnsLookup({
    srv: {
      [`_sipinternaltls._tcp.${DOMAIN}`]: [
        { priority: 0, weight: 0, port: deadPort, target: `fe1.${DOMAIN}` },
        // A server under a name its certificate does not carry: refused by the TLS check.
        { priority: 5, weight: 0, port: misnamedPort, target: `fe2.${DOMAIN}` },
        { priority: 10, weight: 0, port: frontend.address.port, target: "localhost" },
      ],
    },
    // The lab certificate of 127.0.0.1 names `localhost`: the TLS check is against the target.
    a: {
      localhost: ["127.0.0.1"],
      [`fe1.${DOMAIN}`]: ["127.0.0.1"],
      [`fe2.${DOMAIN}`]: ["127.0.0.1"],
    },
  });
  const reports = new ClientReports();
  const client = LyncClient.start({
    server: { kind: "discover", protocol: "tls", discovery: { dns } },
    caCerts: [tls.caPem!],
    wheel,
    events: { online: (ep) => reports.report("online", ep) },
  });
  try {
    const online = reports.next("online");
    const endpoint = client.signIn(account("alice"));
    await online;
    assert.equal(endpoint.flow?.remote.port, frontend.address.port);
    assert.equal(dns.queries[0], `SRV _sipinternaltls._tcp.${DOMAIN}`);
  } finally {
    await client.stop({ graceful: false });
    await frontend.stop();
    misnamed.close();
    await accepting;
    wheel.stop();
  }
});
