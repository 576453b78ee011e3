/**
 * RSA certificates from the lab CA for TLS-DSK. The lab CA's own key is ECDSA (lab/pki), but
 * TLS-DSK runs TLS_RSA_* suites (guide §3.3): the server's key must decrypt the pre-master
 * secret (RSA key exchange, keyUsage keyEncipherment) and the client's key signs
 * CertificateVerify with RSA (rsa_sign). The CA signs both with its ECDSA key; a certificate's
 * signature algorithm is independent of the key it certifies (RFC 5280 §4.1.1.2).
 *
 * @example
 * ```ts
 * const ca = await createLabCa({ commonName: "lab CA" });
 * const server = await issueTlsDskServerCertificate(ca, { dnsNames: ["fe01.contoso.com"] });
 * const alice = await issueTlsDskUserCertificate(ca, { sipUri: "sip:alice@contoso.com" });
 * ```
 *
 * @module
 */
import { BACKDATE_MS, LAB_SIGNING_ALGORITHM, type LabCa, randomSerial } from "../../pki/ca.ts";
import { x509 } from "../../pki/x509.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** RSA-2048 with SHA-256 (what the keys are generated as; TLS uses them via node:crypto). */
export const TLS_DSK_RSA_KEY_ALGORITHM: RsaHashedKeyGenParams = {
  name: "RSASSA-PKCS1-v1_5",
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: "SHA-256",
};

/** A certificate with its private key, both PEM. */
export interface IssuedCredentials {
  /** The certificate alone, PEM. */
  certPem: string;
  /** Its private key, PKCS#8 PEM. */
  keyPem: string;
  certificate: x509.X509Certificate;
}

/** What {@link issueRsaCertificate} puts into the certificate. */
export interface RsaCertificateRequest {
  /** The subject's RSA public key. */
  publicKey: CryptoKey;
  commonName: string;
  /** subjectAltName entries (RFC 5280 §4.2.1.6). */
  dnsNames?: string[];
  uris?: string[];
  /** keyUsage bits (RFC 5280 §4.2.1.3). */
  keyUsage: number;
  /** extKeyUsage OIDs (RFC 5280 §4.2.1.12). */
  extendedKeyUsage: string[];
  /** Validity from now; capped at the CA's own expiry. */
  validityMs: number;
  now?: number;
}

/**
 * Issues a leaf certificate for an RSA public key, signed by `ca`.
 *
 * @example
 * ```ts
 * await issueRsaCertificate(ca, { publicKey, commonName: "alice", uris: ["sip:alice@contoso.com"],
 *   keyUsage: x509.KeyUsageFlags.digitalSignature, extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
 *   validityMs: 8 * 3600_000 });
 * ```
 */
export async function issueRsaCertificate(
  ca: LabCa,
  request: RsaCertificateRequest,
): Promise<x509.X509Certificate> {
  const now = request.now ?? Date.now();
  const notAfter = Math.min(now + request.validityMs, ca.certificate.notAfter.getTime());
  return await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [request.commonName] }],
    issuer: ca.certificate.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: LAB_SIGNING_ALGORITHM,
    publicKey: request.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(request.keyUsage, true),
      new x509.ExtendedKeyUsageExtension(request.extendedKeyUsage),
      new x509.SubjectAlternativeNameExtension([
        ...(request.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
        ...(request.uris ?? []).map((value) => ({ type: "url" as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(ca.keys.publicKey),
    ],
  });
}

/**
 * A fresh RSA-2048 key pair (extractable, so the private key can be exported as PEM).
 *
 * @example
 * ```ts
 * const keys = await generateRsaKeyPair();
 * ```
 */
export async function generateRsaKeyPair(): Promise<CryptoKeyPair> {
  return await crypto.subtle.generateKey(TLS_DSK_RSA_KEY_ALGORITHM, true, ["sign", "verify"]);
}

async function withNewKey(
  ca: LabCa,
  fields: Omit<RsaCertificateRequest, "publicKey">,
): Promise<IssuedCredentials> {
  const keys = await generateRsaKeyPair();
  const certificate = await issueRsaCertificate(ca, { ...fields, publicKey: keys.publicKey });
  const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
  return {
    certPem: `${certificate.toString("pem")}\n`,
    keyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
    certificate,
  };
}

/**
 * A TLS-DSK server certificate: RSA key for key exchange (keyEncipherment) and serverAuth.
 *
 * @example
 * ```ts
 * const { certPem, keyPem } = await issueTlsDskServerCertificate(ca, { dnsNames: ["fe01"] });
 * ```
 */
export async function issueTlsDskServerCertificate(
  ca: LabCa,
  options: { dnsNames: string[]; validityDays?: number },
): Promise<IssuedCredentials> {
  return await withNewKey(ca, {
    commonName: options.dnsNames[0],
    dnsNames: options.dnsNames,
    keyUsage: x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [x509.ExtendedKeyUsage.serverAuth],
    validityMs: (options.validityDays ?? 30) * DAY_MS,
  });
}

/**
 * A TLS-DSK user certificate with the user's SIP URI in subjectAltName (what the certificate
 * provisioning service of [MS-OCAUTHWS] issues; tests and tools use this shortcut).
 *
 * @example
 * ```ts
 * const alice = await issueTlsDskUserCertificate(ca, { sipUri: "sip:alice@contoso.com" });
 * ```
 */
export async function issueTlsDskUserCertificate(
  ca: LabCa,
  options: { sipUri: string; validityMs?: number; now?: number },
): Promise<IssuedCredentials> {
  return await withNewKey(ca, {
    commonName: options.sipUri.replace(/^sips?:/i, ""),
    uris: [options.sipUri],
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
    validityMs: options.validityMs ?? DAY_MS,
    now: options.now,
  });
}
