import { deepEqual, equal, rejects } from "node:assert/strict";
import type { SipUri } from "../message/uri.ts";
import { type LocateOptions, locateSipServers, type SipServerAddress } from "./client_locator.ts";
import type { NaptrRecord, SrvRecord } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { type DnsZone, MemoryDnsLookup } from "./memory_dns_lookup.ts";
import type { ServerTarget } from "./server_target.ts";

const naptr = (order: number, pref: number, services: string, replacement: string) =>
  ({ order, preference: pref, flags: "S", services, regexp: "", replacement }) as NaptrRecord;
const srv = (target: string, priority: number, weight: number, port: number) =>
  ({ priority, weight, port, target }) as SrvRecord;

/** Compact "proto host:port hostname" lines, easy to compare. */
const lines = (targets: ServerTarget[]) =>
  targets.map((t) => `${t.protocol} ${t.host}:${t.port} ${t.hostname}`);

async function locate(
  uri: SipUri | SipServerAddress,
  zone: DnsZone,
  options: Partial<LocateOptions> = {},
  failing: string[] = [],
) {
  const dns = new MemoryDnsLookup(zone, { failing });
  const targets = await Array.fromAsync(
    locateSipServers(uri, { dns, random: () => 0, ...options }),
  );
  return { targets: lines(targets), queries: dns.queries };
}

const hosts: DnsZone = {
  a: { "pbx1.lab.test": ["192.0.2.11"], "pbx2.lab.test": ["192.0.2.12", "192.0.2.13"] },
  aaaa: { "pbx1.lab.test": ["2001:db8::11"] },
};

Deno.test("RFC 3263 §4.1/§4.2: numeric IP → UDP for SIP, TLS for SIPS, default ports, no DNS", async () => {
  const sip = await locate({ scheme: "sip", host: "192.0.2.40" }, {});
  deepEqual(sip, { targets: ["udp 192.0.2.40:5060 192.0.2.40"], queries: [] });
  const sips = await locate({ scheme: "sips", host: "[2001:db8::40]" }, {});
  deepEqual(sips, { targets: ["tls [2001:db8::40]:5061 2001:db8::40"], queries: [] });
  const withPort = await locate({
    scheme: "sip",
    host: "192.0.2.40",
    port: 5070,
    transportParam: "tcp",
  }, {});
  deepEqual(withPort.targets, ["tcp 192.0.2.40:5070 192.0.2.40"]);
});

Deno.test("RFC 3263 §4.2: explicit port → A/AAAA only, no NAPTR or SRV", async () => {
  const r = await locate({ scheme: "sip", host: "pbx1.lab.test", port: 5099 }, hosts);
  deepEqual(r.targets, [
    "udp 192.0.2.11:5099 pbx1.lab.test",
    "udp [2001:db8::11]:5099 pbx1.lab.test",
  ]);
  deepEqual(r.queries, ["A pbx1.lab.test", "AAAA pbx1.lab.test"]);
});

Deno.test("RFC 3263 §4.2: transport parameter → SRV of that transport, else A/AAAA", async () => {
  const zone: DnsZone = {
    ...hosts,
    srv: { "_sip._tcp.lab.test": [srv("pbx2.lab.test", 1, 0, 5080)] },
  };
  const viaSrv = await locate({ scheme: "sip", host: "lab.test", transportParam: "tcp" }, zone);
  deepEqual(viaSrv.targets, [
    "tcp 192.0.2.12:5080 pbx2.lab.test",
    "tcp 192.0.2.13:5080 pbx2.lab.test",
  ]);
  equal(viaSrv.queries[0], "SRV _sip._tcp.lab.test"); // no NAPTR question
  const noSrv = await locate({ scheme: "sip", host: "pbx1.lab.test", transportParam: "tcp" }, zone);
  deepEqual(noSrv.targets, [
    "tcp 192.0.2.11:5060 pbx1.lab.test",
    "tcp [2001:db8::11]:5060 pbx1.lab.test",
  ]);
  deepEqual(noSrv.queries, [
    "SRV _sip._tcp.pbx1.lab.test",
    "A pbx1.lab.test",
    "AAAA pbx1.lab.test",
  ]);
  // sips + transport=tcp is TLS: "_sips" service, port 5061 by default.
  const sips = await locate({ scheme: "sips", host: "pbx1.lab.test", transportParam: "tcp" }, zone);
  deepEqual(sips.queries[0], "SRV _sips._tcp.pbx1.lab.test");
  deepEqual(sips.targets[0], "tls 192.0.2.11:5061 pbx1.lab.test");
});

