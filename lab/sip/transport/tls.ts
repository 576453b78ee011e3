/**
 * SIP over TLS (RFC 3261 §18, §26.2.1; RFC 5922 certificates): `Deno.listenTls` /
 * `Deno.connectTls` (rustls) under the shared {@link StreamTransport} machinery. The server
 * presents a certificate chain (lab/pki issues one); the client trusts the CAs given.
 *
 * @module
 */
import { StreamTransport, type StreamTransportConfig } from "./stream_transport.ts";
import type { ListenOptions } from "./transport.ts";

/** TLS options on top of the stream ones. */
export interface TlsTransportConfig extends StreamTransportConfig {
  /** Server certificate chain, PEM (needed to `listen`). */
  cert?: string;
  /** Server private key, PEM (PKCS#8, SEC1 or PKCS#1). */
  key?: string;
  /** Extra trust anchors for outbound connections, PEM (e.g. the lab CA). */
  caCerts?: string[];
}

/**
 * A TLS transport.
 *
 * @example
 * ```ts
 * const ca = await createLabCa({ commonName: "lab CA" });
 * const { certPem, keyPem } = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
 * const server = new TlsTransport({ events, cert: certPem, key: keyPem });
 * await server.listen({ hostname: "127.0.0.1", port: 0 });
 * const client = new TlsTransport({ events, caCerts: [ca.certPem] });
 * ```
 */
export class TlsTransport extends StreamTransport {
  readonly protocol = "tls" as const;
  readonly #config: TlsTransportConfig;

  constructor(config: TlsTransportConfig) {
    super("tls", config);
    this.#config = config;
  }

  protected openListener(opts: ListenOptions): Deno.Listener {
    const { cert, key } = this.#config;
    if (cert === undefined || key === undefined) {
      throw new Error("TlsTransport: listen needs cert and key");
    }
    return Deno.listenTls({
      transport: "tcp",
      hostname: opts.hostname,
      port: opts.port,
      cert,
      key,
    });
  }

  protected async dial(hostname: string, port: number): Promise<Deno.Conn> {
    const conn = await Deno.connectTls({ hostname, port, caCerts: this.#config.caCerts });
    try {
      // Handshake now, so that a certificate failure rejects the send that opened the flow.
      await conn.handshake();
    } catch (e) {
      conn.close();
      throw e;
    }
    return conn;
  }
}
