/**
 * The request a proxy sends on one branch (RFC 3261 §16.6 steps 1–4 and 8) and the Route
 * processing that comes before (§16.4).
 *
 * @module
 */
import {
  formatNameAddr,
  isSipUri,
  type NameAddr,
  parseNameAddr,
  parseNameAddrList,
  SipRequest,
  type SipUri,
  type Uri,
} from "../../../lab/sip/message/mod.ts";

/** §16.6 step 3 / §8.1.1.6: the Max-Forwards a request without one gets. */
const DEFAULT_MAX_FORWARDS = 70;

/**
 * §16.6 step 1: "a copy of the received request": every header field in order and the same
 * body bytes (never changed in place).
 *
 * @example
 * ```ts
 * const copy = copyRequest(invite);
 * copy.uri = "sip:bob@192.0.2.7"; // invite is untouched
 * ```
 */
export function copyRequest(request: SipRequest): SipRequest {
  const copy = new SipRequest(request.method, request.uri, request.version);
  for (const field of request.headers) copy.addHeader(field.name, field.value);
  copy.body = request.body;
  return copy;
}

/**
 * The Max-Forwards value of `request`: the header's, or undefined when absent or not a number.
 *
 * @example
 * ```ts
 * maxForwards(invite); // 70
 * ```
 */
export function maxForwards(request: SipRequest): number | undefined {
  const value = request.header("max-forwards");
  if (value === undefined || !/^\s*\d{1,9}\s*$/.test(value)) return undefined;
  return Number(value);
}

/**
 * §16.4: removes the first Route value when `isLocal` says it is this proxy's (a loose
 * router's Record-Route coming back). When the Request-URI is a Record-Route value of this
 * proxy (`isOwnRecordRoute`, default `isLocal`: a strict router upstream put it there) and
 * there is a Route, the last Route value becomes the Request-URI and is removed. Edits
 * `request` in place.
 *
 * @example
 * ```ts
 * // Route: <sip:127.0.0.1:5060;lr>, <sip:edge.lab.test;lr>
 * popOwnRoute(bye, isLocal); // Route: <sip:edge.lab.test;lr>
 * ```
 */
export function popOwnRoute(
  request: SipRequest,
  isLocal: (uri: Uri) => boolean,
  isOwnRecordRoute: (uri: Uri) => boolean = isLocal,
): void {
  if (isOwnRecordRoute(request.requestUri)) {
    const routes = routeValues(request);
    const last = routes.pop();
    if (last !== undefined) {
      request.uri = last.uriText;
      setRoutes(request, routes);
    }
  }
  const routes = routeValues(request);
  if (routes.length > 0 && isLocal(routes[0].uri)) setRoutes(request, routes.slice(1));
}

/**
 * The branch request (§16.6 steps 1–4): a copy with Request-URI `target`, Max-Forwards one
 * less (70 when absent) and, when `recordRoute` is given, that URI on top of Record-Route
 * with `lr` (§16.6 step 4, §19.1.1). Via is the caller's (step 8).
 *
 * @example
 * ```ts
 * const branch = branchRequest(invite, "sip:bob@192.0.2.7:5060", "sip:192.0.2.1:5060;lr");
 * ```
 */
export function branchRequest(
  request: SipRequest,
  target: string,
  recordRoute: string | undefined,
): SipRequest {
  const branch = copyRequest(request);
  // §16.6 step 2: "Update the Request-URI of the copy with the value of the target URI."
  branch.uri = target;
  // §16.6 step 3: decrement, or add 70 when absent.
  const hops = maxForwards(request);
  branch.setHeader("Max-Forwards", String(hops === undefined ? DEFAULT_MAX_FORWARDS : hops - 1));
  // §16.6 step 4: the proxy's URI, which "MUST contain the lr parameter".
  if (recordRoute !== undefined) branch.prependHeader("Record-Route", `<${recordRoute}>`);
  return branch;
}

/**
 * §16.6 step 6: when the first Route URI has no `lr` parameter (the next hop is an RFC 2543
 * strict router), the Request-URI becomes the last Route value and the first Route value
 * becomes the Request-URI. True when the request was rewritten; it then goes to its new
 * Request-URI (§16.6 step 7).
 *
 * @example
 * ```ts
 * // Route: <sip:strict.lab.test>  →  R-URI sip:strict.lab.test, Route: <sip:bob@192.0.2.7>
 * applyStrictRoute(branch); // true
 * ```
 */
export function applyStrictRoute(branch: SipRequest): boolean {
  const routes = routeValues(branch);
  const first = routes[0];
  if (first === undefined || !isSipUri(first.uri)) return false;
  for (const name of first.uri.params.keys()) if (name.toLowerCase() === "lr") return false;
  const target = branch.uri;
  branch.uri = first.uriText;
  setRoutes(branch, [...routes.slice(1), parseNameAddr(`<${target}>`)]);
  return true;
}

/** The first Route URI, when it is a SIP URI (§16.6 step 7 sends there). */
export function firstRoute(request: SipRequest): SipUri | undefined {
  const uri = routeValues(request)[0]?.uri;
  return uri !== undefined && isSipUri(uri) ? uri : undefined;
}

function routeValues(request: SipRequest): NameAddr[] {
  const out: NameAddr[] = [];
  for (const value of request.headerValues("route")) out.push(...parseNameAddrList(value));
  return out;
}

function setRoutes(request: SipRequest, routes: readonly NameAddr[]): void {
  request.removeHeader("route");
  for (const route of routes) request.addHeader("Route", formatNameAddr(route));
}
