import assert from "node:assert/strict";
import { x509 } from "./x509.ts";
import { createLabCa, issueServerCert, type LabCa } from "./mod.ts";
import { randomSerial } from "./ca.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

let sharedCa: LabCa | undefined;
async function labCa(): Promise<LabCa> {
  sharedCa ??= await createLabCa({ commonName: "sipfleet test CA" });
  return sharedCa;
}

/** Accepts one connection, echoes one read back, then closes. */
async function echoOnce(listener: Deno.TlsListener): Promise<void> {
  const conn = await listener.accept();
  try {
    const buf = new Uint8Array(64);
    const n = await conn.read(buf);
    if (n !== null) await conn.write(buf.subarray(0, n));
  } catch {
    // The client may abort the handshake (untrusted CA, wrong name): nothing to echo.
  } finally {
    conn.close();
  }
}

Deno.test("createLabCa: self-signed root with CA basic constraints and cert-sign usage", async () => {
  const ca = await labCa();
  const cert = new x509.X509Certificate(ca.certPem);
  assert.equal(cert.subject, "CN=sipfleet test CA");
  assert.equal(cert.issuer, cert.subject);
  assert.ok(await cert.verify({ publicKey: ca.keys.publicKey, signatureOnly: true }));
  const bc = cert.getExtension(x509.BasicConstraintsExtension);
  assert.equal(bc?.ca, true);
  assert.equal(bc?.critical, true);
  const ku = cert.getExtension(x509.KeyUsagesExtension);
  assert.equal(ku?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  assert.ok(cert.notBefore.getTime() < Date.now());
  assert.equal(ca.keys.privateKey.extractable, false);
});

Deno.test("issueServerCert: leaf signed by the CA, SANs, chain and PKCS#8 key", async () => {
  const ca = await labCa();
  const creds = await issueServerCert(ca, {
    dnsNames: ["pool.lab.example", "localhost"],
    ipAddresses: ["127.0.0.1", "::1"],
  });
  const chain = x509.PemConverter.decode(creds.certPem);
  assert.equal(chain.length, 2);
  const leaf = new x509.X509Certificate(chain[0]);
  assert.equal(leaf.subject, "CN=pool.lab.example");
  assert.equal(leaf.issuer, "CN=sipfleet test CA");
  assert.ok(await leaf.verify({ publicKey: ca.keys.publicKey, signatureOnly: true }));
  assert.equal(leaf.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  const san = leaf.getExtension(x509.SubjectAlternativeNameExtension);
  assert.deepEqual(san?.names.toJSON(), [
    { type: "dns", value: "pool.lab.example" },
    { type: "dns", value: "localhost" },
    { type: "ip", value: "127.0.0.1" },
    { type: "ip", value: "::1" },
  ]);
  assert.deepEqual([...leaf.getExtension(x509.ExtendedKeyUsageExtension)?.usages ?? []], [
    x509.ExtendedKeyUsage.serverAuth,
  ]);
  assert.match(creds.keyPem, /^-----BEGIN PRIVATE KEY-----\n/);
  assert.ok(leaf.notAfter.getTime() <= ca.certificate.notAfter.getTime());
});

Deno.test("issueServerCert: refuses a certificate without any name", async () => {
  await assert.rejects(issueServerCert(await labCa(), {}), /at least one name/);
});

Deno.test("TLS handshake on loopback with a lab-issued certificate and the lab CA", async () => {
  const ca = await labCa();
  const { certPem, keyPem } = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
  const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: certPem, key: keyPem });
  const served = echoOnce(listener);
  const conn = await Deno.connectTls({
    hostname: "127.0.0.1",
    port: listener.addr.port,
    caCerts: [ca.certPem],
  });
  try {
    await conn.handshake();
    await conn.write(encoder.encode("\r\n\r\n"));
    const buf = new Uint8Array(16);
    const n = await conn.read(buf);
    assert.equal(decoder.decode(buf.subarray(0, n ?? 0)), "\r\n\r\n");
  } finally {
    conn.close();
    await served;
    listener.close();
  }
});

/** Connects to a one-shot TLS echo server presenting `creds`; resolves once the handshake is done. */
async function handshakeWith(
  creds: { certPem: string; keyPem: string },
  caCerts: string[],
): Promise<void> {
  const listener = Deno.listenTls({
    hostname: "127.0.0.1",
    port: 0,
    cert: creds.certPem,
    key: creds.keyPem,
  });
  const served = echoOnce(listener);
  try {
    const conn = await Deno.connectTls({
      hostname: "127.0.0.1",
      port: listener.addr.port,
      caCerts,
    });
    try {
      await conn.handshake();
    } finally {
      conn.close();
    }
  } finally {
    await served;
    listener.close();
  }
}

Deno.test("TLS handshake fails for an untrusted issuer or a name not in the certificate", async () => {
  const ca = await labCa();
  const stranger = await createLabCa({ commonName: "stranger CA" });
  const good = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
  await handshakeWith(good, [ca.certPem]);
  await assert.rejects(handshakeWith(good, [stranger.certPem]), /UnknownIssuer/);
  const misnamed = await issueServerCert(ca, { dnsNames: ["other.lab.example"] });
  await assert.rejects(handshakeWith(misnamed, [ca.certPem]), /not valid for name/);
});

Deno.test("randomSerial: 16 octets, positive (top bit clear), different each time", () => {
  const a = randomSerial();
  assert.match(a, /^[0-7][0-9a-f]{31}$/);
  assert.notEqual(a, randomSerial());
});
