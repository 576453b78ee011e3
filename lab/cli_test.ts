import assert from "node:assert/strict";
import { dashboardWanted, main } from "./cli.ts";
import { noopScenarioYaml, tempFolder } from "./runner/test_support.ts";

/** Run the command line in-process; returns the exit code and what it printed. */
async function lab(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(""), err: err.join("") };
}

Deno.test("no command or an unknown one: usage on stderr, exit code 2", async () => {
  for (const args of [[], ["launch"]]) {
    const r = await lab(...args);
    assert.equal(r.code, 2);
    assert.match(r.err, /usage: deno task lab <command>/);
  }
  assert.match((await lab("launch")).err, /unknown command 'launch'/);
  const help = await lab("--help");
  assert.equal(help.code, 0);
  assert.match(help.out, /validate <file>/);
});

Deno.test("--help for each command", async () => {
  for (
    const [command, text] of [
      ["run", /--no-progress[\s\S]*--dashboard[\s\S]*--listen <host:port>/],
      ["validate", /file:line:col/],
      ["report", /report\.html/],
      ["serve", /--listen <transport>:<host>:<port>/],
    ] as const
  ) {
    const r = await lab(command, "--help");
    assert.equal(r.code, 0, command);
    assert.match(r.out, text);
  }
});

Deno.test("validate: a broken file exits non-zero with file:line:col", async () => {
  const folder = await tempFolder();
  try {
    const good = await folder.write(
      "good.yaml",
      noopScenarioYaml({
        load: "  executor: constant-users\n  users: 1\n  duration: 1s",
      }),
    );
    const broken = await folder.write(
      "broken.yaml",
      noopScenarioYaml({ load: "  executor: constant-users\n  users: 1\n  duration: 10" }),
    );
    assert.equal((await lab("validate", good)).code, 0);
    const r = await lab("validate", good, broken);
    assert.equal(r.code, 1);
    assert.match(r.out, /good\.yaml: ok/);
    assert.ok(r.err.includes(`${broken}:14:13: load.duration:`), r.err);
    assert.equal((await lab("validate")).code, 2);
  } finally {
    await folder.dispose();
  }
});

Deno.test("run: usage, missing and invalid files, refused workloads are exit code 2", async () => {
  const folder = await tempFolder();
  try {
    assert.equal((await lab("run")).code, 2);
    assert.equal((await lab("run", "a.yaml", "--bogus")).code, 2);
    const missing = await lab("run", `${folder.dir}/none.yaml`);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /no such file/);
    const planned = await folder.write(
      "planned.yaml",
      noopScenarioYaml({
        load: "  executor: constant-users\n  users: 1\n  duration: 1s",
        workloads: "  - kind: voicemail",
      }),
    );
    const r = await lab("run", planned, "--results", `${folder.dir}/results`);
    assert.equal(r.code, 2);
    assert.ok(
      r.err.includes(
        `${planned}:10:11: workloads[0].kind: workload 'voicemail' is not available yet`,
      ),
      r.err,
    );
  } finally {
    await folder.dispose();
  }
});

Deno.test("run: a short noop scenario passes and leaves its results folder", async () => {
  const folder = await tempFolder();
  try {
    const path = await folder.write(
      "short.yaml",
      noopScenarioYaml({
        load: "  executor: shared-iterations\n  users: 2\n  iterations: 20",
        thresholds: "  iterations_completed: count == 20",
      }),
    );
    const r = await lab("run", path, "--results", `${folder.dir}/results`, "--no-progress");
    assert.equal(r.code, 0, r.out + r.err);
    assert.match(r.out, /PASS {2}iterations_completed/);
    const [entry] = [...Deno.readDirSync(`${folder.dir}/results`)];
    const dir = `${folder.dir}/results/${entry.name}`;
    assert.ok(Deno.statSync(`${dir}/summary.json`).isFile);

    const report = await lab("report", dir);
    assert.equal(report.code, 0, report.err);
    assert.match(report.out, /report: .*report\.html/);
    assert.equal((await lab("report", `${folder.dir}/nothing`)).code, 1);
    assert.equal((await lab("report")).code, 2);
  } finally {
    await folder.dispose();
  }
});

