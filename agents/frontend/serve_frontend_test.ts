import assert from "node:assert/strict";
import { serveFrontend } from "./serve_frontend.ts";
import { SipaeTestClient } from "./sipae_test_client.ts";
import { RegisterClient } from "./test_support.ts";

Deno.test("serve frontend: prints where it listens and the rule; its users sign in", async () => {
  const lines: string[] = [];
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => stop = resolve);
  let listening!: (line: string) => void;
  const bound = new Promise<string>((resolve) => listening = resolve);
  const io = {
    out: (l: string) => {
      lines.push(l);
      if (l.startsWith("listening ")) listening(l);
    },
    err: (l: string) => lines.push(l),
  };
  const served = serveFrontend(
    ["--listen", "udp:127.0.0.1:0", "--domain", "lab.test", "--users", "3", "--seed", "5"],
    io,
    { stopped },
  );
  const port = Number(/^listening udp:127\.0\.0\.1:(\d+)$/.exec(await bound)![1]);
  assert.ok(lines.some((l) => l.includes("user00001…user00003@lab.test")), lines.join("\n"));
  assert.ok(lines.some((l) => l.includes("auth NTLM (domain LAB) + Digest MD5")), lines.join("\n"));
  const client = new RegisterClient(port, "lab.test", "user00003", "pw-3");
  try {
    assert.equal((await client.register()).status, 200);
    const stranger = new RegisterClient(port, "lab.test", "user00004", "pw-4");
    try {
      assert.equal((await stranger.register()).status, 403, "not in the population");
    } finally {
      stranger.close();
    }
  } finally {
    client.close();
    stop();
  }
  assert.equal(await served, 0);
  assert.match(lines.at(-1)!, /registrations ok 1, challenged 2, failed 1/);
});

Deno.test("serve frontend: an NTLM endpoint signs in over TCP", async () => {
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => stop = resolve);
  let listening!: (line: string) => void;
  const bound = new Promise<string>((resolve) => listening = resolve);
  const io = { out: (l: string) => l.startsWith("listening ") && listening(l), err: () => {} };
  const served = serveFrontend(
    ["--listen", "tcp:127.0.0.1:0", "--domain", "lab.test", "--users", "2"],
    io,
    { stopped },
  );
  const port = Number(/^listening tcp:127\.0\.0\.1:(\d+)$/.exec(await bound)![1]);
  const client = await SipaeTestClient.open({
    server: { protocol: "tcp", host: "127.0.0.1", port },
    domain: "lab.test",
    user: "user00002",
    password: "pw-2",
    epid: "5e4e000002",
  });
  try {
    const ok = await client.register();
    assert.equal(ok.status, 200);
    assert.equal(client.sipae.verifyIncoming(ok).accept, true);
  } finally {
    await client.close();
    stop();
  }
  assert.equal(await served, 0);
});

Deno.test("serve frontend: usage errors exit 2", async () => {
  for (
    const args of [
      ["--domain", "d", "--users", "1"],
      ["--listen", "udp:127.0.0.1:0", "--users", "1"],
      ["--listen", "udp:127.0.0.1:0", "--domain", "d", "--users", "x"],
      ["--listen", "nowhere", "--domain", "d", "--users", "1"],
    ]
  ) {
    const err: string[] = [];
    const code = await serveFrontend(args, { out: () => {}, err: (l) => err.push(l) });
    assert.equal(code, 2, args.join(" "));
    assert.match(err[0], /^lab serve frontend: /);
  }
});
