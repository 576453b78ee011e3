/**
 * The lab's TLS trust for one process: the embedded CA (lab/pki) made on first use, a server
 * certificate for the lab agents, and the CA PEM the lab's own clients trust. TLS and WSS
 * between lab agents work out of the box; external peers can be given `caPem`.
 *
 * @example
 * ```ts
 * const material = await labTlsMaterial("127.0.0.1");
 * material.certPem; material.caPem;
 * ```
 *
 * @module
 */
import { createLabCa, issueServerCert, type LabCa } from "../lab/pki/mod.ts";
import type { TlsMaterial } from "./sip_endpoint.ts";

let ca: Promise<LabCa> | undefined;
const servers = new Map<string, Promise<TlsMaterial>>();

/** Server certificate + key for `host` (an IP or a DNS name), and the CA PEM. */
export function labTlsMaterial(host: string): Promise<TlsMaterial> {
  const name = host.replace(/^\[|\]$/g, "");
  let material = servers.get(name);
  if (!material) {
    ca ??= createLabCa({ commonName: "sipfleet lab CA" });
    material = ca.then(async (authority) => {
      const isIp = /^[0-9.]+$/.test(name) || name.includes(":");
      const creds = await issueServerCert(authority, {
        dnsNames: isIp ? ["localhost"] : [name],
        ipAddresses: isIp ? [name] : [],
      });
      return { certPem: creds.certPem, keyPem: creds.keyPem, caPem: authority.certPem };
    });
    servers.set(name, material);
  }
  return material;
}
