/**
 * Cross-checks the TLS 1.0 handshake of this folder against OpenSSL on loopback: our server
 * with `openssl s_client`, our client with `openssl s_server`. OpenSSL's RFC 5705 exporter with
 * the label "client EAP encryption" prints the TLS-DSK key material; it must equal ours.
 */
import assert from "node:assert/strict";
import { concatBytes, toHex } from "../crypto/bytes.ts";
import { pemCertificates } from "./certificate_chain.ts";
import { splitHandshakeMessages } from "./handshake_messages.ts";
import { ContentType, parseRecords, type TlsRecord } from "./records.ts";
import { tlsDskKeyMaterial } from "./signing_keys.ts";
import { testCredentials } from "./test_credentials.ts";
import { TlsClientHandshake } from "./tls_client.ts";
import { TlsServerHandshake } from "./tls_server.ts";

const OPENSSL = "openssl";
const IO_LIMIT_MS = 10_000;

async function requireOpenssl(): Promise<void> {
  try {
    await new Deno.Command(OPENSSL, { args: ["version"], stdout: "null", stderr: "null" }).output();
  } catch {
    throw new Error("openssl binary not found on PATH: install OpenSSL (apt-get install openssl)");
  }
}

async function writeFixtures(dir: string) {
  const creds = await testCredentials();
  const files = {
    ca: `${dir}/ca.pem`,
    serverCert: `${dir}/server.pem`,
    serverKey: `${dir}/server.key`,
    aliceCert: `${dir}/alice.pem`,
    aliceKey: `${dir}/alice.key`,
  };
  await Deno.writeTextFile(files.ca, creds.ca.certPem);
  await Deno.writeTextFile(files.serverCert, creds.server.certPem);
  await Deno.writeTextFile(files.serverKey, creds.server.keyPem);
  await Deno.writeTextFile(files.aliceCert, creds.alice.certPem);
  await Deno.writeTextFile(files.aliceKey, creds.alice.keyPem);
  return { creds, files };
}

/** Whole records read from `conn` until `done(records)`; bounded in bytes. */
async function readRecords(
  conn: Deno.Conn,
  done: (records: TlsRecord[]) => boolean,
): Promise<Uint8Array> {
  let buffer: Uint8Array = new Uint8Array(0);
  const chunk = new Uint8Array(16384);
  while (buffer.length < 1 << 20) {
    const n = await conn.read(chunk);
    if (n === null) throw new Error("peer closed during the handshake");
    buffer = concatBytes(buffer, chunk.subarray(0, n));
    let records: TlsRecord[];
    try {
      records = parseRecords(buffer);
    } catch {
      continue; // a record is still incomplete
    }
    if (done(records)) return buffer;
  }
  throw new Error("flight too large");
}

const afterChangeCipherSpec = (records: TlsRecord[]) =>
  records.findIndex((r) => r.type === ContentType.changeCipherSpec) >= 0 &&
  records.at(-1)!.type !== ContentType.changeCipherSpec;

function handshakeTypes(records: TlsRecord[]): number[] {
  try {
    return splitHandshakeMessages(
      concatBytes(
        ...records.filter((r) => r.type === ContentType.handshake).map((r) => r.fragment),
      ),
    ).map((m) => m.type);
  } catch {
    return [];
  }
}

function keyingMaterial(output: string): string {
  const match = /Keying material: ([0-9A-Fa-f]+)/.exec(output);
  assert.ok(match, `no keying material in OpenSSL output:\n${output}`);
  return match[1].toLowerCase();
}

/** Closes the connection if the exchange takes too long (so a stuck peer fails the test). */
function guard(conn: Deno.Conn): ReturnType<typeof setTimeout> {
  return setTimeout(() => conn.close(), IO_LIMIT_MS);
}

