import { deepEqual, equal, throws } from "node:assert/strict";
import type { NaptrRecord } from "./dns_lookup.ts";
import { ServerLocationError } from "./location_error.ts";
import { sipNaptrChoices } from "./naptr_selection.ts";
import { naptrServiceTransport, srvPrefix, uriTransport } from "./transport_names.ts";

function naptr(order: number, preference: number, services: string, replacement: string) {
  return { order, preference, flags: "s", services, regexp: "", replacement } as NaptrRecord;
}

// RFC 3263 §4.1 example: TLS over TCP, TCP and UDP, in that order of preference.
const rfc3263Example = [
  naptr(90, 50, "SIP+D2T", "_sip._tcp.example.com"),
  naptr(100, 50, "SIP+D2U", "_sip._udp.example.com"),
  naptr(50, 50, "SIPS+D2T", "_sips._tcp.example.com"),
];

Deno.test("NAPTR: RFC 3263 §4.1 example, a client with TCP and UDP uses TCP first", () => {
  deepEqual(sipNaptrChoices(rfc3263Example, "sip", ["tcp", "udp"]), [
    { protocol: "tcp", srvName: "_sip._tcp.example.com" },
    { protocol: "udp", srvName: "_sip._udp.example.com" },
  ]);
});

Deno.test("NAPTR: a SIP URI keeps SIPS records when the client has TLS", () => {
  deepEqual(
    sipNaptrChoices(rfc3263Example, "sip", ["udp", "tcp", "tls"]).map((c) => c.protocol),
    ["tls", "tcp", "udp"],
  );
});

Deno.test("NAPTR: a SIPS URI keeps only SIPS services", () => {
  const records = [...rfc3263Example, naptr(60, 10, "SIPS+D2W", "_sips._ws.example.com")];
  deepEqual(sipNaptrChoices(records, "sips", ["udp", "tcp", "tls", "ws", "wss"]), [
    { protocol: "tls", srvName: "_sips._tcp.example.com" },
    { protocol: "wss", srvName: "_sips._ws.example.com" },
  ]);
});

Deno.test("NAPTR: order first, preference breaks ties; other flags, regexps and services dropped", () => {
  const records: NaptrRecord[] = [
    naptr(10, 30, "SIP+D2U", "_sip._udp.x.test"),
    naptr(10, 10, "SIP+D2T", "_sip._tcp.x.test"),
    naptr(5, 10, "SIP+D2S", "_sip._sctp.x.test"), // SCTP: the lab has no SCTP
    { ...naptr(1, 1, "SIP+D2U", ""), flags: "A" }, // not an SRV pointer
    { ...naptr(1, 1, "SIP+D2U", ""), regexp: "!^.*$!sip:x@y!" },
    naptr(1, 1, "E2U+sip", "_sip._udp.x.test"), // ENUM, not RFC 3263
    naptr(20, 0, "sip+d2w", "_sip._ws.x.test"), // services compare case-insensitively
  ];
  deepEqual(sipNaptrChoices(records, "sip", ["udp", "tcp", "ws"]), [
    { protocol: "tcp", srvName: "_sip._tcp.x.test" },
    { protocol: "udp", srvName: "_sip._udp.x.test" },
    { protocol: "ws", srvName: "_sip._ws.x.test" },
  ]);
});

Deno.test("transport names: NAPTR services, SRV prefixes", () => {
  equal(naptrServiceTransport("SIP+D2U"), "udp");
  equal(naptrServiceTransport("SIPS+D2T"), "tls");
  equal(naptrServiceTransport("SIPS+D2W"), "wss");
  equal(naptrServiceTransport("SIP+D2S"), undefined);
  deepEqual(
    (["udp", "tcp", "tls", "ws", "wss"] as const).map(srvPrefix),
    ["_sip._udp", "_sip._tcp", "_sips._tcp", "_sip._ws", "_sips._ws"],
  );
});

Deno.test("transport names: URI transport parameter under sip and sips", () => {
  equal(uriTransport("sip", "UDP"), "udp");
  equal(uriTransport("sip", "tcp"), "tcp");
  equal(uriTransport("sips", "tcp"), "tls");
  equal(uriTransport("sip", "tls"), "tls");
  equal(uriTransport("sip", "ws"), "ws");
  equal(uriTransport("sips", "ws"), "wss");
  throws(
    () => uriTransport("sips", "udp"),
    (e) => e instanceof ServerLocationError && e.fault === "insecure-transport",
  );
  throws(
    () => uriTransport("sip", "sctp"),
    (e) => e instanceof ServerLocationError && e.fault === "unsupported-transport",
  );
});
