import assert from "node:assert/strict";
import { NonceIssuer } from "./nonce.ts";

const SECRET = new Uint8Array(32).fill(7);

function issuer(clock: { t: number }, overrides: { secret?: Uint8Array; realm?: string } = {}) {
  return new NonceIssuer({
    secret: overrides.secret ?? SECRET,
    realm: overrides.realm ?? "biloxi.com",
    lifetimeMs: 60_000,
    now: () => clock.t,
    random: (n) => new Uint8Array(n).fill(0xab),
  });
}

Deno.test("nonce: fresh within its lifetime, stale after, with the minting time read back", () => {
  const clock = { t: 1_700_000_000_000 };
  const nonces = issuer(clock);
  const nonce = nonces.issue();
  assert.match(nonce, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(nonces.check(nonce), { state: "fresh", issuedAt: 1_700_000_000_000 });
  clock.t += 60_000;
  assert.equal(nonces.check(nonce).state, "fresh");
  clock.t += 1;
  assert.deepEqual(nonces.check(nonce), { state: "stale", issuedAt: 1_700_000_000_000 });
});

Deno.test("nonce: deterministic for a fixed clock and random source; distinct otherwise", () => {
  const clock = { t: 1_700_000_000_000 };
  assert.equal(issuer(clock).issue(), issuer(clock).issue());
  const real = new NonceIssuer({ secret: SECRET, realm: "r", lifetimeMs: 1000 });
  assert.notEqual(real.issue(), real.issue());
});

Deno.test("nonce: forged, tampered, foreign and future nonces are invalid", () => {
  const clock = { t: 1_700_000_000_000 };
  const nonces = issuer(clock);
  const nonce = nonces.issue();
  const flip = (s: string, i: number) =>
    s.slice(0, i) + (s[i] === "A" ? "B" : "A") + s.slice(i + 1);
  for (const i of [0, 12, 25, 42]) {
    assert.equal(nonces.check(flip(nonce, i)).state, "invalid", `${i}`);
  }
  for (
    const junk of [
      "",
      "abc",
      nonce + "A",
      nonce.slice(1),
      "!!!",
      "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    ]
  ) {
    assert.equal(nonces.check(junk).state, "invalid", junk);
  }
  assert.equal(issuer(clock, { secret: new Uint8Array(32).fill(8) }).check(nonce).state, "invalid");
  assert.equal(issuer(clock, { realm: "atlanta.com" }).check(nonce).state, "invalid");
  const future = issuer({ t: clock.t + 10_000 }).issue();
  assert.equal(nonces.check(future).state, "invalid");
  const nearFuture = issuer({ t: clock.t + 1_000 }).issue();
  assert.equal(nonces.check(nearFuture).state, "fresh");
});

Deno.test("nonce: settings are checked", () => {
  assert.throws(
    () => new NonceIssuer({ secret: new Uint8Array(8), realm: "r", lifetimeMs: 1 }),
    RangeError,
  );
  assert.throws(() => new NonceIssuer({ secret: SECRET, realm: "r", lifetimeMs: 0 }), RangeError);
});
