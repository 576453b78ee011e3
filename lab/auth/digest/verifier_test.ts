import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import type { DigestAlgorithm } from "./algorithms.ts";
import { parseDigestChallenge } from "./challenge.ts";
import { type DigestCredentials, formatDigestCredentials } from "./credentials.ts";
import { computeHa1, computeRequestDigest, computeUserhash } from "./response.ts";
import { statusFor } from "./verdict.ts";
import { DigestVerifier, type DigestVerifierOptions } from "./verifier.ts";

const REALM = "biloxi.com";
const USERS = new Map([["bob", "zanzibar"], ["alice", "wonderland"]]);
const START = 1_700_000_000_000;

function setup(overrides: Partial<DigestVerifierOptions> = {}) {
  const clock = { t: START };
  let counter = 0;
  const verifier = new DigestVerifier({
    realm: REALM,
    secret: new Uint8Array(32).fill(1),
    algorithms: ["SHA-256", "MD5"],
    lookup: (user, realm) => {
      assert.equal(realm, REALM);
      const password = USERS.get(user);
      return password === undefined ? undefined : { password };
    },
    now: () => clock.t,
    random: (n) => new Uint8Array(n).fill(++counter),
    ...overrides,
  });
  return { verifier, clock };
}

function register(uri = "sip:biloxi.com"): SipRequest {
  return new SipRequest("REGISTER", uri)
    .addHeader("Via", "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKnashds7")
    .addHeader("To", "<sip:bob@biloxi.com>")
    .addHeader("From", "<sip:bob@biloxi.com>;tag=456248")
    .addHeader("Call-ID", "843817637684230@998sdasdh09")
    .addHeader("CSeq", "1826 REGISTER");
}

interface SignOptions {
  username?: string;
  password?: string;
  algorithm?: DigestAlgorithm;
  nc?: number;
  qop?: "auth" | "auth-int" | null;
  uri?: string;
  header?: string;
  edit?: (c: DigestCredentials) => void;
}

/** Adds credentials computed independently of DigestClient, answering `challengeText`. */
function sign(request: SipRequest, challengeText: string, o: SignOptions = {}): SipRequest {
  const ch = parseDigestChallenge(challengeText);
  const algorithm = o.algorithm ?? ch.algorithm;
  const username = o.username ?? "bob";
  const qop = o.qop === null ? undefined : o.qop ?? "auth";
  const nc = o.nc ?? 1;
  const uri = o.uri ?? request.uri;
  const c: DigestCredentials = {
    username,
    realm: ch.realm,
    nonce: ch.nonce,
    uri,
    algorithm,
    userhash: false,
    response: computeRequestDigest({
      algorithm,
      ha1: computeHa1(algorithm, username, ch.realm, o.password ?? USERS.get(username) ?? "x"),
      nonce: ch.nonce,
      method: request.method,
      uri,
      qop,
      cnonce: qop === undefined ? undefined : "0a4f113b",
      nc: qop === undefined ? undefined : nc,
      body: request.body,
    }),
  };
  if (qop !== undefined) Object.assign(c, { qop, nc, cnonce: "0a4f113b" });
  if (ch.opaque !== undefined) c.opaque = ch.opaque;
  o.edit?.(c);
  return request.addHeader(o.header ?? "Authorization", formatDigestCredentials(c));
}

Deno.test("verifier: challenges — one per algorithm, shared fresh nonce, qop, stale flag", () => {
  const { verifier } = setup({ opaque: "5ccc069c" });
  const [sha, md5] = verifier.challenges().map(parseDigestChallenge);
  assert.equal(sha.algorithm, "SHA-256");
  assert.equal(md5.algorithm, "MD5");
  assert.equal(sha.nonce, md5.nonce);
  assert.deepEqual(sha.qop, ["auth"]);
  assert.equal(sha.opaque, "5ccc069c");
  assert.equal(sha.stale, false);
  const again = parseDigestChallenge(verifier.challenges(true)[0]);
  assert.notEqual(again.nonce, sha.nonce);
  assert.equal(again.stale, true);
  const response = new SipResponse(401, "Unauthorized");
  verifier.addChallenges(response);
  assert.equal(response.headerValues("WWW-Authenticate").length, 2);
  assert.equal(verifier.credentialsHeader, "Authorization");
  const proxy = setup({ role: "proxy" }).verifier;
  assert.equal(proxy.challengeHeader, "Proxy-Authenticate");
  assert.equal(proxy.credentialsHeader, "Proxy-Authorization");
});

Deno.test("verifier: correct credentials are accepted for each offered algorithm", () => {
  const { verifier } = setup({ algorithms: ["SHA-512-256", "SHA-256-sess", "MD5", "MD5-sess"] });
  // The challenges share one nonce, so the nonce-count goes up from one answer to the next.
  for (const [i, text] of verifier.challenges().entries()) {
    const verdict = verifier.verify(sign(register(), text, { nc: i + 1 }));
    const algorithm = parseDigestChallenge(text).algorithm;
    assert.deepEqual(verdict, {
      ok: true,
      username: "bob",
      realm: REALM,
      algorithm,
      qop: "auth",
      nc: i + 1,
    });
  }
});

