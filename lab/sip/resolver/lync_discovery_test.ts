import { deepEqual, equal, rejects } from "node:assert/strict";
import type { SrvRecord } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { discoverLyncServers, type LyncDiscoveryOptions } from "./lync_discovery.ts";
import { type DnsZone, MemoryDnsLookup } from "./memory_dns_lookup.ts";

const srv = (target: string, priority: number, weight: number, port: number): SrvRecord => ({
  priority,
  weight,
  port,
  target,
});

async function discover(
  zone: DnsZone,
  options: Partial<LyncDiscoveryOptions> = {},
  failing: string[] = [],
) {
  const dns = new MemoryDnsLookup(zone, { failing });
  const targets = await Array.fromAsync(
    discoverLyncServers("contoso.test", { dns, random: () => 0, ...options }),
  );
  return {
    targets: targets.map((t) => `${t.step} ${t.source} ${t.protocol} ${t.host}:${t.port}`),
    queries: dns.queries,
  };
}

Deno.test("MS-CONMGMT guide §2.1: lookup order with nothing published (TLS only)", async () => {
  const r = await discover({});
  deepEqual(r.targets, []);
  deepEqual(r.queries, [
    "SRV _sipinternaltls._tcp.contoso.test",
    "SRV _sip._tls.contoso.test",
    "A sipinternal.contoso.test",
    "A sip.contoso.test", // asked once for both :5061 and :443
    "A sipexternal.contoso.test",
    "A contoso.test",
  ]);
});

Deno.test("MS-CONMGMT guide §2.1: with TCP allowed by policy the TCP SRV names join in order", async () => {
  const r = await discover({}, { allowTcp: true });
  deepEqual(r.queries.filter((q) => q.startsWith("SRV")), [
    "SRV _sipinternaltls._tcp.contoso.test",
    "SRV _sipinternal._tcp.contoso.test",
    "SRV _sip._tls.contoso.test",
    "SRV _sip._tcp.contoso.test",
  ]);
});

Deno.test("MS-CONMGMT guide §2.1 step 3: the first SRV name that resolves wins", async () => {
  const zone: DnsZone = {
    srv: {
      "_sipinternaltls._tcp.contoso.test": [
        srv("pool2.contoso.test", 10, 0, 5061),
        srv("pool1.contoso.test", 0, 0, 5061),
      ],
      "_sip._tls.contoso.test": [srv("edge.contoso.test", 0, 0, 443)],
    },
    a: {
      "pool1.contoso.test": ["192.0.2.21"],
      "pool2.contoso.test": ["192.0.2.22"],
      "edge.contoso.test": ["192.0.2.30"],
      "sipinternal.contoso.test": ["192.0.2.40"],
    },
  };
  const r = await discover(zone);
  deepEqual(r.targets, [
    "srv _sipinternaltls._tcp.contoso.test tls 192.0.2.21:5061",
    "srv _sipinternaltls._tcp.contoso.test tls 192.0.2.22:5061",
  ]);
  equal(r.queries.includes("SRV _sip._tls.contoso.test"), false);
  equal(r.queries.includes("A sipinternal.contoso.test"), false);
});

Deno.test("MS-CONMGMT guide §2.1 step 3: an SRV name leading to no address does not win", async () => {
  const zone: DnsZone = {
    srv: {
      "_sipinternaltls._tcp.contoso.test": [srv("gone.contoso.test", 0, 0, 5061)],
      "_sip._tls.contoso.test": [srv("edge.contoso.test", 0, 0, 443)],
    },
    a: { "edge.contoso.test": ["192.0.2.30"] },
  };
  deepEqual((await discover(zone)).targets, ["srv _sip._tls.contoso.test tls 192.0.2.30:443"]);
});

