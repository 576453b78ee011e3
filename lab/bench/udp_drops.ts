/**
 * The kernel's UDP drop counters (`/proc/net/snmp`, the `Udp:` rows), read before and after a
 * probe: when a UDP rate fails, `RcvbufErrors` tells a full socket buffer (datagrams dropped,
 * then retransmitted) from a slow peer. The counters are machine-wide: anything else sending
 * UDP meanwhile shows up too.
 *
 * @module
 */

/** The counters the bench reports. */
export interface UdpCounters {
  /** Datagrams dropped because a socket's receive buffer was full. */
  rcvbufErrors: number;
  /** Datagrams dropped because a send buffer was full. */
  sndbufErrors: number;
  /** Datagrams to a port nobody listens on. */
  noPorts: number;
}

/**
 * Parses the `Udp:` header and value rows of `/proc/net/snmp`; undefined when absent.
 *
 * @example
 * ```ts
 * parseUdpCounters("Udp: InDatagrams NoPorts RcvbufErrors SndbufErrors\nUdp: 9 1 2 0\n");
 * // { rcvbufErrors: 2, sndbufErrors: 0, noPorts: 1 }
 * ```
 */
export function parseUdpCounters(snmp: string): UdpCounters | undefined {
  const rows = snmp.split("\n").filter((line) => line.startsWith("Udp: "));
  if (rows.length < 2) return undefined;
  const names = rows[0].split(/\s+/).slice(1);
  const values = rows[1].split(/\s+/).slice(1).map(Number);
  const get = (name: string) => {
    const value = values[names.indexOf(name)];
    return Number.isFinite(value) ? value : 0;
  };
  return {
    rcvbufErrors: get("RcvbufErrors"),
    sndbufErrors: get("SndbufErrors"),
    noPorts: get("NoPorts"),
  };
}

/**
 * The current counters; undefined off Linux.
 *
 * @example
 * ```ts
 * const before = await readUdpCounters();
 * ```
 */
export async function readUdpCounters(): Promise<UdpCounters | undefined> {
  try {
    return parseUdpCounters(await Deno.readTextFile("/proc/net/snmp"));
  } catch {
    return undefined;
  }
}

/**
 * after − before, counter by counter; undefined if either is.
 *
 * @example
 * ```ts
 * udpCountersDelta(before, await readUdpCounters())?.rcvbufErrors;
 * ```
 */
export function udpCountersDelta(
  before: UdpCounters | undefined,
  after: UdpCounters | undefined,
): UdpCounters | undefined {
  if (before === undefined || after === undefined) return undefined;
  return {
    rcvbufErrors: after.rcvbufErrors - before.rcvbufErrors,
    sndbufErrors: after.sndbufErrors - before.sndbufErrors,
    noPorts: after.noPorts - before.noPorts,
  };
}
