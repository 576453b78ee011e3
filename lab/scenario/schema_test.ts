import assert from "node:assert/strict";
import { scenarioSchema, validateScenarioShape } from "./schema.ts";
import { LAB_AGENT_KINDS, WORKLOAD_STATUS } from "./types.ts";

type Schema = Record<string, unknown>;
const defs = scenarioSchema.$defs as Record<string, Schema>;

function resolve(schema: Schema): Schema {
  const ref = schema.$ref as string | undefined;
  return ref ? defs[ref.replace("#/$defs/", "")] : schema;
}

Deno.test("schema workload kinds and x-status marks agree with WORKLOAD_STATUS", () => {
  const branches = (defs.workload.oneOf as Schema[]).map(resolve);
  const marks = Object.fromEntries(branches.map((b) => [
    (b.properties as Record<string, Schema>).kind.const,
    b["x-status"],
  ]));
  assert.deepEqual(marks, WORKLOAD_STATUS);
});

Deno.test("schema lab agents agree with LAB_AGENT_KINDS", () => {
  const agents = (defs.labTarget.properties as Record<string, Schema>).agents;
  assert.deepEqual(Object.keys(agents.properties as Schema), LAB_AGENT_KINDS);
});

Deno.test("every workload accepts the common fields and refuses others", () => {
  for (const kind of Object.keys(WORKLOAD_STATUS)) {
    const scenario = (workload: Record<string, unknown>) => ({
      name: "x",
      target: { kind: "lab", agents: { uas: {} } },
      population: { count: 1 },
      workloads: [{ kind, ...workload }],
      load: { executor: "constant-users", users: 1, duration: "1s" },
    });
    assert.deepEqual(
      validateScenarioShape(scenario({ name: "w", weight: 2, thinkTime: "1s" })),
      [],
      kind,
    );
    const issues = validateScenarioShape(scenario({ colour: "blue" }));
    assert.deepEqual(issues.map((i) => [i.path.join("."), i.on]), [["workloads.0.colour", "key"]]);
  }
});

Deno.test("the schema lists the executors the types define", () => {
  const executors = (defs.load.oneOf as Schema[]).map((b) =>
    (resolve(b).properties as Record<string, Schema>).executor.const
  );
  assert.deepEqual(executors, [
    "constant-arrival-rate",
    "ramping-arrival-rate",
    "constant-users",
    "ramping-users",
    "per-user-iterations",
    "shared-iterations",
  ]);
});
