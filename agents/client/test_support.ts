/**
 * Test support for the client's end-to-end tests: the real lab front end over TLS on loopback
 * (lab CA), a {@link LyncClient} aimed at it, and a log of what the client reported that tests
 * wait on (bounded).
 *
 * @module
 */
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import { FrontendAgent, type FrontendAgentOptions } from "../frontend/mod.ts";
import { labTlsMaterial } from "../lab_trust.ts";
import { LyncClient, type LyncClientOptions } from "./lync_client.ts";
import type { LyncAccount, LyncEndpoint } from "./lync_endpoint.ts";

export const DOMAIN = "lab.sipfleet.test";
const PASSWORDS = new Map([["alice", "alice-pw"], ["bob", "bob-pw"]]);

/** An account of the test user store (`password` overrides the right one). */
export function account(name: string, password = PASSWORDS.get(name)!): LyncAccount {
  return { name, aor: `sip:${name}@${DOMAIN}`, domain: DOMAIN, password };
}

type ReportKind = "online" | "ended" | "reconnecting";

/** What the client reported, in order; `next` waits for the next report of a kind. */
export class ClientReports {
  readonly #waiters: { kind: ReportKind; resolve: (ep: LyncEndpoint) => void }[] = [];

  report(kind: ReportKind, endpoint: LyncEndpoint): void {
    const at = this.#waiters.findIndex((w) => w.kind === kind);
    if (at >= 0) this.#waiters.splice(at, 1)[0].resolve(endpoint);
  }

  /** The next report of `kind` (register the wait before causing it), within `ms`. */
  next(kind: ReportKind, ms = 5000): Promise<LyncEndpoint> {
    return new Promise((resolve, reject) => {
      const waiter = {
        kind,
        resolve: (ep: LyncEndpoint) => {
          clearTimeout(timer);
          resolve(ep);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`no '${kind}' within ${ms} ms`));
      }, ms);
      this.#waiters.push(waiter);
    });
  }
}

/** Polls `condition` every 5 ms for at most `ms`. */
export async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A running front end and client. */
export interface ClientLab {
  readonly frontend: FrontendAgent;
  readonly client: LyncClient;
  readonly reports: ClientReports;
  close(): Promise<void>;
}

/** Starts the front end (TLS, the two test users) and a client aimed at it. */
export async function startClientLab(
  client: Partial<Omit<LyncClientOptions, "server" | "wheel" | "events">> = {},
  frontend: Partial<FrontendAgentOptions> = {},
): Promise<ClientLab> {
  const tls = await labTlsMaterial("127.0.0.1");
  const wheel = new TimerWheel();
  const agent = await FrontendAgent.start({
    listen: { protocol: "tls", host: "127.0.0.1", port: 0 },
    domain: DOMAIN,
    users: (name) => {
      const password = PASSWORDS.get(name);
      return password === undefined ? undefined : { password };
    },
    tls,
    wheel,
    ...frontend,
  });
  const reports = new ClientReports();
  const lync = LyncClient.start({
    server: { kind: "direct", protocol: "tls", host: "127.0.0.1", port: agent.address.port },
    caCerts: [tls.caPem!],
    wheel,
    retries: 2,
    backoff: { baseMs: 20, capMs: 100 },
    ...client,
    events: {
      online: (ep) => reports.report("online", ep),
      ended: (ep) => reports.report("ended", ep),
      reconnecting: (ep) => reports.report("reconnecting", ep),
    },
  });
  return {
    frontend: agent,
    client: lync,
    reports,
    async close() {
      await lync.stop({ graceful: false });
      await agent.stop();
      wheel.stop();
    },
  };
}
