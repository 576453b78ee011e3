/**
 * The simulated client against the real lab front end over TLS on loopback, with HTTP Digest
 * (the front end's scheme for non-Microsoft clients): sign-in, sign-out, a wrong password as a
 * typed failure with its ms-diagnostics ErrorId, and a dropped connection that reconnects and
 * registers again.
 */
import assert from "node:assert/strict";
import { account, DOMAIN, startClientLab } from "./test_support.ts";

const DIGEST = { auth: "digest", provisioning: false, expiresSeconds: 600 } as const;

Deno.test("digest sign-in over TLS registers the endpoint's Contact, sign-out removes it", async () => {
  const lab = await startClientLab(DIGEST);
  try {
    const online = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await online;
    assert.equal(endpoint.state, "online");
    assert.ok(endpoint.signInMs! > 0);
    assert.equal(endpoint.expiresSeconds, 600);
    const bindings = lab.frontend.location.lookup(`sip:alice@${DOMAIN}`);
    assert.equal(bindings.length, 1);
    assert.equal(bindings[0].uri.port, endpoint.flow!.local.port);
    assert.deepEqual(lab.client.stateCounts(), { online: 1 });

    const ended = lab.reports.next("ended");
    endpoint.signOut();
    await ended;
    assert.equal(endpoint.state, "signedOut");
    assert.equal(lab.frontend.location.lookup(`sip:alice@${DOMAIN}`).length, 0);
    assert.equal(lab.client.active, 0);
  } finally {
    await lab.close();
  }
});

Deno.test("digest: a wrong password ends as a typed failure with the status and ErrorId", async () => {
  const lab = await startClientLab(DIGEST);
  try {
    const ended = lab.reports.next("ended");
    lab.client.signIn(account("bob", "not-bobs"));
    const endpoint = await ended;
    assert.equal(endpoint.state, "failed");
    assert.equal(endpoint.failure?.status, 403);
    assert.equal(endpoint.failure?.kind, "refused");
    assert.equal(typeof endpoint.failure?.diagnosticsId, "number");
    assert.equal(endpoint.flow, undefined);
  } finally {
    await lab.close();
  }
});

Deno.test("digest: a dropped connection reconnects after the back-off and registers again", async () => {
  const lab = await startClientLab(DIGEST);
  try {
    const first = lab.reports.next("online");
    const endpoint = lab.client.signIn(account("alice"));
    await first;
    const firstPort = endpoint.flow!.local.port;
    const again = lab.reports.next("online");
    lab.client.core.transport.abortFlow(endpoint.flow!.remote.flowId!);
    await again;
    assert.equal(endpoint.state, "online");
    assert.equal(endpoint.reRegistrations, 1);
    assert.notEqual(endpoint.flow!.local.port, firstPort);
    const ports = lab.frontend.location.lookup(`sip:alice@${DOMAIN}`).map((b) => b.uri.port);
    assert.ok(ports.includes(endpoint.flow!.local.port), ports.join());
  } finally {
    await lab.close();
  }
});
