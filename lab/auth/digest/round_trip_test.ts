import assert from "node:assert/strict";
import { SipRequest, SipResponse } from "../../sip/message/mod.ts";
import type { DigestAlgorithm } from "./algorithms.ts";
import { DigestClient } from "./client.ts";
import { type DigestVerdict, statusFor } from "./verdict.ts";
import { DigestVerifier, type DigestVerifierOptions } from "./verifier.ts";

const REALM = "sipfleet.test";
const passwordOf = (user: string) => `pw-${user}`;

function server(clock: { t: number }, extra: Partial<DigestVerifierOptions> = {}): DigestVerifier {
  return new DigestVerifier({
    realm: REALM,
    secret: new Uint8Array(32).fill(3),
    algorithms: ["SHA-256", "MD5"],
    lookup: (user) => /^user\d{5}$/.test(user) ? { password: passwordOf(user) } : undefined,
    now: () => clock.t,
    ...extra,
  });
}

let cseq = 1;
function register(user: string, method = "REGISTER"): SipRequest {
  return new SipRequest(method, `sip:${REALM}`)
    .addHeader("Via", `SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK${cseq}`)
    .addHeader("From", `<sip:${user}@${REALM}>;tag=t${user}`)
    .addHeader("To", `<sip:${user}@${REALM}>`)
    .addHeader("Call-ID", `reg-${user}`)
    .addHeader("CSeq", `${cseq++} ${method}`);
}

/** The server side of one request: the verdict and, when it calls for one, the response. */
function answer(
  verifier: DigestVerifier,
  request: SipRequest,
): { verdict: DigestVerdict; response?: SipResponse } {
  const verdict = verifier.verify(request);
  if (verdict.ok) return { verdict };
  const status = statusFor(verdict.answer, verifier.role);
  const response = new SipResponse(status, "Refused");
  if (verdict.answer === "challenge" || verdict.answer === "challenge-stale") {
    verifier.addChallenges(response, verdict.answer === "challenge-stale");
  }
  return { verdict, response };
}

/** REGISTER, take the challenge, REGISTER again with credentials: returns the final verdict. */
function registerWithChallenge(
  verifier: DigestVerifier,
  client: DigestClient,
  user: string,
): DigestVerdict {
  const first = answer(verifier, register(user));
  assert.ok(!first.verdict.ok && first.verdict.failure === "missing-credentials");
  assert.equal(client.handleChallenge(first.response!).kind, "retry");
  const second = register(user);
  client.authorize(second);
  return answer(verifier, second).verdict;
}

Deno.test("round trip: 1,000 users register through a challenge (the SIPp [authentication] shape)", () => {
  const verifier = server({ t: 1_700_000_000_000 }, { algorithms: ["MD5"] });
  for (let i = 1; i <= 1000; i++) {
    const user = `user${String(i).padStart(5, "0")}`;
    const client = new DigestClient({
      username: user,
      password: passwordOf(user),
      algorithms: ["MD5"],
    });
    const verdict = registerWithChallenge(verifier, client, user);
    assert.ok(verdict.ok && verdict.username === user, user);
  }
});

Deno.test("round trip: every algorithm, with qop auth and auth-int over a body", () => {
  const algorithms: DigestAlgorithm[] = [
    "SHA-512-256",
    "SHA-512-256-sess",
    "SHA-256",
    "SHA-256-sess",
    "MD5",
    "MD5-sess",
  ];
  for (const algorithm of algorithms) {
    for (const qop of ["auth", "auth-int"] as const) {
      const verifier = server({ t: 0 }, { algorithms: [algorithm], qop: [qop] });
      const client = new DigestClient({ username: "user00001", password: passwordOf("user00001") });
      const first = answer(verifier, register("user00001", "MESSAGE"));
      client.handleChallenge(first.response!);
      const message = register("user00001", "MESSAGE");
      message.body = new TextEncoder().encode("hello");
      client.authorize(message);
      const verdict = verifier.verify(message);
      assert.ok(verdict.ok, `${algorithm} ${qop}`);
      assert.equal(verdict.algorithm, algorithm);
      assert.equal(verdict.qop, qop);
    }
  }
});

Deno.test("round trip: pre-emptive refreshes count up; a stale nonce is renewed without giving up", () => {
  const clock = { t: 1_700_000_000_000 };
  const verifier = server(clock);
  const client = new DigestClient({ username: "user00002", password: passwordOf("user00002") });
  assert.ok(registerWithChallenge(verifier, client, "user00002").ok);
  for (let nc = 2; nc <= 4; nc++) {
    const refresh = register("user00002");
    client.authorize(refresh);
    const v = verifier.verify(refresh);
    assert.ok(v.ok && v.nc === nc && v.algorithm === "SHA-256");
  }
  clock.t += 300_001;
  const late = register("user00002");
  client.authorize(late);
  const stale = answer(verifier, late);
  assert.ok(!stale.verdict.ok && stale.verdict.failure === "stale-nonce");
  assert.equal(stale.response!.status, 401);
  assert.deepEqual(client.handleChallenge(stale.response!), { kind: "retry", stale: true });
  const retry = register("user00002");
  client.authorize(retry);
  assert.ok(verifier.verify(retry).ok);
});

Deno.test("round trip: a server restarted with a new secret gets the client back via stale", () => {
  const clock = { t: 0 };
  const client = new DigestClient({ username: "user00003", password: passwordOf("user00003") });
  assert.ok(registerWithChallenge(server(clock), client, "user00003").ok);
  const restarted = server(clock, { secret: new Uint8Array(32).fill(4) });
  const refresh = register("user00003");
  client.authorize(refresh);
  const r = answer(restarted, refresh);
  assert.ok(
    !r.verdict.ok && r.verdict.failure === "invalid-nonce" &&
      r.verdict.answer === "challenge-stale",
  );
  assert.equal(client.handleChallenge(r.response!).kind, "retry");
  const retry = register("user00003");
  client.authorize(retry);
  assert.ok(restarted.verify(retry).ok);
});

Deno.test("round trip: wrong password and unknown user end in 403; a re-challenge makes the client give up", () => {
  const verifier = server({ t: 0 });
  const wrong = new DigestClient({ username: "user00004", password: "not-it" });
  const w = registerWithChallenge(verifier, wrong, "user00004");
  assert.ok(!w.ok && w.failure === "wrong-password" && statusFor(w.answer, "uas") === 403);
  const ghost = new DigestClient({ username: "ghost", password: "x" });
  const g = registerWithChallenge(verifier, ghost, "ghost");
  assert.ok(!g.ok && g.failure === "unknown-user" && statusFor(g.answer, "uas") === 403);
  // A server that re-challenges instead (RFC 3261 §22.2 permits it): the client stops.
  const rechallenge = new SipResponse(401, "Unauthorized");
  verifier.addChallenges(rechallenge);
  assert.deepEqual(wrong.handleChallenge(rechallenge), {
    kind: "give-up",
    reason: "credentials-rejected",
  });
});

Deno.test("round trip: proxy authentication with 407 / Proxy-Authorization", () => {
  const verifier = server({ t: 0 }, { role: "proxy" });
  const client = new DigestClient({ username: "user00005", password: passwordOf("user00005") });
  const first = answer(verifier, register("user00005", "INVITE"));
  assert.equal(first.response!.status, 407);
  assert.equal(first.response!.headerValues("Proxy-Authenticate").length, 2);
  client.handleChallenge(first.response!);
  const invite = register("user00005", "INVITE");
  client.authorize(invite);
  assert.equal(invite.hasHeader("Authorization"), false);
  assert.ok(verifier.verify(invite).ok);
});