Deno.test("MS-CONMGMT guide §2.1 step 4: fallback hosts, all that resolve, with their ports", async () => {
  const zone: DnsZone = {
    a: {
      "sip.contoso.test": ["192.0.2.41"],
      "sipexternal.contoso.test": ["192.0.2.42"],
      "contoso.test": ["192.0.2.43"],
    },
  };
  const r = await discover(zone);
  deepEqual(r.targets, [
    "fallback-host sip.contoso.test tls 192.0.2.41:5061",
    "fallback-host sip.contoso.test tls 192.0.2.41:443",
    "fallback-host sipexternal.contoso.test tls 192.0.2.42:443",
  ]);
  equal(r.queries.includes("A contoso.test"), false);
});

Deno.test("MS-CONMGMT guide §2.1 step 5: the domain itself, TLS 5061 then TCP 5060 if allowed", async () => {
  const zone: DnsZone = { a: { "contoso.test": ["192.0.2.43"] } };
  deepEqual((await discover(zone)).targets, ["domain contoso.test tls 192.0.2.43:5061"]);
  deepEqual((await discover(zone, { allowTcp: true })).targets, [
    "domain contoso.test tls 192.0.2.43:5061",
    "domain contoso.test tcp 192.0.2.43:5060",
  ]);
});

Deno.test("MS-CONMGMT guide §2.1 steps 1-2: manual server skips discovery; DHCP list before DNS", async () => {
  const manual = await discover({}, { manualServer: { host: "192.0.2.99", protocol: "tcp" } });
  deepEqual(manual, { targets: ["manual 192.0.2.99 tcp 192.0.2.99:5060"], queries: [] });

  const zone: DnsZone = {
    a: { "pool.contoso.test": ["192.0.2.60"] },
    srv: { "_sipinternaltls._tcp.contoso.test": [srv("pool.contoso.test", 0, 0, 5061)] },
  };
  const dhcp = await discover(zone, { dhcpServers: ["192.0.2.61", "pool.contoso.test"] });
  deepEqual(dhcp.targets, [
    "dhcp 192.0.2.61 tls 192.0.2.61:5061",
    "dhcp pool.contoso.test tls 192.0.2.60:5061",
  ]);
  deepEqual(dhcp.queries, ["A pool.contoso.test"]);

  // DHCP names that do not resolve leave discovery to DNS.
  const stale = await discover(zone, { dhcpServers: ["old.contoso.test"] });
  deepEqual(stale.targets, ["srv _sipinternaltls._tcp.contoso.test tls 192.0.2.60:5061"]);
});

Deno.test("MS-CONMGMT: IPv4 only by default (DNS A, §2.1); IPv6 on request", async () => {
  const zone: DnsZone = {
    a: { "contoso.test": ["192.0.2.43"] },
    aaaa: { "contoso.test": ["2001:db8::43"] },
  };
  equal((await discover(zone)).queries.some((q) => q.startsWith("AAAA")), false);
  deepEqual((await discover(zone, { families: ["ipv6", "ipv4"] })).targets, [
    "domain contoso.test tls [2001:db8::43]:5061",
    "domain contoso.test tls 192.0.2.43:5061",
  ]);
});

Deno.test("MS-CONMGMT: a parsed URI's host is the SIP domain; DNS outage is an error", async () => {
  const dns = new MemoryDnsLookup({ a: { "contoso.test": ["192.0.2.43"] } });
  const fromUri = await Array.fromAsync(discoverLyncServers({ host: "Contoso.Test" }, { dns }));
  equal(fromUri[0].host, "192.0.2.43");

  const down = new MemoryDnsLookup({}, {
    failing: [
      "SRV _sipinternaltls._tcp.contoso.test",
      "SRV _sip._tls.contoso.test",
      "A sipinternal.contoso.test",
      "A sip.contoso.test",
      "A sipexternal.contoso.test",
      "A contoso.test",
    ],
  });
  await rejects(
    Array.fromAsync(discoverLyncServers("contoso.test", { dns: down })),
    (e) => e instanceof ServerLocationError && e.fault === "dns-failure" && e.failures.length === 6,
  );
});
