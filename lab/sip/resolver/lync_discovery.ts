/**
 * Outbound-proxy discovery of a Lync / OCS client (MS-CONMGMT §2.1: discovery by DNS SRV,
 * DNS A and SIP-server DHCP; order as in the implementation guide
 * /work/shared/protocols/MS-CONMGMT.md §2.1, "verify against MS-CONMGMT 3.1" there).
 * MS-CONMGMT §2.1 carries all SIP traffic over TCP, so only TLS and TCP targets come out.
 *
 * @module
 */
import type { SipUri } from "../message/uri.ts";
import { type DnsLookup, normalizeDnsName } from "./dns_lookup.ts";
import { LookupSession } from "./lookup_session.ts";
import type { AddressFamily, ServerTarget } from "./server_target.ts";

/** The guide §2.1 step a target came from. */
export type LyncDiscoveryStep = "manual" | "dhcp" | "srv" | "fallback-host" | "domain";

/** A target plus where discovery found it (the guide §10 measures discovery per path). */
export interface LyncServerTarget extends ServerTarget {
  protocol: "tls" | "tcp";
  step: LyncDiscoveryStep;
  /** The SRV owner name, or the host name, whose lookup gave the target. */
  source: string;
}

/** A configured server (guide §2.1 step 1). */
export interface ManualServer {
  host: string;
  /** Default 5061 for TLS, 5060 for TCP. */
  port?: number;
  /** Default "tls". */
  protocol?: "tls" | "tcp";
}

/** Where and how the client discovers. */
export interface LyncDiscoveryOptions {
  dns: DnsLookup;
  /** Step 1: a manually configured server; discovery is skipped. */
  manualServer?: ManualServer;
  /**
   * Step 2: SIP servers from DHCP option 120 (RFC 3361 §3: FQDNs for encoding 0, IPv4
   * addresses for encoding 1), each tried with TLS on 5061.
   */
  dhcpServers?: readonly string[];
  /**
   * Whether policy allows plain TCP (guide §2.1: `_sipinternal._tcp` "only if TCP is allowed
   * by policy"). Also gates `_sip._tcp` and the domain's port 5060. Default false.
   */
  allowTcp?: boolean;
  /**
   * Address questions, in order. Default `["ipv4"]`: MS-CONMGMT §2.1 names DNS A records
   * (RFC 1035 §3.4.1).
   */
  families?: readonly AddressFamily[];
  /** Random numbers in [0, 1) for the RFC 2782 weighted order. Default `Math.random`. */
  random?: () => number;
}

/** Guide §2.1 step 3: SRV owner-name prefixes in the order asked. */
const SRV_SERVICES: readonly { prefix: string; protocol: "tls" | "tcp" }[] = [
  { prefix: "_sipinternaltls._tcp", protocol: "tls" }, // internal clients
  { prefix: "_sipinternal._tcp", protocol: "tcp" }, // internal, TCP allowed by policy
  { prefix: "_sip._tls", protocol: "tls" }, // external clients (Access Edge)
  { prefix: "_sip._tcp", protocol: "tcp" }, // last resort [impl]
];

/** Guide §2.1 step 4: fallback host labels and their TLS ports (KB 2619522). */
const FALLBACK_HOSTS: readonly { label: string; port: number }[] = [
  { label: "sipinternal", port: 5061 },
  { label: "sip", port: 5061 }, // internal
  { label: "sip", port: 443 }, // external
  { label: "sipexternal", port: 443 },
];

const TLS_PORT = 5061;
const TCP_PORT = 5060;

/**
 * The outbound proxies to try for a SIP domain (the host part of the user's SIP URI), best
 * first, produced lazily. The guide §2.1 steps, each run only when the earlier ones produced
 * no target:
 *
 * 1. `manualServer`: that server alone (discovery skipped).
 * 2. `dhcpServers` (RFC 3361): each entry, TLS on 5061.
 * 3. SRV `_sipinternaltls._tcp`, `_sipinternal._tcp`, `_sip._tls`, `_sip._tcp` of the domain
 *    (the TCP names only when `allowTcp`). The first name whose records lead to an address
 *    wins: its targets, in RFC 2782 priority/weight order, are the whole answer; the other
 *    names are not tried.
 * 4. No SRV answer: A records of `sipinternal.<domain>`:5061, `sip.<domain>`:5061 then :443,
 *    `sipexternal.<domain>`:443, all that resolve, in that order, over TLS.
 * 5. Last resort: the domain itself, TLS on 5061, then TCP on 5060 when `allowTcp`.
 *
 * A DNS question that fails counts as "no records"; when nothing is found and one failed, the
 * iteration throws ServerLocationError `dns-failure`.
 *
 * @example
 * ```ts
 * for await (const t of discoverLyncServers("contoso.com", { dns })) {
 *   console.log(t.step, t.source, t.protocol, t.host, t.port);
 *   // srv _sipinternaltls._tcp.contoso.com tls 192.0.2.21 5061
 * }
 * ```
 */
export async function* discoverLyncServers(
  sipDomain: string | Pick<SipUri, "host">,
  options: LyncDiscoveryOptions,
): AsyncGenerator<LyncServerTarget> {
  const domain = normalizeDnsName(typeof sipDomain === "string" ? sipDomain : sipDomain.host);
  const allowTcp = options.allowTcp ?? false;
  const session = new LookupSession({
    dns: options.dns,
    families: options.families ?? ["ipv4"],
    random: options.random ?? Math.random,
  });
  const fromHost = (step: LyncDiscoveryStep, host: string, protocol: "tls" | "tcp", port: number) =>
    tagged(session.hostTargets(host, protocol, port), step, normalizeDnsName(host));

  // Step 1: a configured server skips discovery.
  const manual = options.manualServer;
  if (manual !== undefined) {
    const protocol = manual.protocol ?? "tls";
    yield* fromHost("manual", manual.host, protocol, manual.port ?? defaultLyncPort(protocol));
    session.finish();
    return;
  }

  // Step 2: DHCP option 120 servers.
  for (const server of options.dhcpServers ?? []) {
    yield* fromHost("dhcp", server, "tls", TLS_PORT);
  }
  if (session.produced > 0) return;

  // Step 3: SRV names in order; the first that resolves wins.
  for (const service of SRV_SERVICES) {
    if (service.protocol === "tcp" && !allowTcp) continue;
    const name = `${service.prefix}.${domain}`;
    const records = await session.srv(name);
    yield* tagged(session.srvTargets(records, service.protocol), "srv", name);
    if (session.produced > 0) return;
  }

  // Step 4: fallback host names (DNS A).
  for (const host of FALLBACK_HOSTS) {
    yield* fromHost("fallback-host", `${host.label}.${domain}`, "tls", host.port);
  }
  if (session.produced > 0) return;

  // Step 5: the domain itself.
  yield* fromHost("domain", domain, "tls", TLS_PORT);
  if (allowTcp) yield* fromHost("domain", domain, "tcp", TCP_PORT);
  session.finish();
}

/** Guide §2.1 default ports: TLS 5061, TCP 5060. */
function defaultLyncPort(protocol: "tls" | "tcp"): number {
  return protocol === "tcp" ? TCP_PORT : TLS_PORT;
}

async function* tagged(
  targets: AsyncIterable<ServerTarget>,
  step: LyncDiscoveryStep,
  source: string,
): AsyncGenerator<LyncServerTarget> {
  for await (const target of targets) {
    yield { ...target, protocol: target.protocol as "tls" | "tcp", step, source };
  }
}
