import assert from "node:assert/strict";
import { kamailioAvailable, optionsStatus } from "./kamailio.ts";
import { startKamailioRegistrar, subscriberTableLines } from "./kamailio_registrar.ts";

const available = await kamailioAvailable();
// Real-peer tests: skipped on a laptop without Kamailio, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

Deno.test("kamailio registrar: the subscriber table holds RFC 2617 HA1 values, db_text escaped", () => {
  // RFC 2617 §3.5: Mufasa / "Circle Of Life" in realm testrealm@host.com.
  const lines = subscriberTableLines("testrealm@host.com", [
    { name: "Mufasa", password: "Circle Of Life" },
    { name: "x", password: "a:b" },
  ]);
  assert.equal(
    lines[0],
    "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)",
  );
  const [id, name, domain, password, ha1] = lines[1].split(":");
  assert.deepEqual([id, name, domain, password], [
    "1",
    "Mufasa",
    "testrealm@host.com",
    "Circle Of Life",
  ]);
  assert.equal(ha1, "939e7578ed9e3c518a452acee763bce9");
  assert.match(lines[2], /^2:x:testrealm@host\.com:a\\:b:[0-9a-f]{32}:[0-9a-f]{32}$/);
});

Deno.test({
  name:
    "kamailio registrar: starts with the presence modules without an error, answers OPTIONS; bad domains refused",
  ignore,
  async fn() {
    await assert.rejects(
      () => startKamailioRegistrar({ users: [], domain: "a b" }),
      /bad domain a b/,
    );
    const registrar = await startKamailioRegistrar({
      users: [{ name: "alice", password: "pw" }],
      presence: true,
    });
    try {
      assert.equal(registrar.domain, "lab.sipfleet.test");
      const probe = { host: registrar.host, port: registrar.port, timeoutMs: 2000 };
      assert.equal(await optionsStatus({ ...probe, transport: "tcp" }), 200);
      // The presence modules found their db_text tables: nothing went wrong at start.
      assert.doesNotMatch(registrar.output(), /ERROR|CRITICAL/);
      const stats = await registrar.statistics();
      assert.equal(stats["usrloc.registered_users"], 0);
    } finally {
      const exit = await registrar.stop();
      assert.equal(exit.killedByHarness, false);
    }
  },
});
