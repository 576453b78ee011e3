/**
 * The sign-in bench's client child, run in-process against the real lab front end (TLS, NTLM,
 * provisioning) with a handful of users: both modes report every user signed in.
 */
import assert from "node:assert/strict";
import { FrontendAgent } from "../../agents/frontend/mod.ts";
import { labTlsMaterial } from "../../agents/lab_trust.ts";
import { runSigninClients } from "./signin_client_child.ts";

async function withFrontend(fn: (port: number, caFile: string) => Promise<void>) {
  const tls = await labTlsMaterial("127.0.0.1");
  const dir = await Deno.makeTempDir({ prefix: "sipfleet-signin-child-" });
  const frontend = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain: "bench.test",
    users: (name) => {
      const index = Number(/^user(\d{5})$/.exec(name)?.[1] ?? "0");
      return index >= 1 && index <= 20 ? { password: `pw-${index}` } : undefined;
    },
    tls,
    expiry: { minS: 1 },
  });
  try {
    await Deno.writeTextFile(`${dir}/ca.pem`, tls.caPem!);
    await fn(frontend.address.port, `${dir}/ca.pem`);
  } finally {
    await frontend.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("sign-in bench child, rate mode: every user signed in, percentiles reported", async () => {
  await withFrontend(async (port, ca) => {
    const result = await runSigninClients([
      ..."--users 20 --concurrency 5 --mode rate --deadline-s 20".split(" "),
      ...["--port", String(port), "--ca", ca],
    ]);
    assert.equal(result.signedIn, 20);
    assert.equal(result.failed, 0);
    assert.ok(result.p95Ms >= result.p50Ms);
  });
});

Deno.test("sign-in bench child, steady mode: users stay connected, the window is measured", async () => {
  await withFrontend(async (port, ca) => {
    const result = await runSigninClients([
      ..."--users 10 --concurrency 10 --mode steady --steady-seconds 1 --deadline-s 20".split(" "),
      ..."--expires 2 --keepalive-ms 200".split(" "),
      ...["--port", String(port), "--ca", ca],
    ]);
    assert.equal(result.signedIn, 10);
    assert.equal(result.connections, 10);
    assert.ok((result.cpuPercent ?? -1) >= 0);
    assert.ok((result.rssMb ?? 0) > 0);
  });
});