Deno.test("our TLS-DSK server handshakes with openssl s_client (TLS 1.0, AES128-SHA)", async () => {
  await requireOpenssl();
  const dir = await Deno.makeTempDir({ prefix: "tlsdsk-sclient-" });
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let child: Deno.ChildProcess | undefined;
  try {
    const { creds, files } = await writeFixtures(dir);
    child = new Deno.Command(OPENSSL, {
      args: [
        "s_client",
        "-connect",
        `127.0.0.1:${listener.addr.port}`,
        "-tls1",
        "-cipher",
        "AES128-SHA:@SECLEVEL=0",
        "-cert",
        files.aliceCert,
        "-key",
        files.aliceKey,
        "-CAfile",
        files.ca,
        "-verify_return_error",
        "-keymatexport",
        "client EAP encryption",
        "-keymatexportlen",
        "128",
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const server = new TlsServerHandshake({
      certificatePem: creds.server.certPem,
      privateKeyPem: creds.server.keyPem,
      trustAnchors: pemCertificates(creds.ca.certPem),
    });
    const conn = await listener.accept();
    const timer = guard(conn);
    try {
      const hello = await readRecords(conn, (r) => handshakeTypes(r).includes(1));
      await conn.write(server.receive(hello));
      const second = await readRecords(conn, afterChangeCipherSpec);
      await conn.write(server.receive(second));
    } finally {
      clearTimeout(timer);
    }
    const out = await child.output();
    conn.close();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(server.state, "complete");
    assert.match(stdout, /Verify return code: 0 \(ok\)/);
    assert.match(stdout, /Cipher\s*: AES128-SHA/);
    assert.equal(keyingMaterial(stdout), toHex(tlsDskKeyMaterial(server.session!)));
    assert.equal(server.session!.peerCertificate.subjectAltName, "URI:sip:alice@contoso.com");
    child = undefined;
  } finally {
    if (child) {
      killIfRunning(child);
      await child.output();
    }
    listener.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("our TLS-DSK client handshakes with openssl s_server (TLS 1.0, AES256-SHA)", async () => {
  await requireOpenssl();
  const dir = await Deno.makeTempDir({ prefix: "tlsdsk-sserver-" });
  let child: Deno.ChildProcess | undefined;
  try {
    const { creds, files } = await writeFixtures(dir);
    child = new Deno.Command(OPENSSL, {
      args: [
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-tls1",
        "-cipher",
        "AES256-SHA:@SECLEVEL=0",
        "-cert",
        files.serverCert,
        "-key",
        files.serverKey,
        "-CAfile",
        files.ca,
        "-Verify",
        "1",
        "-verify_return_error",
        "-naccept",
        "1",
        "-keymatexport",
        "client EAP encryption",
        "-keymatexportlen",
        "128",
      ],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const reader = child.stdout.getReader();
    let stdout = "";
    const decoder = new TextDecoder();
    while (!/ACCEPT [^\n]*:(\d+)\n/.test(stdout)) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`s_server exited: ${stdout}`);
      stdout += decoder.decode(value);
    }
    const port = Number(/ACCEPT [^\n]*:(\d+)\n/.exec(stdout)![1]);
    const client = new TlsClientHandshake({
      certificatePem: creds.alice.certPem,
      privateKeyPem: creds.alice.keyPem,
      trustAnchors: pemCertificates(creds.ca.certPem),
    });
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const timer = guard(conn);
    try {
      await conn.write(client.start());
      const first = await readRecords(conn, (r) => handshakeTypes(r).includes(14));
      await conn.write(client.receive(first));
      const last = await readRecords(conn, afterChangeCipherSpec);
      assert.equal(client.receive(last).length, 0);
    } finally {
      clearTimeout(timer);
      conn.close();
    }
    assert.equal(client.state, "complete");
    while (!/Keying material: [0-9A-F]+/i.test(stdout)) {
      const { value, done } = await reader.read();
      if (done) break;
      stdout += decoder.decode(value);
    }
    reader.releaseLock();
    assert.equal(keyingMaterial(stdout), toHex(tlsDskKeyMaterial(client.session!)));
  } finally {
    if (child) {
      await child.stdin.close();
      killIfRunning(child);
      await child.output().catch(() => undefined);
    }
    await Deno.remove(dir, { recursive: true });
  }
});

/** Kills an OpenSSL child unless it already exited (`-naccept 1` ends it after one handshake). */
function killIfRunning(child: Deno.ChildProcess): void {
  try {
    child.kill();
  } catch (error) {
    // Deno throws a TypeError when the process has already terminated.
    if (!(error instanceof TypeError)) throw error;
  }
}
