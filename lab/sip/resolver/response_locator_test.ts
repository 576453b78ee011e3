import { deepEqual, equal, rejects } from "node:assert/strict";
import type { Via } from "../message/header_values.ts";
import type { SrvRecord } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { type DnsZone, MemoryDnsLookup } from "./memory_dns_lookup.ts";
import { locateResponseTargets } from "./response_locator.ts";

const srv = (target: string, priority: number, port: number): SrvRecord => ({
  priority,
  weight: 0,
  port,
  target,
});

const zone: DnsZone = {
  a: {
    "client.lab.test": ["192.0.2.50"],
    "ua1.lab.test": ["192.0.2.51"],
    "ua2.lab.test": ["192.0.2.52"],
  },
  srv: {
    "_sips._tcp.client.lab.test": [srv("ua2.lab.test", 20, 5071), srv("ua1.lab.test", 10, 5061)],
    "_sip._udp.client.lab.test": [srv("ua1.lab.test", 0, 5090)],
    "_sip._ws.client.lab.test": [srv("ua2.lab.test", 0, 8080)],
  },
};

async function respond(sentBy: Pick<Via, "transport" | "host" | "port">) {
  const dns = new MemoryDnsLookup(zone);
  const targets = await Array.fromAsync(
    locateResponseTargets(sentBy, { dns, families: ["ipv4"], random: () => 0 }),
  );
  return { targets: targets.map((t) => `${t.protocol} ${t.host}:${t.port}`), queries: dns.queries };
}

Deno.test("RFC 3263 §5: sent-by IP address → that address, port or transport default", async () => {
  deepEqual(await respond({ transport: "UDP", host: "192.0.2.9" }), {
    targets: ["udp 192.0.2.9:5060"],
    queries: [],
  });
  deepEqual((await respond({ transport: "TLS", host: "[2001:db8::9]" })).targets, [
    "tls [2001:db8::9]:5061",
  ]);
  deepEqual((await respond({ transport: "TCP", host: "192.0.2.9", port: 6000 })).targets, [
    "tcp 192.0.2.9:6000",
  ]);
});

Deno.test("RFC 3263 §5: sent-by name with port → A/AAAA at that port, no SRV", async () => {
  deepEqual(await respond({ transport: "UDP", host: "client.lab.test", port: 5070 }), {
    targets: ["udp 192.0.2.50:5070"],
    queries: ["A client.lab.test"],
  });
});

Deno.test("RFC 3263 §5: sent-by name without port → SRV of the Via transport, in priority order", async () => {
  const tls = await respond({ transport: "TLS", host: "client.lab.test" });
  deepEqual(tls.targets, ["tls 192.0.2.51:5061", "tls 192.0.2.52:5071"]);
  equal(tls.queries[0], "SRV _sips._tcp.client.lab.test");
  deepEqual((await respond({ transport: "UDP", host: "client.lab.test" })).targets, [
    "udp 192.0.2.51:5090",
  ]);
  deepEqual((await respond({ transport: "WS", host: "client.lab.test" })).targets, [
    "ws 192.0.2.52:8080",
  ]);
});

Deno.test("RFC 3263 §5: no SRV → A/AAAA of sent-by at the transport's default port", async () => {
  deepEqual(await respond({ transport: "TCP", host: "client.lab.test" }), {
    targets: ["tcp 192.0.2.50:5060"],
    queries: ["SRV _sip._tcp.client.lab.test", "A client.lab.test"],
  });
});

Deno.test("RFC 3263 §5: a Via transport the lab lacks is refused; DNS failure is reported", async () => {
  await rejects(
    respond({ transport: "SCTP", host: "client.lab.test" }),
    (e) => e instanceof ServerLocationError && e.fault === "unsupported-transport",
  );
  const dns = new MemoryDnsLookup(zone, { failing: ["A client.lab.test"] });
  await rejects(
    Array.fromAsync(
      locateResponseTargets({ transport: "UDP", host: "client.lab.test", port: 5060 }, { dns }),
    ),
    (e) => e instanceof ServerLocationError && e.fault === "dns-failure",
  );
});
