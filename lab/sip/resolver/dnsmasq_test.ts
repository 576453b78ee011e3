/**
 * The resolver against a real name server: dnsmasq on 127.0.0.1 serving a throwaway zone
 * (lab.test, documentation addresses). Needs /usr/sbin/dnsmasq (Debian dnsmasq-base). Without
 * it the test is ignored locally and fails in CI (CI=true) with an install hint.
 */
import { deepEqual, equal, rejects } from "node:assert/strict";
import { locateSipServers } from "./client_locator.ts";
import { DenoDnsLookup } from "./deno_dns_lookup.ts";
import { DnsLookupError } from "./dns_lookup.ts";
import { dnsmasqInstalled, DnsmasqServer } from "./dnsmasq_fixture.ts";
import { ServerLocationError } from "./location_error.ts";
import { discoverLyncServers, type LyncDiscoveryOptions } from "./lync_discovery.ts";
import { locateResponseTargets } from "./response_locator.ts";
import type { ServerTarget } from "./server_target.ts";
import type { SipServerAddress } from "./client_locator.ts";
import type { TransportProtocol } from "../transport/destination.ts";

const ZONE = {
  localDomains: ["lab.test"],
  records: [
    "--host-record=pbx1.lab.test,192.0.2.11,2001:db8::11",
    "--host-record=pbx2.lab.test,192.0.2.12",
    "--host-record=pbx3.lab.test,192.0.2.13",
    "--host-record=aonly.lab.test,192.0.2.30",
    "--host-record=edge.lab.test,192.0.2.31",
    // RFC 3263 §4.1: NAPTR → SRV → A/AAAA; TLS, then TCP, then UDP.
    "--naptr-record=naptr.lab.test,10,50,S,SIPS+D2T,,_sips._tcp.naptr.lab.test",
    "--naptr-record=naptr.lab.test,20,50,S,SIP+D2T,,_sip._tcp.naptr.lab.test",
    "--naptr-record=naptr.lab.test,30,50,S,SIP+D2U,,_sip._udp.naptr.lab.test",
    "--srv-host=_sips._tcp.naptr.lab.test,pbx1.lab.test,5061,10,0",
    "--srv-host=_sips._tcp.naptr.lab.test,pbx2.lab.test,5061,20,0",
    "--srv-host=_sip._tcp.naptr.lab.test,pbx1.lab.test,5060,10,0",
    "--srv-host=_sip._udp.naptr.lab.test,pbx2.lab.test,5060,10,0",
    // SRV only: two weighted servers at priority 10, a backup at 20; TCP elsewhere.
    "--srv-host=_sip._udp.srvonly.lab.test,pbx1.lab.test,5060,10,60",
    "--srv-host=_sip._udp.srvonly.lab.test,pbx2.lab.test,5070,10,40",
    "--srv-host=_sip._udp.srvonly.lab.test,pbx3.lab.test,5080,20,0",
    "--srv-host=_sip._tcp.srvonly.lab.test,pbx3.lab.test,5090,0,0",
    // MS-CONMGMT: SRV _sip._tls wins over the sipinternal host; fallback hosts; bare domain.
    "--srv-host=_sip._tls.lync.lab.test,edge.lab.test,443,0,0",
    "--host-record=sipinternal.lync.lab.test,192.0.2.40",
    "--host-record=sip.lync2.lab.test,192.0.2.41",
    "--host-record=sipexternal.lync2.lab.test,192.0.2.42",
    "--host-record=lync3.lab.test,192.0.2.43",
    "--srv-host=_sipinternaltls._tcp.lync4.lab.test,pbx1.lab.test,5061,0,0",
    "--srv-host=_sipinternal._tcp.lync4.lab.test,pbx2.lab.test,5060,0,0",
  ],
};

const lines = (targets: ServerTarget[]) =>
  targets.map((t) => `${t.protocol} ${t.host}:${t.port} ${t.hostname}`);

const dnsmasqAvailable = await dnsmasqInstalled();

