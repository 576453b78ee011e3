import assert from "node:assert/strict";
import { fromHex, toHex } from "../crypto/bytes.ts";
import { decodeAuthenticateMessage, encodeAuthenticateMessage } from "./authenticate_message.ts";
import { AvId, findAvPair, parseAvPairs } from "./av_pairs.ts";
import { decodeChallengeMessage } from "./challenge_message.ts";
import { respondToChallenge, SIP_REQUIRED_CHALLENGE_FLAGS } from "./client.ts";
import { NtlmAuthError, type NtlmAuthErrorCode } from "./errors.ts";
import { fromFiletime } from "./filetime.ts";
import { hasFlags } from "./flags.ts";
import { decodeGssapiData } from "./gssapi_data.ts";
import { ntowfv1 } from "./owf.ts";
import {
  createChallenge,
  SIP_SERVER_CHALLENGE_FLAGS,
  verifyAuthenticate,
  type VerifyAuthenticateOptions,
} from "./server.ts";
import { COMMON, OCS_CAPTURE, V1, V2 } from "./testdata/nlmp_vectors.ts";

const users = new Map([
  ["user", ntowfv1(COMMON.password)],
  ["alice", ntowfv1("Secr3t!")],
]);
const lookupNtHash = (user: string) => users.get(user.toLowerCase());
const rejects = (code: NtlmAuthErrorCode) => (e: unknown) =>
  e instanceof NtlmAuthError && e.code === code;

const NOW = Date.UTC(2024, 0, 15, 12, 0, 0);
const names = {
  nbDomainName: "CONTOSO",
  nbComputerName: "FE01",
  dnsDomainName: "contoso.com",
  dnsComputerName: "fe01.contoso.com",
  dnsTreeName: "contoso.com",
};

function handshake(password = "Secr3t!", user = "alice") {
  const { message: challenge } = createChallenge({
    negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS,
    names,
    now: () => NOW,
  });
  const reply = respondToChallenge({
    challenge,
    credentials: { user, domain: "CONTOSO", password },
    workstation: "ALICE-PC",
    requiredChallengeFlags: SIP_REQUIRED_CHALLENGE_FLAGS,
  });
  const options: VerifyAuthenticateOptions = {
    challenge,
    authenticate: reply.message,
    lookupNtHash,
    now: () => NOW + 1000,
  };
  return { challenge, reply, options };
}

Deno.test("server accepts the MS-NLMP 4.2.4.3 AUTHENTICATE and recovers the session key", () => {
  const result = verifyAuthenticate({
    challenge: V2.challengeMessage,
    authenticate: V2.authenticateMessage,
    lookupNtHash,
    maxLifetimeMs: null, // the vector's Time is 1601-01-01
  });
  assert.equal(result.userName, "User");
  assert.equal(result.domainName, "Domain");
  assert.equal(result.workstation, "COMPUTER");
  assert.equal(toHex(result.exportedSessionKey), toHex(COMMON.randomSessionKey));
});

Deno.test("server accepts the captured OCS AUTHENTICATE and recovers ExportedSessionKey", () => {
  const result = verifyAuthenticate({
    challenge: decodeGssapiData(OCS_CAPTURE.challengeBase64),
    authenticate: decodeGssapiData(OCS_CAPTURE.authenticateBase64),
    lookupNtHash: (user, domain) =>
      user === "User" && domain === "COSMO" ? ntowfv1(OCS_CAPTURE.password) : undefined,
    now: () => fromFiletime(fromHex(OCS_CAPTURE.time)),
  });
  assert.equal(toHex(result.exportedSessionKey), OCS_CAPTURE.exportedSessionKey);
  assert.equal(result.negotiateFlags, OCS_CAPTURE.authenticateFlags);
});

Deno.test("createChallenge: SIP flags, fresh 8-byte nonce, TargetInfo names and timestamp", () => {
  const a = createChallenge({ negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS, names, now: () => NOW });
  const b = createChallenge({ negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS, names, now: () => NOW });
  assert.notEqual(toHex(a.serverChallenge), toHex(b.serverChallenge));
  const m = decodeChallengeMessage(a.message);
  assert.equal(hasFlags(m.negotiateFlags, SIP_REQUIRED_CHALLENGE_FLAGS), true);
  const pairs = parseAvPairs(m.targetInfo!);
  assert.deepEqual(pairs.map((p) => p.id), [2, 1, 4, 3, 5, 7]);
  assert.equal(fromFiletime(findAvPair(pairs, AvId.TIMESTAMP)!), NOW);
  const noTime = createChallenge({ negotiateFlags: 0x41, names, includeTimestamp: false });
  const plain = decodeChallengeMessage(noTime.message);
  assert.equal(findAvPair(parseAvPairs(plain.targetInfo!), AvId.TIMESTAMP), undefined);
  // §3.2.5.2.1: connectionless always uses key exchange.
  assert.equal(hasFlags(plain.negotiateFlags, 0x40000041), true);
});