Deno.test("verifier: stored H(A1) instead of the password", () => {
  const ha1 = computeHa1("MD5", "bob", REALM, "zanzibar");
  const { verifier } = setup({
    lookup: (u) => u === "bob" ? { ha1: { "MD5": ha1.toUpperCase() } } : undefined,
  });
  const [sha, md5] = verifier.challenges();
  assert.equal(verifier.verify(sign(register(), md5)).ok, true);
  const noSha = verifier.verify(sign(register(), sha));
  assert.equal(!noSha.ok && noSha.failure, "unsupported-algorithm");
});

Deno.test("verifier: every rejection is typed with its answer and status", () => {
  const { verifier } = setup({ opaque: "op" });
  const md5 = verifier.challenges()[1];
  const cases: [string, SipRequest, string, string][] = [
    ["no credentials", register(), "missing-credentials", "challenge"],
    [
      "other scheme only",
      register().addHeader("Authorization", 'NTLM qop="auth", realm="SIP Communications Service"'),
      "missing-credentials",
      "challenge",
    ],
    [
      "other realm",
      sign(register(), md5.replace('realm="biloxi.com"', 'realm="atlanta.com"')),
      "realm-mismatch",
      "challenge",
    ],
    [
      "malformed",
      register().addHeader("Authorization", 'Digest username="bob", realm="biloxi.com", nonce="x"'),
      "malformed-credentials",
      "bad-request",
    ],
    [
      "unterminated quote",
      register().addHeader("Authorization", 'Digest username="bob, realm="biloxi.com"'),
      "malformed-credentials",
      "bad-request",
    ],
    [
      "algorithm not offered",
      sign(register(), md5, { algorithm: "SHA-512-256" }),
      "unsupported-algorithm",
      "challenge",
    ],
    [
      "algorithm unknown",
      register().addHeader(
        "Authorization",
        'Digest username="bob", realm="biloxi.com", nonce="n", uri="sip:biloxi.com", ' +
          'response="00", algorithm=AKAv1-MD5',
      ),
      "unsupported-algorithm",
      "challenge",
    ],
    [
      "no qop although offered",
      sign(register(), md5, { qop: null }),
      "qop-not-offered",
      "bad-request",
    ],
    [
      "auth-int not offered",
      sign(register(), md5, { qop: "auth-int" }),
      "qop-not-offered",
      "bad-request",
    ],
    [
      "opaque not echoed",
      sign(register(), md5, { edit: (c) => delete c.opaque }),
      "opaque-mismatch",
      "challenge",
    ],
    [
      "forged nonce, wrong response",
      sign(register(), md5.replace(/nonce="[^"]+"/, 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"'), {
        edit: (c) => c.response = "0".repeat(32),
      }),
      "invalid-nonce",
      "challenge",
    ],
    [
      "digest-uri of another user",
      sign(register("sip:bob@biloxi.com"), md5, { uri: "sip:alice@biloxi.com" }),
      "uri-mismatch",
      "bad-request",
    ],
    [
      "unknown user",
      sign(register(), md5, { username: "mallory", password: "p" }),
      "unknown-user",
      "forbidden",
    ],
    ["wrong password", sign(register(), md5, { password: "guess" }), "wrong-password", "forbidden"],
  ];
  for (const [name, request, failure, answer] of cases) {
    const verdict = verifier.verify(request);
    assert.equal(verdict.ok, false, name);
    if (verdict.ok) continue;
    assert.equal(verdict.failure, failure, name);
    assert.equal(verdict.answer, answer, name);
  }
  const wrong = verifier.verify(sign(register(), md5, { password: "guess" }));
  assert.ok(!wrong.ok && wrong.username === "bob");
  assert.equal(statusFor("forbidden", "uas"), 403);
  assert.equal(statusFor("challenge", "uas"), 401);
  assert.equal(statusFor("challenge-stale", "proxy"), 407);
  assert.equal(statusFor("bad-request", "proxy"), 400);
});

Deno.test("verifier: an expired nonce is stale only for a correct response (RFC 7616 §3.3)", () => {
  const { verifier, clock } = setup();
  const md5 = verifier.challenges()[1];
  clock.t += 300_001;
  const stale = verifier.verify(sign(register(), md5));
  assert.ok(!stale.ok);
  assert.equal(stale.failure, "stale-nonce");
  assert.equal(stale.answer, "challenge-stale");
  const wrong = verifier.verify(sign(register(), md5, { password: "guess" }));
  assert.ok(!wrong.ok && wrong.failure === "wrong-password" && wrong.answer === "forbidden");
});

Deno.test("verifier: a nonce from another secret with a correct response is answered stale", () => {
  const old = setup({ secret: new Uint8Array(32).fill(9) }).verifier.challenges()[1];
  const { verifier } = setup();
  const verdict = verifier.verify(sign(register(), old));
  assert.ok(!verdict.ok);
  assert.equal(verdict.failure, "invalid-nonce");
  assert.equal(verdict.answer, "challenge-stale");
});

