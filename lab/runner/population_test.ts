import assert from "node:assert/strict";
import { parseScenario, ScenarioError } from "../scenario/mod.ts";
import { expandPassword, passwordSecret } from "./password.ts";
import { Population } from "./population.ts";
import { tempFolder } from "./test_support.ts";

function scenarioYaml(population: string, target?: string): string {
  return [
    "name: people",
    "seed: 42",
    ...(target ?? "target: { kind: external, host: 127.0.0.1, domain: example.test }").split("\n"),
    "population:",
    population,
    "workloads: [{ kind: noop }]",
    "load: { executor: constant-users, users: 1, duration: 1s }",
    "",
  ].join("\n");
}

const GENERATED = [
  "  count: 1000",
  '  naming: "caller{index:4}"',
  '  password: "pw-{index}-{secret}"',
  "  contacts: { distribution: uniform, min: 2, max: 6 }",
  "  endpoints: { distribution: poisson, mean: 1.4 }",
  "  profiles: { mix: { low: 6, medium: 3, high: 1 } }",
].join("\n");

function plain(user: ReturnType<Population["user"]>) {
  const { random, ...fields } = user;
  return { ...fields, firstDraw: random.nextUint32() };
}

Deno.test("{secret}: SHA-256 of seed:index, known answers from sha256sum", () => {
  // printf '%s' '42:17' | sha256sum | cut -c1-16
  assert.equal(passwordSecret(42, 17), "5cbc838105800b62");
  assert.equal(passwordSecret(1, 1), "d6b5915c46057bcb");
  assert.equal(expandPassword("pw-{index:3}-{secret}", 42, 17), "pw-017-5cbc838105800b62");
  assert.equal(expandPassword("pw-{index}", 42, 17), "pw-17");
});

Deno.test("password patterns accept only {index}, {index:N} and {secret}", () => {
  assert.throws(
    () => parseScenario(scenarioYaml('  count: 5\n  password: "pw-{seed}"'), "p.yaml"),
    /p\.yaml:6:13: population\.password: must be text whose only placeholders are \{index\}, \{index:N\} or \{secret\}/,
  );
});

Deno.test("generated users: names, addresses and passwords from the patterns", async () => {
  const scenario = parseScenario(scenarioYaml(GENERATED), "people.yaml");
  const population = await Population.build(scenario, { scenarioText: "" });
  const user = population.user(16);
  assert.equal(user.position, 16);
  assert.equal(user.index, 17);
  assert.equal(user.name, "caller0017");
  assert.equal(user.aor, "sip:caller0017@example.test");
  assert.equal(user.password, "pw-17-5cbc838105800b62");
  assert.equal(population.aorAt(16), user.aor);
  assert.ok(user.displayName.length > 3, user.displayName);
  assert.ok(user.contacts.length >= 2 && user.contacts.length <= 6);
  assert.ok(!user.contacts.includes(16) && new Set(user.contacts).size === user.contacts.length);
  assert.ok(user.contacts.every((c) => c >= 0 && c < 1000));
  assert.equal(population.user(16), user, "made once");
  assert.throws(() => population.user(1000), RangeError);
});

Deno.test("same seed, same users, in any order of use; another seed, other users", async () => {
  const scenario = parseScenario(scenarioYaml(GENERATED), "people.yaml");
  const first = await Population.build(scenario, { scenarioText: "" });
  const second = await Population.build(scenario, { scenarioText: "" });
  second.user(3);
  second.user(900);
  for (const position of [7, 3, 999, 0]) {
    assert.deepEqual(plain(first.user(position)), plain(second.user(position)));
  }
  const reseeded = parseScenario(
    scenarioYaml(`${GENERATED}\n  seed: 43`),
    "people.yaml",
  );
  const other = (await Population.build(reseeded, { scenarioText: "" })).user(7);
  const same = first.user(7);
  assert.equal(other.name, same.name);
  assert.notEqual(other.password, same.password);
  assert.notEqual(other.displayName, same.displayName);
});

Deno.test("profiles follow the mix closely over any run of users", async () => {
  const scenario = parseScenario(scenarioYaml(GENERATED), "people.yaml");
  const population = await Population.build(scenario, { scenarioText: "" });
  const counts = { low: 0, medium: 0, high: 0 };
  for (let p = 0; p < 1000; p++) counts[population.user(p).profile]++;
  assert.ok(Math.abs(counts.low - 600) <= 5, JSON.stringify(counts));
  assert.ok(Math.abs(counts.medium - 300) <= 5, JSON.stringify(counts));
  assert.ok(Math.abs(counts.high - 100) <= 5, JSON.stringify(counts));
  assert.equal(
    population.user(0).activity,
    { low: 0.5, medium: 1, high: 2 }[population.user(0).profile],
  );
});

Deno.test("CSV users: columns by header, located problems", async () => {
  const folder = await tempFolder();
  try {
    await folder.write(
      "users.csv",
      'user,displayName,password,profile\r\nalice,"Smith, Alice",a-pw,high\r\nbob,,b-pw,\r\n',
    );
    const path = await folder.write("people.yaml", scenarioYaml("  count: 2\n  csv: users.csv"));
    const text = await Deno.readTextFile(path);
    const population = await Population.build(parseScenario(text, path));
    const alice = population.user(0);
    assert.deepEqual([alice.name, alice.password, alice.displayName, alice.profile, alice.index], [
      "alice",
      "a-pw",
      "Smith, Alice",
      "high",
      1,
    ]);
    const bob = population.user(1);
    assert.equal(bob.profile, "medium"); // empty column: the mix (all medium by default)
    assert.ok(bob.displayName.length > 0);

    const tooMany = await folder.write("many.yaml", scenarioYaml("  count: 3\n  csv: users.csv"));
    await assert.rejects(
      async () => await Population.build(parseScenario(await Deno.readTextFile(tooMany), tooMany)),
      (error: Error) => {
        assert.ok(error instanceof ScenarioError);
        assert.match(error.message, /many\.yaml:5:10: population\.count: .*lists 2 users/);
        return true;
      },
    );
    await folder.write("bad.csv", "user,password,profile\ncarol,c,extreme\n");
    const bad = await folder.write("bad.yaml", scenarioYaml("  count: 1\n  csv: bad.csv"));
    await assert.rejects(
      async () => await Population.build(parseScenario(await Deno.readTextFile(bad), bad)),
      /bad\.csv:2:1: profile "extreme" is not low, medium or high/,
    );
  } finally {
    await folder.dispose();
  }
});

Deno.test("a credentials CSV gives the passwords and must cover the active users", async () => {
  const folder = await tempFolder();
  try {
    await folder.write("creds.csv", "user,password\nu1,secret-1\nu2,secret-2\n");
    const target = [
      "target:",
      "  kind: external",
      "  host: 127.0.0.1",
      "  domain: example.test",
      "  auth: { scheme: digest, credentials: { csv: creds.csv } }",
    ].join("\n");
    const path = await folder.write(
      "c.yaml",
      scenarioYaml('  count: 5\n  naming: "u{index}"', target),
    );
    const scenario = parseScenario(await Deno.readTextFile(path), path);
    const population = await Population.build(scenario, { activeUsers: 2 });
    assert.equal(population.user(1).password, "secret-2");
    await assert.rejects(
      () => Population.build(scenario, { activeUsers: 4 }),
      /c\.yaml:\d+:\d+: target\.auth\.credentials\.csv: .*creds\.csv has no password for u3, u4/,
    );
  } finally {
    await folder.dispose();
  }
});
