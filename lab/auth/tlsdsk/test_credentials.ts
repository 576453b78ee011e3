/**
 * Credentials the TLS-DSK tests share: a lab CA, an RSA server certificate for
 * `fe01.contoso.com`, a user certificate for `sip:alice@contoso.com`, and a user certificate
 * from a foreign CA (for the "not issued by the lab CA" rejections). Created once per test
 * module (RSA key generation is the slow part).
 *
 * @example
 * ```ts
 * const { ca, server, alice, mallory } = await testCredentials();
 * ```
 *
 * @module
 */
import { createLabCa, type LabCa } from "../../pki/mod.ts";
import {
  type IssuedCredentials,
  issueTlsDskServerCertificate,
  issueTlsDskUserCertificate,
} from "./certificate_issuance.ts";

/** The shared fixture. */
export interface TestCredentials {
  ca: LabCa;
  server: IssuedCredentials;
  alice: IssuedCredentials;
  /** Issued by another CA for the same SIP URI as alice. */
  mallory: IssuedCredentials;
}

let cached: Promise<TestCredentials> | undefined;

/**
 * The fixture, created on first use.
 *
 * @example
 * ```ts
 * const { alice } = await testCredentials();
 * ```
 */
export function testCredentials(): Promise<TestCredentials> {
  cached ??= (async () => {
    const ca = await createLabCa({ commonName: "sipfleet TLS-DSK test CA" });
    const foreign = await createLabCa({ commonName: "someone else's CA" });
    return {
      ca,
      server: await issueTlsDskServerCertificate(ca, { dnsNames: ["fe01.contoso.com"] }),
      alice: await issueTlsDskUserCertificate(ca, { sipUri: "sip:alice@contoso.com" }),
      mallory: await issueTlsDskUserCertificate(foreign, { sipUri: "sip:alice@contoso.com" }),
    };
  })();
  return cached;
}