Deno.test("verifier: nonce-count replay protection per nonce", () => {
  const { verifier } = setup();
  const md5 = verifier.challenges()[1];
  assert.equal(verifier.verify(sign(register(), md5, { nc: 1 })).ok, true);
  const replay = verifier.verify(sign(register(), md5, { nc: 1 }));
  assert.ok(
    !replay.ok && replay.failure === "replayed-nonce-count" && replay.answer === "challenge-stale",
  );
  assert.equal(verifier.verify(sign(register(), md5, { nc: 2 })).ok, true);
  assert.equal(verifier.verify(sign(register(), md5, { nc: 7 })).ok, true);
  const back = verifier.verify(sign(register(), md5, { nc: 5 }));
  assert.ok(!back.ok && back.failure === "replayed-nonce-count");
  // Another nonce counts on its own.
  assert.equal(verifier.verify(sign(register(), verifier.challenges()[1], { nc: 1 })).ok, true);
});

Deno.test("verifier: digest-uri policies (RFC 3261 §22.4 item 6)", () => {
  const request = () => register("sip:bob@biloxi.com;transport=tcp");
  const relaxed = setup().verifier;
  const c1 = relaxed.challenges()[1];
  assert.equal(relaxed.verify(sign(request(), c1, { uri: "sip:bob@biloxi.com" })).ok, true);
  const exact = setup({ uriPolicy: "exact" }).verifier;
  const c2 = exact.challenges()[1];
  const verdict = exact.verify(sign(request(), c2, { uri: "sip:bob@biloxi.com" }));
  assert.ok(!verdict.ok && verdict.failure === "uri-mismatch");
  const any = setup({ uriPolicy: "any" }).verifier;
  assert.equal(any.verify(sign(request(), any.challenges()[1], { uri: "sip:x@y" })).ok, true);
});

Deno.test("verifier: auth-int covers the body; RFC 2069 mode when no qop is offered", () => {
  const { verifier } = setup({ qop: ["auth-int", "auth"] });
  const md5 = verifier.challenges()[1];
  const invite = () => {
    const r = new SipRequest("INVITE", "sip:alice@biloxi.com");
    r.body = new TextEncoder().encode("v=0\r\n");
    return r;
  };
  const signed = sign(invite(), md5, { qop: "auth-int" });
  assert.equal(verifier.verify(signed).ok, true);
  const tampered = sign(invite(), md5, { qop: "auth-int", nc: 2 });
  tampered.body = new TextEncoder().encode("v=1\r\n");
  const verdict = verifier.verify(tampered);
  assert.ok(!verdict.ok && verdict.failure === "wrong-password");

  const legacy = setup({ qop: [] }).verifier;
  const plain = legacy.challenges()[1];
  assert.deepEqual(parseDigestChallenge(plain).qop, []);
  assert.equal(legacy.verify(sign(register(), plain, { qop: null })).ok, true);
  const withQop = legacy.verify(sign(register(), plain, { qop: "auth" }));
  assert.ok(!withQop.ok && withQop.failure === "qop-not-offered");
});

Deno.test("verifier: userhash (RFC 7616 §3.4.4) resolved through the resolver", () => {
  const hashes = new Map([...USERS.keys()].map((u) => [computeUserhash("SHA-256", u, REALM), u]));
  const { verifier } = setup({
    algorithms: ["SHA-256"],
    resolveUserhash: (h, hash) => hash === "SHA-256" ? hashes.get(h) : undefined,
  });
  const [text] = verifier.challenges();
  assert.equal(parseDigestChallenge(text).userhash, true);
  const hashed = sign(register(), text, {
    edit: (c) => {
      c.username = computeUserhash("SHA-256", "bob", REALM);
      c.userhash = true;
    },
  });
  const verdict = verifier.verify(hashed);
  assert.ok(verdict.ok && verdict.username === "bob");
  const unknown = sign(register(), text, {
    edit: (c) => {
      c.username = "0".repeat(64);
      c.userhash = true;
    },
  });
  const refused = verifier.verify(unknown);
  assert.ok(!refused.ok && refused.failure === "unknown-user");
});

Deno.test("verifier: proxy role reads Proxy-Authorization and picks its realm among several", () => {
  const { verifier } = setup({ role: "proxy" });
  const md5 = verifier.challenges()[1];
  const request = register();
  request.addHeader(
    "Proxy-Authorization",
    'Digest username="bob", realm="atlanta.com", ' +
      'nonce="x", uri="sip:biloxi.com", response="00112233445566778899aabbccddeeff"',
  );
  sign(request, md5, { header: "Proxy-Authorization" });
  assert.equal(verifier.verify(request).ok, true);
  const wwwOnly = sign(register(), md5);
  const verdict = verifier.verify(wwwOnly);
  assert.ok(!verdict.ok && verdict.failure === "missing-credentials");
  assert.throws(() => setup({ algorithms: [] }), RangeError);
});
