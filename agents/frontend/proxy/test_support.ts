/**
 * A loopback lab for proxy tests (and the IM agent's): a front-end-like core whose handler
 * looks users up in a plain map and forwards through a {@link StatefulProxy}, and user agent
 * cores for the endpoints. Not part of the public API.
 *
 * @module
 */
import type { SipRequest, SipUri } from "../../../lab/sip/message/mod.ts";
import type { TimerWheel } from "../../../lab/sip/timer/mod.ts";
import type { Destination, ServerTransaction } from "../../../lab/sip/transaction/mod.ts";
import { TransportManager } from "../../../lab/sip/transport/mod.ts";
import { type UaHandler, UserAgentCore } from "../../../lab/sip/ua/mod.ts";
import { diagnosticsFor, setDiagnostics } from "../../../lab/protocols/ocer/mod.ts";
import type { ProxyTarget } from "./proxy_options.ts";
import { StatefulProxy } from "./stateful_proxy.ts";

/** Methods every lab core serves. */
export const LAB_METHODS = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "MESSAGE", "INFO"];

/** A core on 127.0.0.1 UDP, ephemeral port. */
export interface LabCore {
  core: UserAgentCore<TransportManager>;
  address: Destination;
  /** The Contact URI. */
  contact: string;
}

/**
 * Starts a core named `user` with `handler` (whose `core` it may read from the returned value).
 *
 * @example
 * ```ts
 * const bob = await startLabCore("bob", { onRequest: (tx, req) => answer(tx, req) });
 * ```
 */
export async function startLabCore(
  user: string,
  handler: UaHandler,
  wheel?: TimerWheel,
  protocol: "udp" | "tcp" = "udp",
): Promise<LabCore> {
  const core = new UserAgentCore({
    createTransport: (events) => new TransportManager({ events }),
    handler,
    wheel,
    allowedMethods: LAB_METHODS,
  });
  const local = await core.transport.add(protocol).listen({ hostname: "127.0.0.1", port: 0 });
  const param = protocol === "udp" ? "" : `;transport=${protocol}`;
  const contact = `sip:${user}@${local.host}:${local.port}${param}`;
  const via = protocol.toUpperCase();
  core.start({ viaHost: local.host, viaPort: local.port, protocol: via, contact });
  return { core, contact, address: { protocol: via, host: local.host, port: local.port } };
}

/** The front end of the lab: users → endpoint cores, and the proxy. */
export class ProxyLab {
  /** User part → the endpoints registered for it. */
  readonly users = new Map<string, LabCore[]>();
  readonly forwarded: SipRequest[] = [];
  proxy!: StatefulProxy;
  front!: LabCore;

  /** Starts the front end on `wheel` (virtual in Timer C tests). */
  static async start(wheel: TimerWheel, protocol: "udp" | "tcp" = "udp"): Promise<ProxyLab> {
    const lab = new ProxyLab();
    lab.front = await startLabCore(
      "frontend",
      {
        onRequest: (tx, request) => lab.#onRequest(tx, request),
      },
      wheel,
      protocol,
    );
    lab.proxy = new StatefulProxy(lab.front.core, {
      wheel,
      serverName: "fe.lab.test",
      locate: (uri) => lab.#locate(uri),
      prepareBranch: (branch) => void lab.forwarded.push(branch),
    });
    return lab;
  }

  register(user: string, endpoint: LabCore): void {
    const list = this.users.get(user) ?? [];
    list.push(endpoint);
    this.users.set(user, list);
  }

  async stop(): Promise<void> {
    this.proxy.stop();
    await this.front.core.stop();
  }

  #onRequest(tx: ServerTransaction, request: SipRequest): void {
    const uri = request.requestUri as SipUri;
    const endpoints = this.users.get(uri.user ?? "");
    if (endpoints === undefined) {
      // The front end's answer for a user it does not know (MS-OCER 4005).
      const core = this.front.core;
      const plan = diagnosticsFor("user-not-found", { source: "fe.lab.test" });
      const response = core.createResponse(request, plan.status);
      setDiagnostics(response, plan.diagnostics, plan.header);
      core.respond(tx, response);
      return;
    }
    const targets: ProxyTarget[] = endpoints.map((e) => ({
      uri: e.contact,
      destination: e.address,
    }));
    this.proxy.forward(tx, request, targets);
  }

  #locate(uri: SipUri): Destination | undefined {
    for (const list of this.users.values()) {
      for (const e of list) if (e.contact.includes(`@${uri.host}:${uri.port}`)) return e.address;
    }
    return undefined;
  }
}

/** Resolves once `condition()` holds; rejects after `timeoutMs` (polling every 5 ms). */
export async function waitUntil(
  condition: () => boolean,
  what: string,
  timeoutMs = 3000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
