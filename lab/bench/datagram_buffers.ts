/**
 * The buffers a UDP socket of this Deno process actually gets from the kernel, read back with
 * `ss` (its `skmem` `rb` / `tb` fields: sk_rcvbuf and sk_sndbuf), and the buffers a socket
 * that asks for a size gets (SIPp's `-buff_size`). The bench prints both under its table.
 *
 * @module
 */

/** A socket's kernel buffer sizes, bytes. */
export interface DatagramBuffers {
  receive: number;
  send: number;
}

/**
 * The `rb` and `tb` of the first `skmem:(...)` in `ss -m` output; undefined without one.
 *
 * @example
 * ```ts
 * parseSkmemBuffers("UNCONN 0 0 127.0.0.1:5060 0.0.0.0:*\n\t skmem:(r0,rb212992,t0,tb212992,f0)");
 * // { receive: 212992, send: 212992 }
 * ```
 */
export function parseSkmemBuffers(ssOutput: string): DatagramBuffers | undefined {
  const skmem = /skmem:\(([^)]*)\)/.exec(ssOutput)?.[1];
  if (skmem === undefined) return undefined;
  const field = (name: string) => {
    const match = new RegExp(`(?:^|,)${name}(\\d+)(?:,|$)`).exec(skmem);
    return match === null ? undefined : Number(match[1]);
  };
  const receive = field("rb");
  const send = field("tb");
  return receive === undefined || send === undefined ? undefined : { receive, send };
}

/**
 * What the kernel gives a socket that asks for `requested` bytes with setsockopt(SO_RCVBUF or
 * SO_SNDBUF) and no privilege: socket(7) caps the request at `rmem_max` / `wmem_max` and
 * doubles it for its bookkeeping overhead.
 *
 * @example
 * ```ts
 * grantedSocketBuffer(4_194_304, 4_194_304); // 8_388_608
 * grantedSocketBuffer(4_194_304, 212_992); // 425_984
 * ```
 */
export function grantedSocketBuffer(requested: number, max: number): number {
  return 2 * Math.min(requested, max);
}

/**
 * Binds a UDP socket on 127.0.0.1 the way the lab's agents do (Deno.listenDatagram, no
 * options), reads its buffers back with `ss`, and closes it. Undefined when `ss` is missing or
 * shows no such socket.
 *
 * @example
 * ```ts
 * const buffers = await measureDatagramBuffers(); // { receive: 212992, send: 212992 }
 * ```
 */
export async function measureDatagramBuffers(): Promise<DatagramBuffers | undefined> {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  try {
    const { port } = socket.addr as Deno.NetAddr;
    const output = await new Deno.Command("ss", {
      args: ["-uanmH", "src", `127.0.0.1:${port}`],
      stdout: "piped",
      stderr: "null",
    }).output();
    return output.success ? parseSkmemBuffers(new TextDecoder().decode(output.stdout)) : undefined;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  } finally {
    socket.close();
  }
}