Deno.test("RFC 3263 §4.1: NAPTR by order/preference, filtered by client transports", async () => {
  const zone: DnsZone = {
    ...hosts,
    naptr: {
      "lab.test": [
        naptr(30, 10, "SIP+D2U", "_sip._udp.lab.test"),
        naptr(10, 10, "SIPS+D2T", "_sips._tcp.lab.test"),
        naptr(20, 10, "SIP+D2T", "_sip._tcp.lab.test"),
        naptr(5, 10, "SIP+D2S", "_sip._sctp.lab.test"),
      ],
    },
    srv: {
      "_sips._tcp.lab.test": [srv("pbx1.lab.test", 10, 0, 5061)],
      "_sip._tcp.lab.test": [srv("pbx1.lab.test", 10, 0, 5060)],
      "_sip._udp.lab.test": [srv("pbx2.lab.test", 10, 0, 5060)],
    },
  };
  const all = await locate({ scheme: "sip", host: "lab.test" }, zone);
  deepEqual(all.targets, [
    "tls 192.0.2.11:5061 pbx1.lab.test",
    "tls [2001:db8::11]:5061 pbx1.lab.test",
    "tcp 192.0.2.11:5060 pbx1.lab.test",
    "tcp [2001:db8::11]:5060 pbx1.lab.test",
    "udp 192.0.2.12:5060 pbx2.lab.test",
    "udp 192.0.2.13:5060 pbx2.lab.test",
  ]);
  equal(all.queries[0], "NAPTR lab.test");
  equal(all.queries.includes("SRV _sip._sctp.lab.test"), false);
  // A TCP/UDP-only client skips the SIPS record entirely (RFC 3263 §4.1 example).
  const plain = await locate({ scheme: "sip", host: "lab.test" }, zone, {
    transports: ["tcp", "udp"],
  });
  equal(plain.targets[0], "tcp 192.0.2.11:5060 pbx1.lab.test");
  equal(plain.queries.includes("SRV _sips._tcp.lab.test"), false);
  // A SIPS URI follows only SIPS records.
  const sips = await locate({ scheme: "sips", host: "lab.test" }, zone);
  deepEqual(sips.targets, [
    "tls 192.0.2.11:5061 pbx1.lab.test",
    "tls [2001:db8::11]:5061 pbx1.lab.test",
  ]);
});

Deno.test("RFC 3263 §4.1: no NAPTR → SRV per transport in client preference, SIPS only _sips", async () => {
  const zone: DnsZone = {
    ...hosts,
    srv: {
      "_sip._udp.lab.test": [srv("pbx2.lab.test", 10, 0, 5060)],
      "_sips._tcp.lab.test": [srv("pbx1.lab.test", 10, 0, 5061)],
    },
  };
  const sip = await locate({ scheme: "sip", host: "lab.test" }, zone, { families: ["ipv4"] });
  deepEqual(sip.queries, [
    "NAPTR lab.test",
    "SRV _sips._tcp.lab.test",
    "A pbx1.lab.test",
    "SRV _sip._tcp.lab.test",
    "SRV _sip._udp.lab.test",
    "A pbx2.lab.test",
  ]);
  deepEqual(sip.targets, [
    "tls 192.0.2.11:5061 pbx1.lab.test",
    "udp 192.0.2.12:5060 pbx2.lab.test",
    "udp 192.0.2.13:5060 pbx2.lab.test",
  ]);
  const udpFirst = await locate({ scheme: "sip", host: "lab.test" }, zone, {
    transports: ["udp", "tls"],
    families: ["ipv4"],
  });
  equal(udpFirst.targets[0], "udp 192.0.2.12:5060 pbx2.lab.test");
  const sips = await locate({ scheme: "sips", host: "lab.test" }, zone, { families: ["ipv4"] });
  deepEqual(sips.queries, ["NAPTR lab.test", "SRV _sips._tcp.lab.test", "A pbx1.lab.test"]);
});

