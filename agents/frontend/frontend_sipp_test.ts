/**
 * SIPp as a real client of the lab front end: 1,000 users sign in with Digest over UDP
 * (testdata/register_digest.xml, credentials from `lab population --format sipp-csv`), none
 * fails, and every user ends up with one binding.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { populationCommand } from "../../lab/runner/population_command.ts";
import { runSipp, sippAvailable } from "../../lab/testing/mod.ts";
import { FrontendAgent } from "./frontend_agent.ts";
import type { RegistrarMetricsSink } from "./registrar_metrics.ts";

const available = await sippAvailable();
// Skipped on a laptop without SIPp; CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

const USERS = 1000;
const DOMAIN = "lab.sipfleet.test";
const SCENARIO = fileURLToPath(new URL("./testdata/register_digest.xml", import.meta.url));

Deno.test({
  name: "SIPp registers 1,000 users with digest to the lab front end over UDP, 0 failed",
  ignore,
  async fn() {
    const lines: string[] = [];
    const code = await populationCommand(
      ["--domain", DOMAIN, "--users", String(USERS), "--format", "sipp-csv"],
      { out: (l) => lines.push(l), err: (l) => lines.push(l) },
    );
    assert.equal(code, 0, lines.join("\n"));
    const passwords = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const [user, , auth] = line.split(";");
      passwords.set(user, /password=([^\]]+)\]/.exec(auth)![1]);
    }
    const injection = await Deno.makeTempFile({ prefix: "sipfleet-users-", suffix: ".csv" });
    await Deno.writeTextFile(injection, lines.join("\n") + "\n");

    const outcomes = new Map<string, number>();
    const metrics: RegistrarMetricsSink = {
      registration: (outcome, reason) => {
        const key = `${outcome}/${reason}`;
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
      },
    };
    const frontend = await FrontendAgent.start({
      listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
      domain: DOMAIN,
      users: (name) => passwords.has(name) ? { password: passwords.get(name)! } : undefined,
      metrics,
    });
    try {
      const result = await runSipp({
        scenario: { file: SCENARIO },
        remote: `127.0.0.1:${frontend.address.port}`,
        transport: "u1",
        injectionFiles: [injection],
        rate: 400,
        maxCalls: USERS,
        timeoutS: 30,
        // SIPp's digest-uri defaults to sip:<remote ip>:<port>; the registrar checks it
        // against the Request-URI sip:<domain> (RFC 2617 §3.2.2.5, lab/auth/digest).
        extraArgs: ["-auth_uri", DOMAIN],
      });
      const why = `SIPp: ${result.exitMeaning}; created ${result.created}, successful ` +
        `${result.successful}, failed ${result.failed}\n${result.errorLog}\n${result.output}\n` +
        `front end: ${JSON.stringify([...outcomes])}`;
      assert.equal(result.failed, 0, why);
      assert.equal(result.successful, USERS, why);
      assert.equal(outcomes.get("ok/registered"), USERS, why);
      assert.equal(outcomes.get("challenged/missing-credentials"), USERS, why);
      assert.equal(frontend.location.addressesOfRecord, USERS);
      assert.equal(frontend.location.lookup(`sip:user00001@${DOMAIN}`).length, 1);
    } finally {
      await frontend.stop();
      await Deno.remove(injection);
    }
  },
});