Deno.test("full connectionless handshake with MIC: both sides hold the same session key", () => {
  const { reply, options } = handshake();
  const result = verifyAuthenticate(options);
  assert.equal(result.userName, "alice");
  assert.equal(toHex(result.exportedSessionKey), toHex(reply.exportedSessionKey));
  assert.notEqual(decodeAuthenticateMessage(options.authenticate).mic, undefined);
});

Deno.test("wrong password is rejected", () => {
  assert.throws(() => verifyAuthenticate(handshake("wrong").options), rejects("wrong-password"));
});

Deno.test("unknown user is rejected", () => {
  const { options } = handshake("Secr3t!", "mallory");
  assert.throws(() => verifyAuthenticate(options), rejects("unknown-user"));
});

Deno.test("a tampered MIC or a tampered challenge response is rejected", () => {
  const { options } = handshake();
  const tamperedMic = options.authenticate.slice();
  tamperedMic[80] ^= 1;
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: tamperedMic }),
    rejects("mic-mismatch"),
  );
  const fields = decodeAuthenticateMessage(options.authenticate);
  const nt = fields.ntChallengeResponse.slice();
  nt[20] ^= 1; // inside temp: the NTProofStr no longer matches
  const tamperedResponse = encodeAuthenticateMessage({ ...fields, ntChallengeResponse: nt });
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: tamperedResponse }),
    rejects("wrong-password"),
  );
});

Deno.test("a MIC announced in MsvAvFlags but absent from the message is malformed", () => {
  const { options } = handshake();
  const fields = decodeAuthenticateMessage(options.authenticate);
  const withoutMic = encodeAuthenticateMessage({ ...fields, mic: undefined });
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: withoutMic }),
    rejects("malformed-token"),
  );
});

Deno.test("missing EncryptedRandomSessionKey under KEY_EXCH is an invalid token", () => {
  const { options } = handshake();
  const fields = decodeAuthenticateMessage(options.authenticate);
  const stripped = encodeAuthenticateMessage({
    ...fields,
    encryptedRandomSessionKey: new Uint8Array(0),
  });
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: stripped }),
    rejects("malformed-token"),
  );
});

Deno.test("NTLMv1 and anonymous responses are refused; weak flags are refused", () => {
  assert.throws(
    () =>
      verifyAuthenticate({
        challenge: V1.challengeMessage,
        authenticate: V1.authenticateMessage,
        lookupNtHash,
      }),
    rejects("unsupported-response"),
  );
  const { options } = handshake();
  const fields = decodeAuthenticateMessage(options.authenticate);
  const anonymous = encodeAuthenticateMessage({
    ...fields,
    userName: "",
    ntChallengeResponse: new Uint8Array(0),
    lmChallengeResponse: new Uint8Array(1),
  });
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: anonymous }),
    rejects("unsupported-response"),
  );
  const unsigned = encodeAuthenticateMessage({ ...fields, negotiateFlags: 0x00000201 });
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: unsigned }),
    rejects("insufficient-flags"),
  );
});

Deno.test("an NTLMv2 timestamp outside the allowed lifetime is rejected", () => {
  const { options } = handshake();
  const later = { ...options, now: () => NOW + 20 * 60 * 1000, maxLifetimeMs: 15 * 60 * 1000 };
  assert.throws(() => verifyAuthenticate(later), rejects("clock-skew"));
  assert.equal(verifyAuthenticate({ ...later, maxLifetimeMs: null }).userName, "alice");
});

Deno.test("clients that leave the domain out of NTOWFv2 are accepted (NIL-domain retry)", () => {
  const { message: challenge } = createChallenge({
    negotiateFlags: SIP_SERVER_CHALLENGE_FLAGS,
    names,
    includeTimestamp: false, // no MIC, so the message can be re-labelled below
  });
  const reply = respondToChallenge({
    challenge,
    credentials: { user: "alice", domain: "", password: "Secr3t!" },
    now: () => NOW,
  });
  // Re-label the message with a domain that was not used for the response key.
  const fields = decodeAuthenticateMessage(reply.message);
  const relabelled = encodeAuthenticateMessage({ ...fields, domainName: "CONTOSO" });
  const result = verifyAuthenticate({
    challenge,
    authenticate: relabelled,
    lookupNtHash,
    now: () => NOW,
  });
  assert.equal(result.domainName, "CONTOSO");
});

Deno.test("garbage AUTHENTICATE bytes are malformed tokens", () => {
  const { options } = handshake();
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: new Uint8Array(10) }),
    rejects("malformed-token"),
  );
  assert.throws(
    () => verifyAuthenticate({ ...options, authenticate: options.challenge }),
    rejects("malformed-token"),
  );
});
