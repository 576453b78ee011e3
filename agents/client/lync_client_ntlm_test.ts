/**
 * The simulated Lync client against the real lab front end over TLS on loopback with MS-SIPAE
 * NTLM: sign-in (NTLM three-way, signed 200 with GRUU, provisioning SUBSCRIBE), a signed
 * refresh, sign-out; a wrong password; the server's deregistration NOTIFY (`rejected` ends the
 * endpoint, `deactivated` makes it register again, `preferred-registrar-change` moves it to the
 * P-Preferred-Registrar); a dropped connection that reconnects and registers again under a new
 * security association; compression asked for; a graceful stop.
 */
import assert from "node:assert/strict";
import { FrontendAgent } from "../frontend/mod.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import { account, DOMAIN, startClientLab, until } from "./test_support.ts";

const AOR = `sip:alice@${DOMAIN}`;

Deno.test("NTLM sign-in: signed REGISTER, GRUU, provisioning, signed refresh, sign-out", async () => {
  // Expires 2 s (the front end allows 1 s): the refresh comes 1.8 s after registering.
  const lab = await startClientLab({ expiresSeconds: 2 }, { expiry: { minS: 1 } });
  try {
    const online = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await online;
    assert.equal(endpoint.state, "online");
    assert.match(endpoint.gruu ?? "", /;gruu/);
    assert.ok(endpoint.auth.family === "sipae");
    const methods = endpoint.recent.map((t) => `${t.method} ${t.status}`);
    // REGISTER → 401, → 401 (CHALLENGE_MESSAGE), → 200 (AUTHENTICATE_MESSAGE), SUBSCRIBE → 200.
    assert.deepEqual(methods, [
      "REGISTER 401",
      "REGISTER 401",
      "REGISTER 200",
      "SUBSCRIBE 200",
    ]);
    const binding = lab.frontend.location.lookup(AOR)[0];
    assert.equal(binding.uri.port, endpoint.flow!.local.port);

    // The refresh is signed with the SA: one REGISTER, answered 200 at once.
    await until(() => endpoint.recent.length >= 5, "the refresh", 6000);
    assert.equal(`${endpoint.recent[4].method} ${endpoint.recent[4].status}`, "REGISTER 200");
    assert.equal(endpoint.state, "online");

    const ended = lab.reports.next("ended");
    endpoint.signOut();
    await ended;
    assert.equal(endpoint.state, "signedOut");
    assert.equal(lab.frontend.location.lookup(AOR).length, 0);
  } finally {
    await lab.close();
  }
});

Deno.test("NTLM: a wrong password is a typed credentials-rejected failure", async () => {
  const lab = await startClientLab();
  try {
    const ended = lab.reports.next("ended");
    lab.client.signIn(account("bob", "wrong"));
    const endpoint = await ended;
    assert.equal(endpoint.state, "failed");
    // MS-SIPAE guide §8: a fresh challenge to the AUTHENTICATE_MESSAGE; MS-OCER 1000.
    assert.equal(endpoint.failure?.kind, "credentials-rejected");
    assert.equal(endpoint.failure?.status, 401);
    assert.equal(endpoint.failure?.diagnosticsId, 1000);
  } finally {
    await lab.close();
  }
});

Deno.test("deregistration NOTIFY: rejected ends the endpoint, deactivated registers again", async () => {
  const lab = await startClientLab();
  try {
    const online = lab.reports.next("online");
    const alice = lab.client.signIn(account("alice"));
    await online;

    const again = lab.reports.next("online");
    assert.deepEqual(await lab.frontend.deregister(AOR, "deactivated"), [200]);
    await again;
    assert.equal(alice.state, "online");
    assert.equal(alice.reRegistrations, 1);

    const ended = lab.reports.next("ended");
    assert.deepEqual(await lab.frontend.deregister(AOR, "rejected"), [200]);
    await ended;
    assert.equal(alice.state, "failed");
    assert.equal(alice.failure?.kind, "deregistered");
  } finally {
    await lab.close();
  }
});

Deno.test("NTLM: a dropped connection reconnects and registers again under a new SA", async () => {
  const lab = await startClientLab();
  try {
    const first = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await first;
    const reconnecting = lab.reports.next("reconnecting");
    const again = lab.reports.next("online");
    lab.client.core.transport.abortFlow(endpoint.flow!.remote.flowId!);
    await reconnecting;
    await again;
    assert.equal(endpoint.state, "online");
    // The new connection went through the whole handshake again.
    const registers = endpoint.recent.filter((t) => t.method === "REGISTER").map((t) => t.status);
    assert.deepEqual(registers.slice(-3), [401, 401, 200]);
  } finally {
    await lab.close();
  }
});

Deno.test("compression asked for: signs in whether or not the front end compresses", async () => {
  const lab = await startClientLab({ compression: true });
  try {
    const online = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await online;
    assert.equal(endpoint.state, "online");
  } finally {
    await lab.close();
  }
});

Deno.test("a graceful stop signs every endpoint out before closing", async () => {
  const lab = await startClientLab();
  try {
    const both = [lab.reports.next("online"), lab.reports.next("online")];
    lab.client.signIn(account("alice"));
    lab.client.signIn(account("bob"));
    await Promise.all(both);
    assert.equal(lab.frontend.location.lookup(AOR).length, 1);
    await lab.client.stop({ graceful: true });
    assert.equal(lab.client.active, 0);
    assert.equal(lab.frontend.location.lookup(AOR).length, 0);
    assert.equal(lab.frontend.location.lookup(`sip:bob@${DOMAIN}`).length, 0);
  } finally {
    await lab.close();
  }
});

Deno.test("preferred-registrar-change: the endpoint registers at the P-Preferred-Registrar", async () => {
  const lab = await startClientLab();
  const tls = await labTlsMaterial("127.0.0.1");
  const pool2 = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain: DOMAIN,
    users: (name) => name === "alice" ? { password: "alice-pw" } : undefined,
    tls,
  });
  try {
    const online = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await online;
    const moved = lab.reports.next("online");
    const preferredRegistrar = `sip:127.0.0.1:${pool2.address.port};transport=tls`;
    assert.deepEqual(
      await lab.frontend.deregister(AOR, "preferred-registrar-change", { preferredRegistrar }),
      [200],
    );
    await moved;
    assert.equal(endpoint.flow?.remote.port, pool2.address.port);
    assert.equal(pool2.location.lookup(AOR).length, 1);
    assert.equal(lab.frontend.location.lookup(AOR).length, 0);
  } finally {
    await lab.close();
    await pool2.stop();
  }
});

Deno.test("stopping at once abandons endpoints: a pending reconnection never fires", async () => {
  const lab = await startClientLab();
  try {
    const online = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await online;
    const reconnecting = lab.reports.next("reconnecting");
    lab.client.core.transport.abortFlow(endpoint.flow!.remote.flowId!);
    await reconnecting;
    await lab.client.stop({ graceful: false });
    const state = endpoint.state;
    // Past the longest back-off (100 ms): the shared wheel runs on, the endpoint stays put.
    await new Promise((r) => setTimeout(r, 250));
    assert.equal(endpoint.state, state);
    assert.equal(lab.client.connections, 0);
  } finally {
    await lab.close();
  }
});
