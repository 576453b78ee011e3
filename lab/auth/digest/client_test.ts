import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import { DigestClient } from "./client.ts";
import { parseDigestCredentials } from "./credentials.ts";
import { computeUserhash } from "./response.ts";

const FIXED_CNONCE_BYTES = (n: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = [0x0a, 0x4f, 0x11, 0x3b][i % 4];
  return out;
};

function challenge401(...values: string[]): SipResponse {
  const r = new SipResponse(401, "Unauthorized");
  for (const v of values) r.addHeader("WWW-Authenticate", v);
  return r;
}

function invite(): SipRequest {
  return new SipRequest("INVITE", "sip:bob@biloxi.com")
    .addHeader("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK74bf9")
    .addHeader("CSeq", "2 INVITE");
}

const BILOXI = 'Digest realm="biloxi.com", qop="auth,auth-int", ' +
  'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

Deno.test("client: answers a SIP challenge; nc counts per nonce; values cross-checked", () => {
  const client = new DigestClient({
    username: "bob",
    password: "zanzibar",
    random: FIXED_CNONCE_BYTES,
  });
  assert.deepEqual(client.handleChallenge(challenge401(BILOXI)), { kind: "retry", stale: false });
  const first = invite();
  client.authorize(first);
  assert.equal(
    first.header("Authorization"),
    'Digest username="bob", realm="biloxi.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", ' +
      'uri="sip:bob@biloxi.com", qop=auth, nc=00000001, cnonce="0a4f113b0a4f113b0a4f113b0a4f113b", ' +
      'response="f65b2a39f33e2d05b311f7e980d76c9a", algorithm=MD5, ' +
      'opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  );
  // Re-signing the same request replaces this client's value; nc moves on.
  client.authorize(first);
  assert.equal(first.headerValues("Authorization").length, 1);
  const again = parseDigestCredentials(first.header("Authorization")!);
  assert.equal(again.nc, 2);
  assert.equal(again.response, "97e3a5b180557d8d7d0da824a1a49b6e");
});

Deno.test("client: strongest algorithm, algorithm restrictions, fresh cnonce per request", () => {
  const sha = 'Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth"';
  const md5 = 'Digest realm="r", nonce="n", algorithm=MD5, qop="auth"';
  const strong = new DigestClient({ username: "u", password: "p" });
  strong.handleChallenge(challenge401(md5, sha));
  const a = invite();
  strong.authorize(a);
  const b = invite();
  strong.authorize(b);
  const ca = parseDigestCredentials(a.header("Authorization")!);
  const cb = parseDigestCredentials(b.header("Authorization")!);
  assert.equal(ca.algorithm, "SHA-256");
  assert.notEqual(ca.cnonce, cb.cnonce);
  assert.equal(cb.nc, 2);
  const md5Only = new DigestClient({ username: "u", password: "p", algorithms: ["MD5"] });
  md5Only.handleChallenge(challenge401(sha, md5));
  const c = invite();
  md5Only.authorize(c);
  assert.equal(parseDigestCredentials(c.header("Authorization")!).algorithm, "MD5");
});

Deno.test("client: stale=TRUE retries with the new nonce; a plain re-challenge gives up", () => {
  const client = new DigestClient({ username: "u", password: "p" });
  client.handleChallenge(challenge401('Digest realm="r", nonce="n1", qop="auth"'));
  for (let i = 0; i < 3; i++) client.authorize(invite());
  const stale = client.handleChallenge(
    challenge401('Digest realm="r", nonce="n2", qop="auth", stale=TRUE'),
  );
  assert.deepEqual(stale, { kind: "retry", stale: true });
  const r = invite();
  client.authorize(r);
  const c = parseDigestCredentials(r.header("Authorization")!);
  assert.equal(c.nonce, "n2");
  assert.equal(c.nc, 1, "a new nonce restarts the count");
  const refused = client.handleChallenge(challenge401('Digest realm="r", nonce="n3", qop="auth"'));
  assert.deepEqual(refused, { kind: "give-up", reason: "credentials-rejected" });
  assert.deepEqual(client.sessionKeys, []);
  // A challenge that arrives before anything was sent for it is not a refusal.
  client.handleChallenge(challenge401('Digest realm="r", nonce="n4", qop="auth"'));
  const fresh = client.handleChallenge(challenge401('Digest realm="r", nonce="n5", qop="auth"'));
  assert.equal(fresh.kind, "retry");
});

Deno.test("client: nothing usable — other schemes, unknown algorithms, -sess without qop", () => {
  const client = new DigestClient({ username: "u", password: "p" });
  const response = challenge401(
    'NTLM realm="SIP Communications Service", targetname="fe.contoso.com", version=4',
    'Digest realm="r", nonce="n", algorithm=AKAv1-MD5',
    'Digest realm="r", nonce="n", algorithm=MD5-sess',
  );
  assert.deepEqual(client.handleChallenge(response), {
    kind: "give-up",
    reason: "no-usable-challenge",
  });
  assert.deepEqual(client.handleChallenge(new SipResponse(401, "Unauthorized")), {
    kind: "give-up",
    reason: "no-usable-challenge",
  });
});

Deno.test("client: 407 proxy and 401 registrar sessions each sign with their own header", () => {
  const client = new DigestClient({ username: "u", password: "p" });
  const proxy = new SipResponse(407, "Proxy Authentication Required")
    .addHeader("Proxy-Authenticate", 'Digest realm="atlanta.com", nonce="p1", qop="auth"');
  client.handleChallenge(proxy);
  client.handleChallenge(challenge401('Digest realm="biloxi.com", nonce="w1", qop="auth"'));
  assert.deepEqual(client.sessionKeys, ["proxy:atlanta.com", "www:biloxi.com"]);
  const r = invite().addHeader(
    "Authorization",
    'Digest username="x", realm="elsewhere", nonce="k", ' +
      'uri="sip:x", response="00112233445566778899aabbccddeeff"',
  );
  client.authorize(r);
  client.authorize(r);
  assert.equal(r.headerValues("Proxy-Authorization").length, 1);
  assert.equal(parseDigestCredentials(r.header("Proxy-Authorization")!).realm, "atlanta.com");
  const www = r.headerValues("Authorization").map(parseDigestCredentials);
  assert.deepEqual(
    www.map((c) => c.realm).sort(),
    ["biloxi.com", "elsewhere"],
    "foreign value kept",
  );
  assert.equal(www.find((c) => c.realm === "biloxi.com")!.nc, 2);
});

Deno.test("client: RFC 2069 challenge (no qop), auth-int preference, userhash", () => {
  const legacy = new DigestClient({ username: "u", password: "p" });
  legacy.handleChallenge(challenge401('Digest realm="r", nonce="n"'));
  const a = invite();
  legacy.authorize(a);
  const ca = parseDigestCredentials(a.header("Authorization")!);
  assert.equal(ca.qop, undefined);
  assert.equal(ca.cnonce, undefined);
  assert.equal(ca.nc, undefined);

  const integrity = new DigestClient({ username: "u", password: "p", preferAuthInt: true });
  integrity.handleChallenge(challenge401('Digest realm="r", nonce="n", qop="auth,auth-int"'));
  const b = invite();
  integrity.authorize(b);
  assert.equal(parseDigestCredentials(b.header("Authorization")!).qop, "auth-int");
  const onlyInt = new DigestClient({ username: "u", password: "p" });
  onlyInt.handleChallenge(challenge401('Digest realm="r", nonce="n", qop="auth-int"'));
  const c = invite();
  onlyInt.authorize(c);
  assert.equal(parseDigestCredentials(c.header("Authorization")!).qop, "auth-int");

  const hashed = new DigestClient({ username: "bob", password: "p" });
  hashed.handleChallenge(
    challenge401('Digest realm="r", nonce="n", algorithm=SHA-256, qop="auth", userhash=true'),
  );
  const d = invite();
  hashed.authorize(d);
  const cd = parseDigestCredentials(d.header("Authorization")!);
  assert.equal(cd.userhash, true);
  assert.equal(cd.username, computeUserhash("SHA-256", "bob", "r"));
});
