/**
 * Loopback port bookkeeping for harnesses that hand a port number to an external tool: picking a
 * free one, and telling when the tool has bound it (Linux `/proc/net/{udp,tcp}{,6}`).
 *
 * @module
 */

/** Transport of a port. */
export type PortTransport = "udp" | "tcp";

/**
 * A port the kernel just reported free on 127.0.0.1 (bound to port 0, then released). Another
 * process may still take it before the tool binds it; harnesses treat a bind failure as fatal.
 *
 * @example
 * ```ts
 * const port = freeLoopbackPort("udp");
 * ```
 */
export function freeLoopbackPort(transport: PortTransport): number {
  if (transport === "udp") {
    const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    const { port } = socket.addr as Deno.NetAddr;
    socket.close();
    return port;
  }
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr;
  listener.close();
  return port;
}

const TCP_LISTEN_STATE = "0A";

/**
 * True when some socket is bound to `port` (UDP) or listening on it (TCP), on any local
 * address, IPv4 or IPv6.
 *
 * @example
 * ```ts
 * if (await isPortBound(5060, "udp")) console.log("something listens on 5060/udp");
 * ```
 */
export async function isPortBound(port: number, transport: PortTransport): Promise<boolean> {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const table of [`/proc/net/${transport}`, `/proc/net/${transport}6`]) {
    let text: string;
    try {
      text = await Deno.readTextFile(table);
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      // "  sl  local_address rem_address   st ...": local_address is ADDR:PORT in hex.
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local?.endsWith(`:${hexPort}`)) continue;
      if (transport === "udp" || state === TCP_LISTEN_STATE) return true;
    }
  }
  return false;
}

/**
 * True for 127.0.0.0/8, ::1 (bracketed or not) and "localhost": the only addresses the lab may
 * use.
 *
 * @example
 * ```ts
 * isLoopbackHost("[::1]"); // true
 * ```
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  return bare === "localhost" || bare === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