Deno.test("RFC 3263 §4.1/§4.2: no NAPTR, no SRV → A/AAAA at 5060 UDP (SIP) or 5061 TLS (SIPS)", async () => {
  const zone: DnsZone = { a: { "lab.test": ["192.0.2.30"] } };
  const sip = await locate({ scheme: "sip", host: "LAB.test" }, zone);
  deepEqual(sip.targets, ["udp 192.0.2.30:5060 lab.test"]);
  const sips = await locate({ scheme: "sips", host: "lab.test" }, zone);
  deepEqual(sips.targets, ["tls 192.0.2.30:5061 lab.test"]);
  // A client without UDP falls back to TCP for a SIP URI.
  const tcpOnly = await locate({ scheme: "sip", host: "lab.test" }, zone, { transports: ["tcp"] });
  deepEqual(tcpOnly.targets, ["tcp 192.0.2.30:5060 lab.test"]);
});

Deno.test("RFC 3263 §4.3 + RFC 2782: priority, weight and per-target addresses give the failover list", async () => {
  const zone: DnsZone = {
    a: {
      "a.lab.test": ["192.0.2.1"],
      "b.lab.test": ["192.0.2.2", "192.0.2.3"],
      "c.lab.test": ["192.0.2.4"],
    },
    aaaa: { "b.lab.test": ["2001:db8::2"] },
    srv: {
      "_sip._udp.lab.test": [
        srv("c.lab.test", 20, 0, 5062),
        srv("a.lab.test", 10, 10, 5060),
        srv("b.lab.test", 10, 90, 5061),
      ],
    },
  };
  // Draw 50 of 0..100 picks b (running sums 10, 100), then a, then c.
  const draws = [50 / 101 + 0.001, 0, 0];
  const r = await locate({ scheme: "sip", host: "lab.test" }, zone, {
    transports: ["udp"],
    random: () => draws.shift()!,
  });
  deepEqual(r.targets, [
    "udp 192.0.2.2:5061 b.lab.test",
    "udp 192.0.2.3:5061 b.lab.test",
    "udp [2001:db8::2]:5061 b.lab.test",
    "udp 192.0.2.1:5060 a.lab.test",
    "udp 192.0.2.4:5062 c.lab.test",
  ]);
  // IPv6 first when asked.
  const v6 = await locate({ scheme: "sip", host: "lab.test" }, zone, {
    transports: ["udp"],
    families: ["ipv6", "ipv4"],
    random: () => 0.9,
  });
  equal(v6.targets[0], "udp [2001:db8::2]:5061 b.lab.test");
});

Deno.test("RFC 2782: target '.' means no service — nothing, and no A/AAAA fallback", async () => {
  const zone: DnsZone = {
    a: { "lab.test": ["192.0.2.30"] },
    srv: { "_sip._udp.lab.test": [srv(".", 0, 0, 0)] },
  };
  const r = await locate({ scheme: "sip", host: "lab.test" }, zone, { transports: ["udp"] });
  deepEqual(r.targets, []);
  // Neither "." itself nor the domain is looked up.
  deepEqual(r.queries, ["NAPTR lab.test", "SRV _sip._udp.lab.test"]);
});

Deno.test("lazy failover: the next target's addresses are asked for only when needed", async () => {
  const dns = new MemoryDnsLookup({
    ...hosts,
    srv: {
      "_sip._udp.lab.test": [srv("pbx1.lab.test", 1, 0, 5060), srv("pbx2.lab.test", 2, 0, 5060)],
    },
  });
  const located = locateSipServers({ scheme: "sip", host: "lab.test" }, {
    dns,
    transports: ["udp"],
  });
  const first = await located.next();
  equal((first.value as ServerTarget).hostname, "pbx1.lab.test");
  await located.return(undefined);
  equal(dns.queries.some((q) => q.endsWith("pbx2.lab.test")), false);
});

