/**
 * The open connections of one connection-oriented transport and how a destination picks one
 * (RFC 3261 §18.1.1 / §18.2.2 reuse, RFC 5923-style: the same connection carries requests and
 * responses both ways; RFC 5626: a flow is named by its id):
 *
 * 1. the connection named by the destination's `flowId`, when it is still open;
 * 2. otherwise any open connection to the same host and port (inbound ones included);
 * 3. otherwise a new one — concurrent sends to one address share a single attempt.
 *
 * @module
 */
import { canonicalHost } from "./address.ts";
import type { Destination } from "./destination.ts";

/** What the table needs from a connection. */
export interface TableConnection {
  /** The peer, `flowId` included. */
  readonly remote: Destination;
  /** False once closing: such a connection is never picked. */
  readonly open: boolean;
}

/**
 * Flow-id and address index over connections, with deduplicated connection attempts.
 *
 * @example
 * ```ts
 * const table = new ConnectionTable<StreamConnection>();
 * const conn = table.find(dest) ?? await table.connect(dest, (d) => dialAndAdopt(d));
 * ```
 */
export class ConnectionTable<C extends TableConnection> {
  readonly #byFlow = new Map<string, C>();
  readonly #byAddress = new Map<string, C>();
  readonly #dialing = new Map<string, Promise<C>>();

  /** Number of connections held. */
  get size(): number {
    return this.#byFlow.size;
  }

  /** Every connection held. */
  values(): IterableIterator<C> {
    return this.#byFlow.values();
  }

  /** The connection with this flow id, open or closing. */
  get(flowId: string): C | undefined {
    return this.#byFlow.get(flowId);
  }

  /** Indexes `conn` by flow id and remote address, and by `alias` too when given. */
  add(conn: C, alias?: Pick<Destination, "host" | "port">): void {
    this.#byFlow.set(conn.remote.flowId!, conn);
    this.#byAddress.set(addressKey(conn.remote), conn);
    if (alias) this.#byAddress.set(addressKey(alias), conn);
  }

  /** Forgets `conn` under every key. */
  remove(conn: C): void {
    this.#byFlow.delete(conn.remote.flowId!);
    for (const [key, c] of this.#byAddress) if (c === conn) this.#byAddress.delete(key);
  }

  /** An open connection for `dest` by flow id, then by address; undefined when none. */
  find(dest: Destination): C | undefined {
    if (dest.flowId !== undefined) {
      const byFlow = this.#byFlow.get(dest.flowId);
      if (byFlow?.open) return byFlow;
    }
    const byAddress = this.#byAddress.get(addressKey(dest));
    return byAddress?.open ? byAddress : undefined;
  }

  /**
   * Runs `open(dest)` unless an attempt to the same address is under way, whose result is then
   * shared. `open` must `add` the connection it makes.
   */
  connect(dest: Destination, open: (dest: Destination) => Promise<C>): Promise<C> {
    const key = addressKey(dest);
    let pending = this.#dialing.get(key);
    if (pending === undefined) {
      pending = open(dest).finally(() => this.#dialing.delete(key));
      this.#dialing.set(key, pending);
    }
    return pending;
  }

  /** Resolves once every connection attempt under way has succeeded or failed. */
  async settleDials(): Promise<void> {
    await Promise.allSettled(this.#dialing.values());
  }
}

function addressKey(dest: Pick<Destination, "host" | "port">): string {
  return `${canonicalHost(dest.host)}|${dest.port}`;
}
