import assert from "node:assert/strict";
import { parse, stringify } from "yaml";
import { parseScenario } from "./load.ts";
import { TEMPLATE_KEYWORDS } from "./flow_template.ts";
import { WORKLOAD_STATUS } from "./types.ts";
import { validateCommand } from "./validate_command.ts";

const README = await Deno.readTextFile(new URL("../../scenarios/README.md", import.meta.url));

/** The YAML code blocks of the README. */
const blocks = [...README.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

const BASE = {
  name: "readme",
  target: { kind: "lab", agents: { uas: {} } },
  population: { count: 10_000 },
  workloads: [{ kind: "call" }],
  load: { executor: "constant-users", users: 1, duration: "1s" },
};
const TOP_LEVEL = ["target", "population", "workloads", "flow", "load", "thresholds"];

Deno.test("every scenario-shaped YAML example in the README is valid", () => {
  let checked = 0;
  for (const block of blocks) {
    const key = /^([a-z]+):/.exec(block)?.[1];
    if (key === "name") {
      parseScenario(block, "README.md");
    } else if (key !== undefined && TOP_LEVEL.includes(key)) {
      const fragment = parse(block) as Record<string, unknown>;
      const scenario: Record<string, unknown> = { ...BASE, ...fragment };
      if (key === "target" && (fragment.target as { kind: string }).kind === "external") {
        scenario.workloads = [{ kind: "call", callee: "population" }];
      }
      parseScenario(stringify(scenario), `README.md (${key} example)`);
    } else continue;
    checked++;
  }
  assert.ok(checked >= 9, `only ${checked} examples checked`);
});

Deno.test("README documents every template keyword and every workload kind", () => {
  for (const keyword of Object.keys(TEMPLATE_KEYWORDS)) {
    assert.ok(README.includes(`\`[${keyword}]\``), `README lacks [${keyword}]`);
  }
  for (const kind of Object.keys(WORKLOAD_STATUS)) {
    assert.ok(README.includes(`\`${kind}\``), `README lacks workload ${kind}`);
  }
});

Deno.test("the error report shown in the README is what the loader prints", async () => {
  const errors = README.slice(README.indexOf("## Errors"));
  const [numbered, report] = [...errors.matchAll(/```text\n([\s\S]*?)```/g)].map((m) => m[1]);
  const head = [
    "name: x",
    "target:",
    "  kind: lab",
    "  agents:",
    "    uas: { count: 1 }",
    "population:",
    "  count: 100",
    "workloads:",
    "  - kind: call",
    "    holdTime: 1s",
  ];
  const tail = numbered.trimEnd().split("\n").map((line) => line.replace(/^\d+ /, ""));
  const lines: string[] = [];
  const output = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/scenarios`);
    await Deno.writeTextFile(`${dir}/scenarios/x.yaml`, [...head, ...tail].join("\n") + "\n");
    assert.equal(await validateCommand([`${dir}/scenarios/x.yaml`], output), 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  assert.equal(lines.join("\n").replaceAll(`${dir}/`, "") + "\n", report);
});
