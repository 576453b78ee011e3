/**
 * Why a server could not be located.
 *
 * @module
 */
import type { DnsLookupError } from "./dns_lookup.ts";

/**
 * - `unsupported-transport`: the URI or Via names a transport the client does not use.
 * - `insecure-transport`: a SIPS URI names a transport without TLS (RFC 3261 §26.2.2).
 * - `dns-failure`: no target was found and at least one DNS question went unanswered;
 *   {@link ServerLocationError.failures} lists them.
 */
export type ServerLocationFault = "unsupported-transport" | "insecure-transport" | "dns-failure";

/**
 * Raised by the locators when the input cannot be resolved at all. An empty result without this
 * error means DNS answered and holds no server.
 *
 * @example
 * ```ts
 * try {
 *   await Array.fromAsync(locateSipServers({ scheme: "sips", host: "lab.test", transportParam: "udp" }, { dns }));
 * } catch (err) {
 *   if (err instanceof ServerLocationError) console.log(err.fault); // "insecure-transport"
 * }
 * ```
 */
export class ServerLocationError extends Error {
  override name = "ServerLocationError";
  constructor(
    readonly fault: ServerLocationFault,
    message: string,
    readonly failures: readonly DnsLookupError[] = [],
  ) {
    super(message, failures.length > 0 ? { cause: failures[0] } : undefined);
  }
}
