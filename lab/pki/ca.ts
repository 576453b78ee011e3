/**
 * The lab's certificate authority: one self-signed root (ECDSA P-256, SHA-256) created in memory
 * per run, which issues the leaf certificates the lab's TLS and WSS servers present. Clients
 * trust it by passing {@link LabCa.certPem} as a CA certificate (`Deno.connectTls({ caCerts })`).
 *
 * @module
 */
import { x509 } from "./x509.ts";

/** ECDSA P-256: the cheapest key to generate and the fastest handshakes under rustls. */
export const LAB_KEY_ALGORITHM: EcKeyGenParams = { name: "ECDSA", namedCurve: "P-256" };
/** Signature algorithm of every certificate the lab issues. */
export const LAB_SIGNING_ALGORITHM: EcdsaParams = { name: "ECDSA", hash: "SHA-256" };

/** Certificates start this long before "now", so that a peer whose clock lags still accepts them. */
export const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** A root CA held in memory: certificate and key pair. */
export interface LabCa {
  /** The subject common name given at creation. */
  commonName: string;
  /** The self-signed root certificate. */
  certificate: x509.X509Certificate;
  /** The root certificate in PEM, to give to clients as a trust anchor. */
  certPem: string;
  /** The CA key pair; the private key signs issued certificates and is never exported. */
  keys: CryptoKeyPair;
}

/** Options of {@link createLabCa}. */
export interface LabCaOptions {
  /** Subject CN of the root, e.g. "sipfleet lab CA". */
  commonName: string;
  /** Validity in days from now (default 30). */
  validityDays?: number;
}

/**
 * Creates a fresh self-signed root CA (RFC 5280 §4.2.1.9 basicConstraints cA=TRUE, critical;
 * §4.2.1.3 keyUsage keyCertSign + cRLSign, critical; §4.2.1.2 subjectKeyIdentifier).
 *
 * @example
 * ```ts
 * const ca = await createLabCa({ commonName: "sipfleet lab CA" });
 * const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [ca.certPem] });
 * ```
 */
export async function createLabCa(opts: LabCaOptions): Promise<LabCa> {
  const keys = await crypto.subtle.generateKey(LAB_KEY_ALGORITHM, false, ["sign", "verify"]);
  const now = Date.now();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [opts.commonName] }],
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + (opts.validityDays ?? 30) * DAY_MS),
    signingAlgorithm: LAB_SIGNING_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { commonName: opts.commonName, certificate, certPem: certificate.toString("pem"), keys };
}

/**
 * A random positive serial number of 16 octets in hex (RFC 5280 §4.1.2.2: positive, at most 20
 * octets; the top bit is cleared so the DER INTEGER needs no sign octet).
 *
 * @example
 * ```ts
 * randomSerial(); // e.g. "5f0c…" (32 hex digits)
 * ```
 */
export function randomSerial(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
