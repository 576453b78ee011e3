/**
 * Where a request goes when the caller names no destination (RFC 3261 §8.1.2): to the first
 * Route entry when there is a route set, else to the Request-URI. The lab resolves only IP
 * literals itself (RFC 3263 name resolution is the resolver's); for a host name the caller's
 * fallback — the address the dialog was set up with — is used.
 *
 * @module
 */
import { parseNameAddrList } from "../message/header_values.ts";
import type { SipRequest } from "../message/message.ts";
import { isSipUri, type SipUri } from "../message/uri.ts";
import type { Destination } from "../transaction/mod.ts";
import { isIpLiteral } from "../transport/mod.ts";

/** §19.1.2 / §26.2: default ports by transport (5061 for TLS, WS 80, WSS 443). */
function portFor(protocol: string): number {
  switch (protocol.toUpperCase()) {
    case "TLS":
      return 5061;
    case "WS":
      return 80;
    case "WSS":
      return 443;
    default:
      return 5060;
  }
}

/** The URI §8.1.2 sends to: the first Route URI, else the Request-URI. */
function targetUri(request: SipRequest): SipUri | undefined {
  const route = request.header("route");
  const uri = route !== undefined ? parseNameAddrList(route)[0]?.uri : request.requestUri;
  return uri !== undefined && isSipUri(uri) ? uri : undefined;
}

/**
 * The destination of `request` per §8.1.2 when the target URI's host is an IP literal: its
 * port (or the transport's default), its `transport` parameter (TLS for sips, else
 * `defaultProtocol`). The fallback's connection (`flowId`) is kept when the address is the
 * fallback's own. Otherwise the fallback itself; undefined when there is none.
 *
 * @example
 * ```ts
 * nextHop(bye, inviteSource, "UDP"); // { protocol: "UDP", host: "192.0.2.4", port: 5060 }
 * ```
 */
export function nextHop(
  request: SipRequest,
  fallback: Destination | undefined,
  defaultProtocol: string,
): Destination | undefined {
  const uri = targetUri(request);
  if (uri === undefined || !isIpLiteral(uri.host)) return fallback;
  let protocol = uri.scheme === "sips" ? "TLS" : (fallback?.protocol ?? defaultProtocol);
  for (const [name, value] of uri.params) {
    if (name.toLowerCase() === "transport" && value) protocol = value.toUpperCase();
  }
  const port = uri.port ?? portFor(protocol);
  if (
    fallback !== undefined && fallback.host === uri.host && fallback.port === port &&
    fallback.protocol.toUpperCase() === protocol.toUpperCase()
  ) {
    return fallback;
  }
  return { protocol, host: uri.host, port };
}
