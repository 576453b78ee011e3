/**
 * Where a client goes when the server sends it elsewhere: the Contact of a 301 to REGISTER
 * (MS-SIPREGE §5 step 5, a Director redirecting to the user's home pool) or the
 * `P-Preferred-Registrar` of a deregistration NOTIFY (MS-SIPREGE §2.2.1.8). The SIP URI becomes
 * a connection target: its `transport` parameter (MS-CONMGMT §2.1: TCP, TLS by default; `sips`
 * means TLS) and its port, else the transport's default (5061 TLS, 5060 TCP).
 *
 * @example
 * ```ts
 * registrarAddress("<sip:pool2.contoso.com:5061;transport=tls>");
 * // { protocol: "tls", host: "pool2.contoso.com", port: 5061 }
 * ```
 *
 * @module
 */
import { isSipUri, parseUri } from "../../lab/sip/message/mod.ts";

/** A server to connect to. */
export interface RegistrarAddress {
  protocol: "tls" | "tcp";
  host: string;
  port: number;
}

/**
 * Reads a SIP URI (bare or in angle brackets, with header parameters after `>` ignored);
 * undefined when it is not a sip/sips URI or names a transport other than TCP or TLS.
 */
export function registrarAddress(text: string): RegistrarAddress | undefined {
  const inner = /<([^>]*)>/.exec(text)?.[1] ?? text.trim();
  let uri;
  try {
    uri = parseUri(inner);
  } catch {
    return undefined;
  }
  if (!isSipUri(uri)) return undefined;
  const transport = uri.params.get("transport")?.toLowerCase();
  let protocol: "tls" | "tcp";
  if (uri.scheme === "sips" || transport === undefined || transport === "tls") protocol = "tls";
  else if (transport === "tcp") protocol = "tcp";
  else return undefined;
  return { protocol, host: uri.host, port: uri.port ?? (protocol === "tls" ? 5061 : 5060) };
}
