/**
 * SIP over TCP (RFC 3261 §18): `Deno.listen` / `Deno.connect` under the shared
 * {@link StreamTransport} machinery.
 *
 * @module
 */
import { StreamTransport, type StreamTransportConfig } from "./stream_transport.ts";
import type { ListenOptions } from "./transport.ts";

/**
 * A TCP transport.
 *
 * @example
 * ```ts
 * const tcp = new TcpTransport({ events: { onMessage: (msg, src) => console.log(src.flowId) } });
 * await tcp.listen({ hostname: "127.0.0.1", port: 0 });
 * await tcp.send(request, { protocol: "tcp", host: "127.0.0.1", port: 5060 });
 * await tcp.close();
 * ```
 */
export class TcpTransport extends StreamTransport {
  readonly protocol = "tcp" as const;

  constructor(config: StreamTransportConfig) {
    super("tcp", config);
  }

  protected openListener(opts: ListenOptions): Deno.Listener {
    return Deno.listen({ transport: "tcp", hostname: opts.hostname, port: opts.port });
  }

  protected dial(hostname: string, port: number): Promise<Deno.Conn> {
    return Deno.connect({ transport: "tcp", hostname, port });
  }
}