Deno.test({
  name: "resolver against dnsmasq on loopback (RFC 3263 §4/§5, MS-CONMGMT §2.1)",
  ignore: !dnsmasqAvailable && Deno.env.get("CI") !== "true",
  fn: async (t) => {
    const server = await DnsmasqServer.start(ZONE);
    let stopped = false;
    try {
      const dns = new DenoDnsLookup({ nameServer: server.nameServer, timeoutMs: 2000 });
      const locate = async (
        uri: SipServerAddress,
        transports?: readonly TransportProtocol[],
      ) => lines(await Array.fromAsync(locateSipServers(uri, { dns, transports })));

      await t.step("DenoDnsLookup: records, and [] for NXDOMAIN / NODATA", async () => {
        deepEqual(await dns.a("pbx1.lab.test"), ["192.0.2.11"]);
        deepEqual(await dns.aaaa("pbx1.lab.test"), ["2001:db8::11"]);
        deepEqual(await dns.aaaa("pbx2.lab.test"), []);
        deepEqual(await dns.a("missing.lab.test"), []);
        deepEqual(await dns.srv("_sip._tcp.aonly.lab.test"), []);
        equal((await dns.srv("_sip._udp.srvonly.lab.test")).length, 3);
        deepEqual(
          // A name server may return an RRset in any order.
          (await dns.naptr("naptr.lab.test"))
            .sort((x, y) => x.order - y.order)
            .map((r) => [r.order, r.services, r.replacement]),
          [
            [10, "SIPS+D2T", "_sips._tcp.naptr.lab.test."],
            [20, "SIP+D2T", "_sip._tcp.naptr.lab.test."],
            [30, "SIP+D2U", "_sip._udp.naptr.lab.test."],
          ],
        );
      });

      await t.step("NAPTR → SRV → A/AAAA, full failover order", async () => {
        deepEqual(await locate({ scheme: "sip", host: "naptr.lab.test" }), [
          "tls 192.0.2.11:5061 pbx1.lab.test",
          "tls [2001:db8::11]:5061 pbx1.lab.test",
          "tls 192.0.2.12:5061 pbx2.lab.test",
          "tcp 192.0.2.11:5060 pbx1.lab.test",
          "tcp [2001:db8::11]:5060 pbx1.lab.test",
          "udp 192.0.2.12:5060 pbx2.lab.test",
        ]);
        deepEqual(await locate({ scheme: "sip", host: "naptr.lab.test" }, ["udp"]), [
          "udp 192.0.2.12:5060 pbx2.lab.test",
        ]);
      });

      await t.step("sips: only the SIPS NAPTR record", async () => {
        deepEqual(await locate({ scheme: "sips", host: "naptr.lab.test" }), [
          "tls 192.0.2.11:5061 pbx1.lab.test",
          "tls [2001:db8::11]:5061 pbx1.lab.test",
          "tls 192.0.2.12:5061 pbx2.lab.test",
        ]);
      });

      await t.step(
        "SRV only: priority 10 pair (weighted) before the priority 20 backup",
        async () => {
          const targets = await locate({ scheme: "sip", host: "srvonly.lab.test" }, ["udp"]);
          equal(targets.length, 4);
          deepEqual(targets.slice(0, 3).sort(), [
            "udp 192.0.2.11:5060 pbx1.lab.test",
            "udp 192.0.2.12:5070 pbx2.lab.test",
            "udp [2001:db8::11]:5060 pbx1.lab.test",
          ]);
          equal(targets[3], "udp 192.0.2.13:5080 pbx3.lab.test");
          // With TCP preferred the TCP RRset comes first, then UDP's.
          const both = await locate({ scheme: "sip", host: "srvonly.lab.test" }, ["tcp", "udp"]);
          equal(both[0], "tcp 192.0.2.13:5090 pbx3.lab.test");
          equal(both.length, 5);
        },
      );

      await t.step("explicit transport → SRV of that transport", async () => {
        deepEqual(
          await locate({ scheme: "sip", host: "srvonly.lab.test", transportParam: "tcp" }),
          ["tcp 192.0.2.13:5090 pbx3.lab.test"],
        );
      });

      await t.step("A only: UDP 5060 for sip, TLS 5061 for sips", async () => {
        deepEqual(await locate({ scheme: "sip", host: "aonly.lab.test" }), [
          "udp 192.0.2.30:5060 aonly.lab.test",
        ]);
        deepEqual(await locate({ scheme: "sips", host: "aonly.lab.test" }), [
          "tls 192.0.2.30:5061 aonly.lab.test",
        ]);
      });

      await t.step("numeric IP and explicit port", async () => {
        deepEqual(await locate({ scheme: "sip", host: "192.0.2.77", port: 5070 }), [
          "udp 192.0.2.77:5070 192.0.2.77",
        ]);
        deepEqual(await locate({ scheme: "sip", host: "pbx1.lab.test", port: 5099 }), [
          "udp 192.0.2.11:5099 pbx1.lab.test",
          "udp [2001:db8::11]:5099 pbx1.lab.test",
        ]);
      });

      await t.step("RFC 3263 §5: response to a TLS Via whose sent-by is a name", async () => {
        const targets = await Array.fromAsync(
          locateResponseTargets({ transport: "TLS", host: "naptr.lab.test" }, { dns }),
        );
        deepEqual(lines(targets), [
          "tls 192.0.2.11:5061 pbx1.lab.test",
          "tls [2001:db8::11]:5061 pbx1.lab.test",
          "tls 192.0.2.12:5061 pbx2.lab.test",
        ]);
      });

      await t.step("MS-CONMGMT guide §2.1 discovery order", async () => {
        const discover = async (domain: string, options: Partial<LyncDiscoveryOptions> = {}) =>
          (await Array.fromAsync(discoverLyncServers(domain, { dns, ...options }))).map((t) =>
            `${t.step} ${t.source} ${t.protocol} ${t.host}:${t.port}`
          );
        deepEqual(await discover("lync.lab.test"), [
          "srv _sip._tls.lync.lab.test tls 192.0.2.31:443",
        ]);
        deepEqual(await discover("lync2.lab.test"), [
          "fallback-host sip.lync2.lab.test tls 192.0.2.41:5061",
          "fallback-host sip.lync2.lab.test tls 192.0.2.41:443",
          "fallback-host sipexternal.lync2.lab.test tls 192.0.2.42:443",
        ]);
        deepEqual(await discover("lync3.lab.test", { allowTcp: true }), [
          "domain lync3.lab.test tls 192.0.2.43:5061",
          "domain lync3.lab.test tcp 192.0.2.43:5060",
        ]);
        deepEqual(await discover("lync4.lab.test", { allowTcp: true }), [
          "srv _sipinternaltls._tcp.lync4.lab.test tls 192.0.2.11:5061",
        ]);
      });

      stopped = true;
      await server.stop();

      await t.step("a silent name server: DnsLookupError, then dns-failure", async () => {
        const dead = new DenoDnsLookup({ nameServer: server.nameServer, timeoutMs: 300 });
        await rejects(dead.a("pbx1.lab.test"), DnsLookupError);
        await rejects(
          Array.fromAsync(
            locateSipServers({ scheme: "sip", host: "lab.test" }, {
              dns: dead,
              transports: ["udp"],
              families: ["ipv4"],
            }),
          ),
          (e) => e instanceof ServerLocationError && e.fault === "dns-failure",
        );
      });
    } finally {
      if (!stopped) await server.stop();
    }
  },
});
