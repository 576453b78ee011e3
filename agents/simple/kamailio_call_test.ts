/**
 * The standard-SIP client against a real Kamailio (Debian's `kamailio`) as registrar and
 * authenticating proxy (lab/testing/kamailio_registrar.cfg): Digest REGISTER, a refused
 * password, and a call from one lab client to another through the proxy with 407.
 */
import assert from "node:assert/strict";
import { kamailioAvailable } from "../../lab/testing/kamailio.ts";
import { startKamailioRegistrar } from "../../lab/testing/kamailio_registrar.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { SimpleClient } from "./simple_client.ts";

const available = await kamailioAvailable();
// Real-peer tests: skipped on a laptop without Kamailio, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

Deno.test({
  name: "kamailio registrar: digest REGISTER (401 then 200), wrong password fails, call via 407",
  ignore,
  async fn() {
    const registrar = await startKamailioRegistrar({
      users: [
        { name: "alice", password: "alice-secret" },
        { name: "bob", password: "bob-secret" },
        { name: "mallory", password: "right-one" },
        { name: "carol", password: "carol-secret" },
      ],
    });
    const wheel = new TimerWheel();
    const clients: SimpleClient[] = [];
    try {
      const server = { protocol: "udp" as const, host: registrar.host, port: registrar.port };
      const listen = { protocol: "udp" as const, host: "127.0.0.1", port: 0 };
      for (let i = 0; i < 2; i++) {
        clients.push(await SimpleClient.start({ listen, server, domain: registrar.domain, wheel }));
      }
      const alice = clients[0].addUser({ name: "alice", password: "alice-secret" });
      const mallory = clients[0].addUser({ name: "mallory", password: "wrong" });
      const bob = clients[1].addUser({ name: "bob", password: "bob-secret", displayName: "Bob" });
      // Carol's client speaks TCP to the same server (RFC 3261 §18, `;transport=tcp` contact).
      clients.push(
        await SimpleClient.start({
          listen: { ...listen, protocol: "tcp" },
          server: { ...server, protocol: "tcp" },
          domain: registrar.domain,
          wheel,
        }),
      );
      const carol = clients[2].addUser({ name: "carol", password: "carol-secret" });

      // RFC 3261 §22.2: the first REGISTER is challenged (401), the signed one accepted.
      const registered = await alice.register();
      assert.equal(registered.ok, true, registrar.output().slice(-2000));
      assert.equal(registered.status, 200);
      assert.equal(registered.expires, 3600);
      assert.equal(alice.registration.sent, 2);
      assert.equal(alice.registration.state, "registered");
      assert.deepEqual(alice.digest.sessionKeys, [`www:${registrar.domain}`]);
      assert.equal((await bob.register()).ok, true);

      // §22.1: the same challenge again after the credentials: rejected, no third attempt.
      const refused = await mallory.register();
      assert.deepEqual([refused.ok, refused.status], [false, 401]);
      assert.equal(mallory.registration.sent, 2);
      assert.equal(mallory.registration.state, "failed");

      // Alice calls Bob at his AoR: 407 from the proxy, the signed INVITE found by location.
      const outcome = await alice.call(`sip:bob@${registrar.domain}`, { holdMs: 20 });
      assert.equal(outcome.ok, true, JSON.stringify(outcome));
      assert.equal(outcome.status, 200);
      assert.deepEqual(alice.digest.sessionKeys.sort(), [
        `proxy:${registrar.domain}`,
        `www:${registrar.domain}`,
      ]);
      // 180, 200, ACK, BYE: the caller saw it ring, nothing failed on either side.
      assert.deepEqual(clients[0].calls.placed, {
        attempted: 1,
        ringing: 1,
        answered: 1,
        completed: 1,
        failed: 0,
      });
      assert.deepEqual(clients[1].calls.answered, {
        received: 1,
        completed: 1,
        cancelled: 0,
        failed: 0,
      });

      // UDP caller, TCP callee: the proxy bridges the transports.
      assert.equal((await carol.register()).ok, true);
      const toCarol = await alice.call(`sip:carol@${registrar.domain}`, { holdMs: 5 });
      assert.equal(toCarol.ok, true, JSON.stringify(toCarol));
      assert.equal(clients[2].calls.answered.completed, 1);

      // A user nobody registered: the proxy's own 404, reported as a failed call.
      const missing = await alice.call(`sip:mallory@${registrar.domain}`);
      assert.deepEqual([missing.ok, missing.status], [false, 404]);

      const stats = await registrar.statistics();
      // Bob: 407 then the signed INVITE; Carol and Mallory: signed at once (§22.1 reuse).
      assert.equal(stats["core.rcv_requests_invite"], 4);
      assert.equal(stats["core.rcv_requests_bye"], 2);
      assert.equal(stats["core.rcv_requests_ack"] >= 2, true, JSON.stringify(stats));

      // §10.2.2: Expires 0 removes the binding; a call to Bob then finds nobody.
      assert.equal((await bob.unregister()).ok, true);
      assert.equal(bob.registration.state, "unregistered");
      const gone = await alice.call(`sip:bob@${registrar.domain}`);
      assert.deepEqual([gone.ok, gone.status], [false, 404]);
    } finally {
      for (const client of clients) await client.stop();
      wheel.stop();
      await registrar.stop();
    }
  },
});
