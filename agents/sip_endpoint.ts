/**
 * One SIP endpoint of the fleet: a user agent core bound to one listening transport. Agents
 * share an endpoint between many simulated users (one socket, SIPp-style), so the per-user
 * cost is the call state, not a socket.
 *
 * @example
 * ```ts
 * const endpoint = await openEndpoint({
 *   listen: { protocol: "udp", host: "127.0.0.1", port: 0 },
 *   user: "uas",
 *   handler: { onRequest: (tx, req) => endpoint.core.respond(tx, endpoint.core.createResponse(req, 200)) },
 * });
 * await endpoint.close();
 * ```
 *
 * @module
 */
import type { TimerWheel } from "../lab/sip/timer/mod.ts";
import type { TransactionMetricsSink } from "../lab/sip/transaction/mod.ts";
import {
  TransportManager,
  type TransportMetricsSink,
  type TransportProtocol,
  viaTransportName,
} from "../lab/sip/transport/mod.ts";
import {
  type UaHandler,
  type UaMetricsSink,
  UserAgentCore,
  type UserAgentCoreOptions,
} from "../lab/sip/ua/mod.ts";

/** Where an endpoint listens: `udp:127.0.0.1:5060` as an object. */
export interface ListenAddress {
  protocol: TransportProtocol;
  host: string;
  port: number;
}

/** Certificates for TLS and WSS: the server's own, and the CA a client trusts. */
export interface TlsMaterial {
  certPem?: string;
  keyPem?: string;
  caPem?: string;
}

/** What {@link openEndpoint} needs. */
export interface EndpointOptions {
  listen: ListenAddress;
  /** User part of the Contact URI. */
  user: string;
  handler: UaHandler;
  wheel?: TimerWheel;
  metrics?: TransactionMetricsSink & TransportMetricsSink;
  /** Answers the core gives by itself, stray messages (RFC 3261 §8.2, §12.2.2, §13.3.1.4). */
  uaMetrics?: UaMetricsSink;
  tls?: TlsMaterial;
  allowedMethods?: readonly string[];
  /** More core options: option tags (§8.2.2.3) and the hooks on messages the core builds. */
  core?: Pick<
    UserAgentCoreOptions<TransportManager>,
    "supportedExtensions" | "prepareRequest" | "prepareResponse"
  >;
}

/** A listening endpoint. */
export interface Endpoint {
  readonly core: UserAgentCore<TransportManager>;
  /** Where it listens, with the port actually bound. */
  readonly address: ListenAddress;
  close(): Promise<void>;
}

/**
 * Parses `udp:127.0.0.1:5060`, `tcp:[::1]:5060`, `tls:localhost:5061` (RFC 3261 §19.1.1 host
 * syntax). Throws with a message naming the expected form.
 */
export function parseListenAddress(text: string): ListenAddress {
  const m = /^(udp|tcp|tls|ws|wss):(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(text);
  if (!m || Number(m[3]) > 65535) {
    throw new Error(`bad address '${text}': expected <udp|tcp|tls|ws|wss>:<host>:<port>`);
  }
  return { protocol: m[1] as TransportProtocol, host: m[2], port: Number(m[3]) };
}

/** Formats an address back to `udp:127.0.0.1:5060`. */
export function formatListenAddress(a: ListenAddress): string {
  return `${a.protocol}:${a.host}:${a.port}`;
}

/** Opens a transport, binds it and starts a user agent core on it. */
export async function openEndpoint(opts: EndpointOptions): Promise<Endpoint> {
  const { listen, metrics, tls } = opts;
  const core = new UserAgentCore({
    createTransport: (events) => new TransportManager({ events, metrics }),
    handler: opts.handler,
    wheel: opts.wheel,
    metrics: { transaction: metrics, ua: opts.uaMetrics },
    allowedMethods: opts.allowedMethods,
    ...opts.core,
  });
  const settings = {
    cert: tls?.certPem,
    key: tls?.keyPem,
    caCerts: tls?.caPem ? [tls.caPem] : undefined,
  };
  const transport = listen.protocol === "udp"
    ? core.transport.add("udp")
    : core.transport.add(listen.protocol, settings);
  let local;
  try {
    local = await transport.listen({ hostname: bare(listen.host), port: listen.port });
  } catch (error) {
    await core.stop();
    throw error;
  }
  core.start({
    viaHost: local.host,
    viaPort: local.port,
    protocol: viaTransportName(listen.protocol),
    contact: `sip:${opts.user}@${local.host}:${local.port}` +
      (listen.protocol === "udp" ? "" : `;transport=${listen.protocol}`),
  });
  return {
    core,
    address: { protocol: listen.protocol, host: local.host, port: local.port },
    close: () => core.stop(),
  };
}

function bare(host: string): string {
  return host.startsWith("[") ? host.slice(1, -1) : host;
}
