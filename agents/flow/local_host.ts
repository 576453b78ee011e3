/**
 * Which local address a flow binds, and so puts in `[local_ip]`: one that can reach the
 * target. A loopback target is reached from the loopback address of its family; any other
 * from the first non-internal interface address of the target's family.
 *
 * @module
 */
import { bareHost, isIpLiteral } from "../../lab/sip/transport/mod.ts";

/**
 * The local host to bind for talking to `remoteHost` (bare IP, no brackets).
 *
 * @example
 * ```ts
 * localHostFor("127.0.0.1"); // "127.0.0.1"
 * localHostFor("[::1]"); // "::1"
 * ```
 */
export function localHostFor(remoteHost: string): string {
  const remote = bareHost(remoteHost).toLowerCase();
  const ipv6 = remote.includes(":");
  if (remote === "localhost" || /^127\./.test(remote)) return "127.0.0.1";
  if (remote === "::1") return "::1";
  const family = ipv6 ? "IPv6" : "IPv4";
  const candidates = Deno.networkInterfaces().filter((i) =>
    i.family === family && !isLoopbackAddress(i.address) && !/^fe80:/i.test(i.address)
  );
  const chosen = candidates[0]?.address;
  if (chosen === undefined) {
    throw new Error(
      `no ${family} interface to reach ${remoteHost}${
        isIpLiteral(remoteHost) ? "" : " (a name: give the flow a localHost)"
      }`,
    );
  }
  return chosen;
}

function isLoopbackAddress(address: string): boolean {
  return address === "::1" || /^127\./.test(address);
}