Deno.test("serve: unknown agents and bad or missing addresses are usage errors", async () => {
  assert.equal((await lab("serve")).code, 2);
  const unknown = await lab("serve", "registrar", "--listen", "udp:127.0.0.1:5060");
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /unknown agent 'registrar'/);
  const missing = await lab("serve", "uas");
  assert.equal(missing.code, 2);
  assert.match(missing.err, /--listen .* is required/);
  const wrong = await lab("serve", "uas", "--listen", "sctp:127.0.0.1:5060");
  assert.equal(wrong.code, 2);
  assert.match(wrong.err, /bad address 'sctp:127\.0\.0\.1:5060'/);
  const port = await lab(
    "serve",
    "uac",
    "--listen",
    "udp:[::1]:99999",
    "--target",
    "udp:127.0.0.1:5060",
  );
  assert.equal(port.code, 2);
  assert.match(port.err, /bad address 'udp:\[::1\]:99999'/);
});

Deno.test("dashboardWanted: flags first, --listen asks for it, else interactive runs only", () => {
  const base = { flag: undefined, listen: false, terminal: false, ci: false };
  assert.equal(dashboardWanted(base), false); // piped output
  assert.equal(dashboardWanted({ ...base, terminal: true }), true);
  assert.equal(dashboardWanted({ ...base, terminal: true, ci: true }), false);
  assert.equal(dashboardWanted({ ...base, flag: true, ci: true }), true);
  assert.equal(dashboardWanted({ ...base, flag: false, terminal: true }), false);
  assert.equal(dashboardWanted({ ...base, listen: true, ci: true }), true);
  assert.throws(() => dashboardWanted({ ...base, flag: false, listen: true }), RangeError);
});

Deno.test("run: dashboard flag errors are usage errors", async () => {
  for (
    const args of [
      ["--dashboard", "--no-dashboard"],
      ["--no-dashboard", "--listen", "127.0.0.1:0"],
      ["--listen", "127.0.0.1:70000"],
    ]
  ) {
    const r = await lab("run", "any.yaml", ...args);
    assert.equal(r.code, 2, args.join(" "));
    assert.match(r.err, /usage: deno task lab run/);
  }
});

Deno.test("run --dashboard: prints the URL and token, binds 127.0.0.1, closes at the end", async () => {
  const folder = await tempFolder();
  try {
    const path = await folder.write(
      "dash.yaml",
      noopScenarioYaml({
        load: [
          "  executor: constant-arrival-rate",
          "  rate: 20",
          "  duration: 2s",
          "  preAllocatedUsers: 2",
          "  maxUsers: 5",
        ].join("\n"),
      }),
    );
    const out: string[] = [];
    const announced = Promise.withResolvers<string>();
    const io = {
      out: (text: string) => {
        out.push(text);
        const url = /^dashboard: (\S+)$/m.exec(text)?.[1];
        if (url !== undefined) announced.resolve(url);
      },
      err: (text: string) => out.push(text),
    };
    const run = main(["run", path, "--results", `${folder.dir}/results`, "--dashboard"], io);
    const openUrl = new URL(await announced.promise);
    assert.equal(openUrl.hostname, "127.0.0.1");
    const token = new URLSearchParams(openUrl.hash.slice(1)).get("token") ?? "";
    assert.match(out.join(""), new RegExp(`dashboard token: ${token} `));
    const base = `${openUrl.origin}/`;

    // Prometheus needs no token; the API does.
    const metrics = await fetch(`${base}metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /sipfleet_iterations_started_total/);
    const anonymous = await fetch(`${base}api/snapshot`);
    assert.equal(anonymous.status, 401);
    await anonymous.body?.cancel();
    const snapshot = await fetch(`${base}api/snapshot`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(snapshot.status, 200);
    assert.equal((await snapshot.json()).title, "noop-test");
    // A noop run has no user drill-down; a rate change reaches the run.
    const users = await fetch(`${base}api/users`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(users.status, 404);
    await users.body?.cancel();
    const rate = await fetch(`${base}api/control`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ action: "setRate", rate: 30 }),
    });
    assert.equal(rate.status, 200);
    assert.equal((await rate.json()).status.rate, 30);

    assert.equal(await run, 0, out.join(""));
    // Closed with the run.
    await assert.rejects(fetch(`${base}metrics`));
  } finally {
    await folder.dispose();
  }
});

Deno.test("run: no dashboard when the output is not a terminal and no flag asks", async () => {
  const folder = await tempFolder();
  try {
    const path = await folder.write(
      "quiet.yaml",
      noopScenarioYaml({ load: "  executor: shared-iterations\n  users: 1\n  iterations: 3" }),
    );
    const r = await lab("run", path, "--results", `${folder.dir}/results`, "--no-progress");
    assert.equal(r.code, 0, r.err);
    assert.doesNotMatch(r.out, /dashboard/);
  } finally {
    await folder.dispose();
  }
});
