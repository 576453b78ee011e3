/**
 * Leaf certificates for the lab's TLS servers (SIP over TLS, RFC 3261 §26.2.1 / RFC 5922; WSS,
 * RFC 7118), signed by the {@link LabCa}. A leaf is needed because rustls refuses a CA:TRUE
 * certificate presented as the server's own.
 *
 * @module
 */
import { x509 } from "./x509.ts";
import {
  BACKDATE_MS,
  LAB_KEY_ALGORITHM,
  LAB_SIGNING_ALGORITHM,
  type LabCa,
  randomSerial,
} from "./ca.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Names the certificate is valid for (RFC 5280 §4.2.1.6 subjectAltName). */
export interface ServerCertOptions {
  /** DNS names, e.g. ["pool.lab.example", "localhost"]. */
  dnsNames?: string[];
  /** IPv4 / IPv6 literals, e.g. ["127.0.0.1", "::1"]. */
  ipAddresses?: string[];
  /** Subject CN; defaults to the first DNS name or IP address. */
  commonName?: string;
  /** Validity in days from now (default 30, and never beyond the CA's own). */
  validityDays?: number;
}

/** What a TLS server needs: `Deno.listenTls({ cert: certPem, key: keyPem })`. */
export interface ServerCredentials {
  /** Leaf certificate followed by the CA certificate, PEM. */
  certPem: string;
  /** The leaf's private key, PKCS#8 PEM ("PRIVATE KEY"). */
  keyPem: string;
  /** The leaf certificate. */
  certificate: x509.X509Certificate;
}

/**
 * Issues a server certificate signed by `ca` (RFC 5280: basicConstraints cA=FALSE; keyUsage
 * digitalSignature, critical; extKeyUsage serverAuth; subjectAltName with the given names —
 * RFC 5922 §7.1 / RFC 6125: clients match the name against subjectAltName).
 *
 * @example
 * ```ts
 * const ca = await createLabCa({ commonName: "lab CA" });
 * const { certPem, keyPem } = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
 * const listener = Deno.listenTls({ hostname: "127.0.0.1", port: 0, cert: certPem, key: keyPem });
 * ```
 */
export async function issueServerCert(
  ca: LabCa,
  opts: ServerCertOptions,
): Promise<ServerCredentials> {
  const dnsNames = opts.dnsNames ?? [];
  const ipAddresses = opts.ipAddresses ?? [];
  const commonName = opts.commonName ?? dnsNames[0] ?? ipAddresses[0];
  if (commonName === undefined) throw new Error("issueServerCert: give at least one name");
  const keys = await crypto.subtle.generateKey(LAB_KEY_ALGORITHM, true, ["sign", "verify"]);
  const now = Date.now();
  const notAfter = Math.min(
    now + (opts.validityDays ?? 30) * DAY_MS,
    ca.certificate.notAfter.getTime(),
  );
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [commonName] }],
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: LAB_SIGNING_ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...dnsNames.map((value) => ({ type: "dns" as const, value })),
        ...ipAddresses.map((value) => ({ type: "ip" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certPem: `${certificate.toString("pem")}\n${ca.certPem}\n`,
    keyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
    certificate,
  };
}