Deno.test("the same address reached twice comes out once", async () => {
  const zone: DnsZone = {
    ...hosts,
    srv: {
      "_sip._udp.lab.test": [srv("pbx1.lab.test", 1, 0, 5060), srv("PBX1.lab.test.", 2, 0, 5060)],
    },
  };
  const r = await locate({ scheme: "sip", host: "lab.test" }, zone, {
    transports: ["udp"],
    families: ["ipv4"],
  });
  deepEqual(r.targets, ["udp 192.0.2.11:5060 pbx1.lab.test"]);
  equal(r.queries.filter((q) => q === "A pbx1.lab.test").length, 1);
});

Deno.test("a parsed SipUri: transport and maddr parameters (any letter case) are honoured", async () => {
  const uri: SipUri = {
    scheme: "sip",
    user: "alice",
    host: "lab.test",
    params: new Map([["Transport", "TCP"], ["maddr", "192.0.2.77"]]),
    headers: new Map(),
  };
  const r = await locate(uri, {});
  deepEqual(r, { targets: ["tcp 192.0.2.77:5060 192.0.2.77"], queries: [] });
});

Deno.test("DNS failures: fall back past a failed question; throw dns-failure when nothing is found", async () => {
  const zone: DnsZone = { a: { "lab.test": ["192.0.2.30"] } };
  const partial = await locate({ scheme: "sip", host: "lab.test" }, zone, { transports: ["udp"] }, [
    "NAPTR lab.test",
  ]);
  deepEqual(partial.targets, ["udp 192.0.2.30:5060 lab.test"]);

  const dns = new MemoryDnsLookup(zone, {
    failing: ["NAPTR lab.test", "SRV _sip._udp.lab.test", "A lab.test", "AAAA lab.test"],
  });
  await rejects(
    Array.fromAsync(
      locateSipServers({ scheme: "sip", host: "lab.test" }, { dns, transports: ["udp"] }),
    ),
    (e) => e instanceof ServerLocationError && e.fault === "dns-failure" && e.failures.length === 4,
  );
  // Nothing found without failures is an empty answer, not an error.
  const none = await locate({ scheme: "sip", host: "nowhere.lab.test" }, {});
  deepEqual(none.targets, []);
});

Deno.test("a target whose address lookup fails is skipped; the next one follows", async () => {
  const r = await locate(
    { scheme: "sip", host: "lab.test" },
    {
      ...hosts,
      srv: {
        "_sip._udp.lab.test": [srv("pbx1.lab.test", 1, 0, 5060), srv("pbx2.lab.test", 2, 0, 5060)],
      },
    },
    { transports: ["udp"], families: ["ipv4"] },
    ["A pbx1.lab.test"],
  );
  deepEqual(r.targets, ["udp 192.0.2.12:5060 pbx2.lab.test", "udp 192.0.2.13:5060 pbx2.lab.test"]);
});

Deno.test("transports the client lacks, and UDP under SIPS, are refused", async () => {
  const dns = new MemoryDnsLookup({});
  const attempt = (uri: SipServerAddress, transports?: LocateOptions["transports"]) =>
    Array.fromAsync(locateSipServers(uri, { dns, transports }));
  await rejects(
    attempt({ scheme: "sip", host: "lab.test", transportParam: "sctp" }),
    (e) => e instanceof ServerLocationError && e.fault === "unsupported-transport",
  );
  await rejects(
    attempt({ scheme: "sip", host: "lab.test", transportParam: "ws" }),
    (e) => e instanceof ServerLocationError && e.fault === "unsupported-transport",
  );
  await rejects(
    attempt({ scheme: "sips", host: "lab.test", transportParam: "udp" }),
    (e) => e instanceof ServerLocationError && e.fault === "insecure-transport",
  );
  await rejects(
    attempt({ scheme: "sips", host: "192.0.2.1" }, ["udp", "tcp"]),
    (e) => e instanceof ServerLocationError && e.fault === "unsupported-transport",
  );
  deepEqual(dns.queries, []);
});
