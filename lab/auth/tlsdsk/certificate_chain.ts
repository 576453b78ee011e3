/**
 * Certificate path checking for the TLS-DSK handshake (RFC 5280 §6.1, reduced to what the lab
 * needs): every certificate in the peer's chain must be signed by the next one or by a trust
 * anchor (the lab CA), and each must be inside its validity period. A chain that ends nowhere
 * near a trust anchor — a certificate not issued by the lab CA — is refused with `unknown_ca`.
 *
 * @example
 * ```ts
 * const anchors = pemCertificates(ca.certPem);
 * const leaf = verifyCertificateChain([clientDer], anchors, Date.now());
 * leaf.subjectAltName; // "URI:sip:alice@contoso.com"
 * ```
 *
 * @module
 */
import { X509Certificate } from "node:crypto";
import { TlsHandshakeError } from "./errors.ts";

/** Longest chain accepted (leaf + intermediates). */
const MAX_CHAIN_LENGTH = 4;

/**
 * Every certificate of a PEM bundle.
 *
 * @example
 * ```ts
 * pemCertificates(ca.certPem).length; // 1
 * ```
 */
export function pemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * The DER of every certificate of a PEM bundle, in order (what a TLS Certificate message
 * carries).
 *
 * @example
 * ```ts
 * pemCertificateDers(certPem)[0]; // leaf DER
 * ```
 */
export function pemCertificateDers(pem: string): Uint8Array[] {
  return pemCertificates(pem).map((c) => new Uint8Array(c.raw));
}

function checkValidity(cert: X509Certificate, now: number): void {
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) {
    throw new TlsHandshakeError(
      "unknown-user",
      "certificate_expired",
      `certificate "${cert.subject}" is outside its validity period`,
    );
  }
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Checks a peer chain (leaf first, DER) against the trust anchors at time `now`; returns the
 * leaf. Throws `TlsHandshakeError` with code `unknown-user` (`bad_certificate`, `unknown_ca`,
 * `certificate_expired`).
 *
 * @example
 * ```ts
 * verifyCertificateChain(chainFromCertificateMessage, [labCa], Date.now());
 * ```
 */
export function verifyCertificateChain(
  chain: Uint8Array[],
  anchors: readonly X509Certificate[],
  now: number,
): X509Certificate {
  if (chain.length === 0 || chain.length > MAX_CHAIN_LENGTH) {
    throw new TlsHandshakeError("unknown-user", "bad_certificate", "no usable certificate chain");
  }
  let certs: X509Certificate[];
  try {
    certs = chain.map((der) => new X509Certificate(der));
  } catch {
    throw new TlsHandshakeError("unknown-user", "bad_certificate", "certificate is not DER X.509");
  }
  for (let i = 0; i < certs.length; i++) {
    const cert = certs[i];
    checkValidity(cert, now);
    const anchor = anchors.find((a) => signedBy(cert, a));
    if (anchor) {
      checkValidity(anchor, now);
      return certs[0];
    }
    // RFC 5280 §6.1.4: an intermediate must be a CA; only then may it vouch for cert i.
    const next = certs[i + 1];
    if (!next || !next.ca || !signedBy(cert, next)) break;
  }
  throw new TlsHandshakeError(
    "unknown-user",
    "unknown_ca",
    `certificate "${certs[0].subject}" is not issued by a trusted CA`,
  );
}
