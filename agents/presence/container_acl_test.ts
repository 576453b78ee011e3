import assert from "node:assert/strict";
import { aggregateAvailability } from "./aggregation.ts";
import { bareAddress, ContainerAcl, domainOf } from "./container_acl.ts";

const ORG = { enterpriseDomains: ["lab.test", "lab2.test"], publicCloudDomains: ["cloud.test"] };
const ALICE = "sip:alice@lab.test";

function acl(...changes: Array<[number, Parameters<ContainerAcl["apply"]>[0][0]["members"]]>) {
  const a = new ContainerAcl(ORG);
  for (const [id, members] of changes) {
    const version = a.entries().find((c) => c.id === id)!.version;
    assert.deepEqual(a.apply([{ id, version, members }], 100), { ok: true });
  }
  return a;
}

Deno.test("container ACL: defaults — company for the enterprise, external for federation", () => {
  const a = acl();
  assert.equal(a.resolve("sip:bob@lab.test", ALICE), 200);
  assert.equal(a.resolve("sip:bob@LAB2.test", ALICE), 200, "every enterprise domain");
  assert.equal(a.resolve("sip:eve@fabrikam.test", ALICE), 100);
  assert.equal(a.resolve("sip:zed@cloud.test", ALICE), undefined, "public cloud: not federated");
  assert.equal(a.resolve("sips:alice@LAB.test", ALICE), 400, "the publisher itself");
});

Deno.test("container ACL: the most specific member wins; equal ranks go to the higher id", () => {
  const a = acl(
    [300, [{ action: "add", type: "domain", value: "fabrikam.test" }]],
    [400, [{ action: "add", type: "user", value: "sip:eve@fabrikam.test" }]],
    [100, [{ action: "add", type: "everyone" }, { action: "add", type: "publicCloud" }]],
  );
  assert.equal(a.resolve("sip:eve@fabrikam.test", ALICE), 400, "user beats domain");
  assert.equal(a.resolve("sip:mallory@fabrikam.test", ALICE), 300, "domain beats federated");
  assert.equal(a.resolve("sip:zed@cloud.test", ALICE), 100);
  assert.equal(a.resolve("sip:bob@lab.test", ALICE), 200, "sameEnterprise beats everyone");
  const blocked = acl(
    [300, [{ action: "add", type: "domain", value: "fabrikam.test" }]],
    [32000, [{ action: "add", type: "domain", value: "fabrikam.test" }]],
  );
  assert.equal(blocked.resolve("sip:eve@fabrikam.test", ALICE), 32000, "a block wins a tie");
});

Deno.test("container ACL: unknown container, stale versions, member limit change nothing", () => {
  const a = acl();
  const before = a.entries();
  assert.deepEqual(a.apply([{ id: 5, version: 0, members: [] }], 100), {
    ok: false,
    reason: "unknown-container",
    id: 5,
  });
  assert.deepEqual(
    a.apply([{ id: 300, version: 0, members: [] }, { id: 400, version: 3, members: [] }], 100),
    { ok: false, reason: "version", stale: [{ index: 2, version: 3, current: 0 }] },
  );
  assert.deepEqual(
    a.apply([{
      id: 300,
      version: 0,
      members: [
        { action: "add", type: "user", value: "a@lab.test" },
        { action: "add", type: "user", value: "b@lab.test" },
      ],
    }], 1),
    { ok: false, reason: "member-limit", id: 300 },
  );
  assert.deepEqual(a.entries(), before);
  assert.equal(ContainerAcl.known(2), true);
  assert.equal(ContainerAcl.known(250), false);
  assert.equal(bareAddress("sip:Bob@LAB.test"), "Bob@lab.test");
  assert.equal(domainOf("bob@Lab.Test"), "lab.test");
});

Deno.test("aggregation: offline without machines, manual wins, calls raise only available", () => {
  const s = (type: string, availability: number) => ({ type, availability, manual: false });
  assert.equal(aggregateAvailability([]), 18500);
  assert.equal(aggregateAvailability([s("userState", 3500)]), 18500, "signed out");
  assert.equal(aggregateAvailability([s("machineState", 15500), s("machineState", 5000)]), 5000);
  assert.equal(aggregateAvailability([s("machineState", 3500), s("userState", 9500)]), 9500);
  assert.equal(aggregateAvailability([s("machineState", 3500), s("calendarState", 6500)]), 6500);
  assert.equal(
    aggregateAvailability([s("machineState", 3500), s("userState", 12500), s("phoneState", 6500)]),
    12500,
  );
});
