import assert from "node:assert/strict";
import { computeHa1 } from "../auth/digest/mod.ts";
import { parseScenario } from "../scenario/mod.ts";
import { Population } from "./population.ts";
import { buildLabPopulation, populationCommand } from "./population_command.ts";

async function run(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await populationCommand(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

Deno.test("sipp-csv: SEQUENTIAL, then user;domain;[authentication ...] per user", async () => {
  const { code, out } = await run([
    "--domain",
    "lab.sipfleet.test",
    "--users",
    "3",
    "--format",
    "sipp-csv",
  ]);
  assert.equal(code, 0);
  assert.deepEqual(out, [
    "SEQUENTIAL",
    "user00001;lab.sipfleet.test;[authentication username=user00001 password=pw-1]",
    "user00002;lab.sipfleet.test;[authentication username=user00002 password=pw-2]",
    "user00003;lab.sipfleet.test;[authentication username=user00003 password=pw-3]",
  ]);
});

Deno.test("{secret} passwords follow the documented SHA-256 rule (scenarios/README.md vector)", async () => {
  const population = await buildLabPopulation({
    domain: "lab.test",
    users: 17,
    seed: 42,
    password: "pw-{secret}",
  });
  const accounts = [...population.accounts()];
  // scenarios/README.md / password.ts: seed 42, user 17 → pw-5cbc838105800b62.
  assert.deepEqual(accounts[16], { name: "user00017", password: "pw-5cbc838105800b62" });
  assert.match(population.rule, /user00001…user00017@lab\.test/);
  assert.match(population.rule, /seed 42/);
});

Deno.test("accounts equal the runner's population users for the same scenario values", async () => {
  const text = [
    "name: same",
    "seed: 9",
    "target: { kind: external, host: 127.0.0.1, domain: d.test }",
    'population: { count: 5, naming: "vu{index:3}", password: "x{index}-{secret}", firstIndex: 10 }',
    "workloads: [{ kind: noop }]",
    "load: { executor: shared-iterations, users: 1, iterations: 1 }",
  ].join("\n");
  const runner = await Population.build(parseScenario(text, "same.yaml"), { scenarioText: text });
  const lab = await buildLabPopulation({
    domain: "d.test",
    users: 5,
    seed: 9,
    naming: "vu{index:3}",
    password: "x{index}-{secret}",
    firstIndex: 10,
  });
  const accounts = [...lab.accounts()];
  for (let p = 0; p < 5; p++) {
    assert.deepEqual(accounts[p], { name: runner.user(p).name, password: runner.user(p).password });
  }
  assert.equal(accounts[0].name, "vu010");
});

Deno.test("kamailio: db_text subscriber table with ha1 and ha1b", async () => {
  const { code, out } = await run([
    "--domain",
    "lab.test",
    "--users",
    "2",
    "--format",
    "kamailio",
  ]);
  assert.equal(code, 0);
  assert.equal(
    out[0],
    "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)",
  );
  assert.equal(out.length, 3);
  const [id, user, domain, password, ha1, ha1b] = out[1].split(":");
  assert.deepEqual([id, user, domain, password], ["1", "user00001", "lab.test", "pw-1"]);
  assert.equal(ha1, computeHa1("MD5", "user00001", "lab.test", "pw-1"));
  assert.equal(ha1b, computeHa1("MD5", "user00001@lab.test", "lab.test", "pw-1"));
  // RFC 2617 §3.5 known answer for the H(A1) formula itself.
  assert.equal(
    computeHa1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life"),
    "939e7578ed9e3c518a452acee763bce9",
  );
});

Deno.test("kamailio: ':' and '\\' in values are escaped for db_text", async () => {
  const { code, out } = await run([
    "--domain",
    "lab.test",
    "--users",
    "1",
    "--password",
    "a:b\\c",
    "--format",
    "kamailio",
  ]);
  assert.equal(code, 0);
  assert.match(out[1], /^1:user00001:lab\.test:a\\:b\\\\c:[0-9a-f]{32}:[0-9a-f]{32}$/);
});

Deno.test("csv: user,password header and rows, quoted where needed", async () => {
  const { code, out } = await run([
    "--domain",
    "lab.test",
    "--users",
    "2",
    "--password",
    'p,"{index}',
    "--format",
    "csv",
  ]);
  assert.equal(code, 0);
  assert.deepEqual(out, ["user,password", 'user00001,"p,""1"', 'user00002,"p,""2"']);
});

Deno.test("usage errors exit 2 with a message and print nothing", async () => {
  for (
    const args of [
      ["--users", "2", "--format", "csv"],
      ["--domain", "d", "--users", "2"],
      ["--domain", "d", "--users", "2", "--format", "xml"],
      ["--domain", "d", "--users", "0", "--format", "csv"],
      ["--domain", "d", "--users", "1.5", "--format", "csv"],
      ["--domain", "d", "--users", "2", "--format", "sipp-csv", "--password", "a b"],
      ["--domain", "d", "--users", "2", "--format", "csv", "--bogus"],
    ]
  ) {
    const { code, out, err } = await run(args);
    assert.equal(code, 2, args.join(" "));
    assert.equal(out.length, 0, args.join(" "));
    assert.match(err[0], /^lab population: /);
  }
});
