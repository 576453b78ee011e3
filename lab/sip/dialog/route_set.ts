/**
 * Route sets (RFC 3261 §12.1.1, §12.1.2) and the Request-URI / Route of requests sent inside a
 * dialog (§12.2.1.1), for loose routers (`lr`, RFC 3261 §19.1.1) and strict (RFC 2543) ones.
 *
 * @module
 */
import type { SipMessage } from "../message/message.ts";
import { formatNameAddr, type NameAddr, parseNameAddrList } from "../message/header_values.ts";
import { formatUri, isSipUri } from "../message/uri.ts";

/**
 * The route set a dialog learns from the Record-Route of the dialog-creating exchange: taken in
 * order from the request on the UAS (§12.1.1), in reverse order from the response on the UAC
 * (§12.1.2), all URI parameters preserved. Empty when there is no Record-Route.
 *
 * @example
 * ```ts
 * routeSetFromRecordRoute(okResponse, "uac").map(formatNameAddr);
 * // ["<sip:p2.example.com;lr>", "<sip:p1.example.com;lr>"] for Record-Route: p1, p2
 * ```
 */
export function routeSetFromRecordRoute(msg: SipMessage, role: "uac" | "uas"): NameAddr[] {
  const entries = msg.headerValues("record-route").flatMap(parseNameAddrList);
  return role === "uac" ? entries.reverse() : entries;
}

/** True when the route entry's URI carries the `lr` parameter (a loose router, §19.1.1). */
export function isLooseRoute(entry: NameAddr): boolean {
  if (!isSipUri(entry.uri)) return false;
  for (const name of entry.uri.params.keys()) if (name.toLowerCase() === "lr") return true;
  return false;
}

/** Where an in-dialog request goes: its Request-URI and its Route values, in order. */
export interface RequestTarget {
  requestUri: string;
  /** Route header values (name-addr text), first hop first; empty for no Route header. */
  routes: string[];
}

/**
 * RFC 3261 §12.2.1.1: the Request-URI and Route header of a request sent within a dialog.
 *
 * - empty route set: Request-URI = remote target, no Route;
 * - first route loose (`lr`): Request-URI = remote target, Route = the whole route set;
 * - first route strict: Request-URI = first route URI (stripped of parameters a Request-URI may
 *   not carry), Route = the rest of the route set followed by the remote target.
 *
 * @example
 * ```ts
 * requestTarget("sip:bob@192.0.2.4", []); // { requestUri: "sip:bob@192.0.2.4", routes: [] }
 * ```
 */
export function requestTarget(remoteTarget: string, routeSet: readonly NameAddr[]): RequestTarget {
  if (routeSet.length === 0) return { requestUri: remoteTarget, routes: [] };
  const first = routeSet[0];
  if (isLooseRoute(first)) {
    return { requestUri: remoteTarget, routes: routeSet.map(formatNameAddr) };
  }
  return {
    requestUri: requestUriFromRoute(first),
    routes: [...routeSet.slice(1).map(formatNameAddr), `<${remoteTarget}>`],
  };
}

/**
 * §12.2.1.1 strict routing: "stripping any parameters that are not allowed in a Request-URI".
 * The §19.1.1 table forbids the `method` parameter and URI headers in a Request-URI.
 */
function requestUriFromRoute(entry: NameAddr): string {
  const uri = entry.uri;
  if (!isSipUri(uri)) return entry.uriText;
  const methodParams = [...uri.params.keys()].filter((n) => n.toLowerCase() === "method");
  if (methodParams.length === 0 && uri.headers.size === 0) return entry.uriText;
  const params = new Map(uri.params);
  for (const name of methodParams) params.delete(name);
  return formatUri({ ...uri, params, headers: new Map() });
}
