import assert from "node:assert/strict";
import { concatBytes } from "../crypto/bytes.ts";
import { pemCertificates } from "./certificate_chain.ts";
import { TlsHandshakeError } from "./errors.ts";
import { parseRecords } from "./records.ts";
import { testCredentials } from "./test_credentials.ts";
import { TlsClientHandshake } from "./tls_client.ts";
import { TlsServerHandshake } from "./tls_server.ts";

async function pair(user: "alice" | "mallory" = "alice") {
  const creds = await testCredentials();
  const anchors = pemCertificates(creds.ca.certPem);
  const client = new TlsClientHandshake({
    certificatePem: creds[user].certPem,
    privateKeyPem: creds[user].keyPem,
    trustAnchors: anchors,
  });
  const server = new TlsServerHandshake({
    certificatePem: creds.server.certPem,
    privateKeyPem: creds.server.keyPem,
    trustAnchors: anchors,
  });
  return { client, server };
}

function assertRejected(fn: () => unknown, code: string, alert: string): void {
  assert.throws(fn, (e) => e instanceof TlsHandshakeError && e.code === code && e.alert === alert);
}

Deno.test("TLS 1.0 handshake in memory: both sides complete with the same master secret", async () => {
  const { client, server } = await pair();
  const flight1 = server.receive(client.start());
  assert.deepEqual(parseRecords(flight1).map((r) => r.type), [22]);
  const flight2 = client.receive(flight1);
  assert.ok(client.session, "client keys exist once its Finished is written");
  const flight3 = server.receive(flight2);
  assert.equal(server.state, "complete");
  assert.equal(client.receive(flight3).length, 0);
  assert.equal(client.state, "complete");
  assert.deepEqual(client.session!.masterSecret, server.session!.masterSecret);
  assert.equal(server.session!.peerCertificate.subjectAltName, "URI:sip:alice@contoso.com");
  assert.equal(client.session!.suite.name, "TLS_RSA_WITH_AES_256_CBC_SHA");
});

Deno.test("server refuses a client certificate not issued by the lab CA", async () => {
  const { client, server } = await pair("mallory");
  const flight2 = client.receive(server.receive(client.start()));
  assertRejected(() => server.receive(flight2), "unknown-user", "unknown_ca");
});

Deno.test("client refuses a server certificate not issued by its trust anchors", async () => {
  const creds = await testCredentials();
  const client = new TlsClientHandshake({
    certificatePem: creds.alice.certPem,
    privateKeyPem: creds.alice.keyPem,
    trustAnchors: pemCertificates(creds.mallory.certPem),
  });
  const { server } = await pair();
  const flight1 = server.receive(client.start());
  assertRejected(() => client.receive(flight1), "unknown-user", "unknown_ca");
});

/** Offset of the first octet of handshake message `type` inside a flight's records. */
function messageOffset(flight: Uint8Array, type: number): number {
  let at = 0;
  while (at < flight.length) {
    const length = (flight[at + 3] << 8) | flight[at + 4];
    if (flight[at] === 22) {
      let m = at + 5;
      while (m < at + 5 + length) {
        if (flight[m] === type) return m;
        m += 4 + ((flight[m + 1] << 16) | (flight[m + 2] << 8) | flight[m + 3]);
      }
    }
    at += 5 + length;
  }
  throw new Error(`no message ${type}`);
}

Deno.test("server refuses a tampered CertificateVerify", async () => {
  const { client, server } = await pair();
  const flight2 = client.receive(server.receive(client.start()));
  const tampered = flight2.slice();
  tampered[messageOffset(tampered, 15) + 20] ^= 0x01;
  assertRejected(() => server.receive(tampered), "mic-mismatch", "decrypt_error");
});

Deno.test("server refuses a tampered client Finished (bad record MAC)", async () => {
  const { client, server } = await pair();
  const flight2 = client.receive(server.receive(client.start()));
  const tampered = flight2.slice();
  tampered[tampered.length - 20] ^= 0x80;
  assertRejected(() => server.receive(tampered), "mic-mismatch", "bad_record_mac");
});

Deno.test("client refuses a tampered server Finished", async () => {
  const { client, server } = await pair();
  const flight3 = server.receive(client.receive(server.receive(client.start())));
  const tampered = flight3.slice();
  tampered[tampered.length - 1] ^= 0x01;
  assertRejected(() => client.receive(tampered), "mic-mismatch", "bad_record_mac");
});

Deno.test("truncated and garbage flights are malformed", async () => {
  const { client, server } = await pair();
  const hello = client.start();
  assertRejected(
    () => server.receive(hello.subarray(0, hello.length - 3)),
    "malformed-token",
    "decode_error",
  );
  assertRejected(
    () => server.receive(new TextEncoder().encode("REGISTER sip:x")),
    "malformed-token",
    "decode_error",
  );
  assertRejected(() => server.receive(new Uint8Array(0)), "malformed-token", "decode_error");
});

Deno.test("a ClientHello without a common suite and a replayed ClientHello are refused", async () => {
  const { client, server } = await pair();
  const hello = client.start();
  const noSuite = hello.slice();
  // cipher_suites follow version(2) random(32) session_id(1): rewrite both offered ids to RC4.
  const suitesAt = 5 + 4 + 2 + 32 + 1 + 2;
  noSuite.set([0x00, 0x05, 0x00, 0x04], suitesAt);
  assertRejected(() => server.receive(noSuite), "unsupported-response", "handshake_failure");
  server.receive(hello);
  assertRejected(() => server.receive(concatBytes(hello)), "invalid-state", "unexpected_message");
});
