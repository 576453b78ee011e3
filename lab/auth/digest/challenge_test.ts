import assert from "node:assert/strict";
import {
  formatDigestChallenge,
  isUsableChallenge,
  parseDigestChallenge,
  readDigestChallenges,
  selectDigestChallenges,
} from "./challenge.ts";
import { DIGEST_ALGORITHMS } from "./algorithms.ts";
import { DigestSyntaxError } from "./errors.ts";

const isCode = (code: string) => (e: unknown) => e instanceof DigestSyntaxError && e.code === code;

// RFC 7616 §3.9.1: the two challenges of the example (header lines unfolded).
const RFC7616_SHA256 = 'Digest realm="http-auth@example.org", qop="auth, auth-int", ' +
  'algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", ' +
  'opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const RFC7616_MD5 = RFC7616_SHA256.replace("algorithm=SHA-256", "algorithm=MD5");

Deno.test("challenge: RFC 7616 §3.9.1 example", () => {
  const c = parseDigestChallenge(RFC7616_SHA256);
  assert.deepEqual(c, {
    realm: "http-auth@example.org",
    nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
    opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    stale: false,
    algorithm: "SHA-256",
    qop: ["auth", "auth-int"],
    userhash: false,
  });
  assert.equal(parseDigestChallenge(RFC7616_MD5).algorithm, "MD5");
});

Deno.test("challenge: RFC 3261 §20.44 example; defaults; flags in any case", () => {
  const c = parseDigestChallenge(
    'Digest realm="atlanta.com", domain="sip:boxesbybob.com", qop="auth", ' +
      'nonce="f84f1cec41e6cbe5aea9c8e88d359", opaque="", stale=FALSE, algorithm=MD5',
  );
  assert.equal(c.domain, "sip:boxesbybob.com");
  assert.equal(c.opaque, "");
  assert.equal(c.stale, false);
  assert.deepEqual(c.qop, ["auth"]);
  const bare = parseDigestChallenge('digest nonce="n", realm="r"');
  assert.equal(bare.algorithm, "MD5", "RFC 7616 §3.3: MD5 when absent");
  assert.deepEqual(bare.qop, [], "no qop: RFC 2069 compatibility");
  assert.equal(parseDigestChallenge('Digest realm="r", nonce="n", stale=true').stale, true);
  assert.equal(parseDigestChallenge('Digest realm="r", nonce="n", stale="TRUE"').stale, true);
  assert.deepEqual(parseDigestChallenge('Digest realm="r", nonce="n", qop=auth').qop, ["auth"]);
  assert.deepEqual(
    parseDigestChallenge('Digest realm="r", nonce="n", qop="auth-conf,AUTH-INT"').qop,
    ["auth-int"],
  );
  const hashed = parseDigestChallenge(
    'Digest realm="api@example.org", nonce="n", algorithm=SHA-512-256, charset=UTF-8, userhash=true',
  );
  assert.equal(hashed.charset, "UTF-8");
  assert.equal(hashed.userhash, true);
});

Deno.test("challenge: refusals are typed", () => {
  assert.throws(() => parseDigestChallenge('Digest nonce="n"'), isCode("missing-parameter"));
  assert.throws(() => parseDigestChallenge('Digest realm="r"'), isCode("missing-parameter"));
  assert.throws(
    () => parseDigestChallenge('Digest realm="r", nonce="n", algorithm=AKAv1-MD5'),
    isCode("unsupported-algorithm"),
  );
  assert.throws(
    () => parseDigestChallenge('NTLM realm="SIP Communications Service", version=4'),
    isCode("not-digest"),
  );
  assert.throws(
    () => parseDigestChallenge('Digest realm="a", nonce="b", Digest realm="c", nonce="d"'),
    isCode("malformed"),
  );
});

Deno.test("challenge: formatted text is exact and parses back to the same value", () => {
  const challenge = {
    realm: "biloxi.com",
    nonce: "abc",
    opaque: "xyz",
    stale: true,
    algorithm: "SHA-256" as const,
    qop: ["auth" as const, "auth-int" as const],
    userhash: false,
  };
  const text = formatDigestChallenge(challenge);
  assert.equal(
    text,
    'Digest realm="biloxi.com", nonce="abc", opaque="xyz", stale=TRUE, algorithm=SHA-256, ' +
      'qop="auth,auth-int"',
  );
  assert.deepEqual(parseDigestChallenge(text), challenge);
  const full = {
    ...challenge,
    stale: false,
    domain: "sip:biloxi.com",
    charset: "UTF-8" as const,
    userhash: true,
  };
  assert.deepEqual(parseDigestChallenge(formatDigestChallenge(full)), full);
});

Deno.test("challenge selection: strongest usable per realm, other schemes and junk skipped", () => {
  const fields = [
    'NTLM realm="SIP Communications Service", targetname="fe.contoso.com", version=4',
    'Digest realm="r1", nonce="a", algorithm=MD5, qop="auth"',
    'Digest realm="r1", nonce="b", algorithm=SHA-512-256, qop="auth"',
    'Digest realm="r1", nonce="c", algorithm=SHA-256, qop="auth"',
    'Digest realm="r2", nonce="d", algorithm=AKAv1-MD5, qop="auth"',
    'Digest realm="r2", nonce="e"',
    'Digest realm="broken',
  ];
  assert.equal(readDigestChallenges(fields).length, 4);
  const all = selectDigestChallenges(fields, DIGEST_ALGORITHMS);
  assert.deepEqual(all.map((c) => [c.realm, c.nonce]), [["r1", "b"], ["r2", "e"]]);
  const noSha512 = selectDigestChallenges(fields, ["MD5", "SHA-256"]);
  assert.deepEqual(noSha512.map((c) => c.nonce), ["c", "e"]);
  const md5Only = selectDigestChallenges(fields, ["MD5"]);
  assert.deepEqual(md5Only.map((c) => c.nonce), ["a", "e"]);
  // Ties keep the first listed (the server's preference order, RFC 8760).
  const tie = selectDigestChallenges([
    'Digest realm="r", nonce="1", algorithm=SHA-256-sess, qop="auth"',
    'Digest realm="r", nonce="2", algorithm=SHA-256, qop="auth"',
  ], DIGEST_ALGORITHMS);
  assert.equal(tie[0].nonce, "1");
  // Folded into one field value (RFC 7235 §4.1) works the same.
  const folded = selectDigestChallenges(
    ['Digest realm="r", nonce="m", algorithm=MD5, Digest realm="r", nonce="s", algorithm=SHA-256'],
    DIGEST_ALGORITHMS,
  );
  assert.equal(folded[0].nonce, "s");
});

Deno.test("challenge usability: -sess algorithms need qop (RFC 3261 §22.4 item 8)", () => {
  const sessNoQop = parseDigestChallenge('Digest realm="r", nonce="n", algorithm=MD5-sess');
  assert.equal(isUsableChallenge(sessNoQop, DIGEST_ALGORITHMS), false);
  const sessQop = parseDigestChallenge(
    'Digest realm="r", nonce="n", algorithm=MD5-sess, qop="auth"',
  );
  assert.equal(isUsableChallenge(sessQop, DIGEST_ALGORITHMS), true);
  assert.equal(isUsableChallenge(sessQop, ["MD5"]), false);
});
