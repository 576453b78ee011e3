import assert from "node:assert/strict";
import {
  SecurityAssociationRegistry,
  type ServerSecurityAssociationRecord,
} from "./sa_registry.ts";
import type { ServerSecurityMechanism } from "./security_mechanism.ts";

let time = 0;
const now = () => time;

/** A mechanism that is never called: the registry only stores it. */
function inertMechanism(opaque: string): ServerSecurityMechanism {
  const unused = () => {
    throw new Error("not used by the registry");
  };
  return { scheme: "NTLM", opaque, accept: unused, verify: unused, sign: unused };
}

function record(opaque: string): ServerSecurityAssociationRecord {
  return {
    opaque,
    scheme: "NTLM",
    family: "www",
    mechanism: inertMechanism(opaque),
    createdAt: time,
    lastUsedAt: time,
    state: "pending",
  };
}

const user = { userName: "alice", domainName: "CONTOSO" };

Deno.test("pending contexts expire after the timeout and are bounded (oldest first)", () => {
  time = 0;
  const registry = new SecurityAssociationRegistry({
    now,
    pendingTimeoutMs: 60_000,
    maxPending: 2,
  });
  registry.addPending(record("A"));
  time = 10_000;
  registry.addPending(record("B"));
  registry.addPending(record("C")); // evicts A
  assert.deepEqual(registry.lookup("A"), { status: "unknown" });
  assert.equal(registry.lookup("B").status, "pending");
  time = 60_000; // B (created at 10 s) still alive, C too
  assert.equal(registry.pendingCount, 2);
  time = 70_000;
  assert.deepEqual(registry.lookup("B"), { status: "expired" });
  assert.equal(registry.pendingCount, 0);
});

Deno.test("established SAs: by opaque and by endpoint, replaced on re-registration", () => {
  time = 0;
  const registry = new SecurityAssociationRegistry({ now });
  const first = record("A");
  registry.addPending(first);
  registry.establish(first, { aor: "sip:alice@contoso.com", epid: "e1" }, user);
  assert.equal(registry.pendingCount, 0);
  assert.equal(registry.forEndpoint("sip:alice@contoso.com", "e1")?.opaque, "A");
  assert.equal(registry.forEndpoint("sip:alice@contoso.com", "e2"), undefined);
  const second = record("B");
  registry.establish(second, { aor: "sip:alice@contoso.com", epid: "e1" }, user);
  assert.equal(registry.establishedCount, 1);
  assert.deepEqual(registry.lookup("A"), { status: "unknown" });
  assert.equal(registry.forEndpoint("sip:alice@contoso.com", "e1")?.opaque, "B");
  registry.remove("B");
  assert.equal(registry.forEndpoint("sip:alice@contoso.com", "e1"), undefined);
  assert.equal(registry.has("B"), false);
});

Deno.test("lifetime expiry on lookup and by sweep; LRU eviction beyond the bound", () => {
  time = 0;
  const registry = new SecurityAssociationRegistry({
    now,
    lifetimeMs: 1000,
    maxEstablished: 2,
    pendingTimeoutMs: 500,
  });
  for (const [opaque, epid] of [["A", "a"], ["B", "b"]]) {
    registry.establish(record(opaque), { aor: "sip:u@x", epid }, user);
  }
  assert.equal(registry.lookup("A").status, "established"); // A used: B is least recent
  registry.establish(record("C"), { aor: "sip:u@x", epid: "c" }, user);
  assert.deepEqual(registry.lookup("B"), { status: "unknown" });
  assert.equal(registry.forEndpoint("sip:u@x", "b"), undefined);

  time = 600;
  registry.addPending(record("P"));
  registry.establish(record("D"), { aor: "sip:u@x", epid: "d" }, user); // A is least recent
  assert.deepEqual(registry.lookup("A"), { status: "unknown" });
  time = 1000;
  assert.deepEqual(registry.lookup("C"), { status: "expired" }); // established at 0
  time = 1200; // P (600) pending past 500 ms
  assert.deepEqual(registry.sweep(), { pending: 1, established: 0 });
  time = 1600; // D established at 600
  assert.deepEqual(registry.sweep(), { pending: 0, established: 1 });
  assert.equal(registry.establishedCount, 0);
});
