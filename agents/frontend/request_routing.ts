/**
 * Where the front end sends a request between its users (MS-SIPRE §4.2, RFC 3261 §16.5): the
 * target set from the location service.
 *
 * - Request-URI a GRUU of this domain (`…;opaque=user:epid:<token>;gruu`, MS-SIPRE 3.4) →
 *   exactly the endpoint that GRUU was issued to; none registered → 480 when the user exists,
 *   404 otherwise.
 * - To carries `epid` (MS-SIPRE 3.2.4.1: "To reach a specific endpoint … `To: <sip:aor>;epid=<x>`")
 *   → only that endpoint's binding; not registered → 480.
 * - Otherwise the Request-URI's AOR → every binding (parallel fork, MS-SIPRE §4.2); an unknown
 *   user → 404 with ErrorId 4005; a user with no binding → 480 (RFC 3261 §21.4.18).
 * - Another domain → 404 with ErrorId 1005 (the lab front end federates with nobody).
 *
 * @example
 * ```ts
 * const route = routeRequest(invite, { domain, location, userExists });
 * if (route.kind === "targets") proxy.forward(tx, invite, route.bindings.map(toTarget));
 * ```
 *
 * @module
 */
import { paramValue } from "../../lab/auth/sipae/mod.ts";
import type { DiagnosticErrorKind } from "../../lab/protocols/ocer/mod.ts";
import { isSipUri, type SipRequest, type SipUri } from "../../lab/sip/message/mod.ts";
import { type Binding, canonicalAor, type LocationService } from "./location_service.ts";

/** What routing needs to know. */
export interface RoutingContext {
  domain: string;
  location: LocationService;
  userExists(user: string): boolean;
}

/** The decision for one request. */
export type RouteDecision =
  | { kind: "targets"; aor: string; bindings: readonly Binding[]; by: "aor" | "gruu" | "epid" }
  | { kind: "refuse"; status: 404 | 480; diagnostics?: DiagnosticErrorKind; cause: string };

/**
 * The target set of `request` (see the module documentation).
 *
 * @example
 * ```ts
 * routeRequest(messageToBob, context); // { kind: "targets", aor: "sip:bob@lab.test", bindings: [..], by: "aor" }
 * ```
 */
export function routeRequest(request: SipRequest, context: RoutingContext): RouteDecision {
  const uri = request.requestUri;
  if (!isSipUri(uri) || uri.host.toLowerCase() !== context.domain.toLowerCase()) {
    return { kind: "refuse", status: 404, diagnostics: "domain-not-routable", cause: "foreign" };
  }
  const aor = canonicalAor(uri);
  const exists = uri.user !== undefined && context.userExists(uri.user);
  const unavailable = (cause: string): RouteDecision =>
    exists
      ? { kind: "refuse", status: 480, cause }
      : { kind: "refuse", status: 404, diagnostics: "user-not-found", cause: "unknown-user" };
  const bindings = context.location.lookup(aor);
  const gruu = gruuToken(uri);
  if (gruu !== undefined) {
    // MS-SIPRE §4.2: a GRUU reaches only the endpoint it was issued to.
    const one = bindings.filter((b) =>
      b.endpoint.gruu !== undefined && gruuToken(b.endpoint.gruu) === gruu
    );
    return one.length === 0 ? unavailable("gruu-not-registered") : {
      kind: "targets",
      aor,
      bindings: one,
      by: "gruu",
    };
  }
  const epid = readableEpid(request);
  if (epid !== undefined) {
    const one = bindings.filter((b) => b.endpoint.epid === epid);
    return one.length === 0 ? unavailable("epid-not-registered") : {
      kind: "targets",
      aor,
      bindings: one,
      by: "epid",
    };
  }
  if (!exists) return unavailable("unknown-user");
  if (bindings.length === 0) return unavailable("not-registered");
  return { kind: "targets", aor, bindings, by: "aor" };
}

/**
 * The binding an in-dialog Request-URI of this domain names (RFC 3261 §16.5 with MS-SIPRE
 * §4.2): a GRUU reaches exactly the endpoint it was issued to; an AOR its first binding.
 * Undefined for another domain, a URI without user, or nothing registered.
 *
 * @example
 * ```ts
 * bindingForUri(parseUri("sip:bob@lab.test;opaque=user:epid:x;gruu"), "lab.test", location);
 * ```
 */
export function bindingForUri(
  uri: SipUri,
  domain: string,
  location: LocationService,
): Binding | undefined {
  if (uri.host.toLowerCase() !== domain.toLowerCase() || uri.user === undefined) return undefined;
  const bindings = location.lookup(canonicalAor(uri));
  const token = gruuToken(uri);
  if (token === undefined) return bindings[0];
  return bindings.find((b) =>
    b.endpoint.gruu !== undefined && gruuToken(b.endpoint.gruu) === token
  );
}

/** The `user:epid:<token>` token of a GRUU (URI or text), undefined when it is none. */
function gruuToken(uri: SipUri | string): string | undefined {
  const params = typeof uri === "string" ? gruuParams(uri) : uri.params;
  if (params === undefined || !params.has("gruu")) return undefined;
  return /^user:epid:(.+)$/.exec(paramValue(params, "opaque") ?? "")?.[1];
}

function gruuParams(text: string): Map<string, string | null> | undefined {
  const parts = text.split(";").slice(1);
  if (parts.length === 0) return undefined;
  return new Map(parts.map((p) => {
    const at = p.indexOf("=");
    return at < 0 ? [p, null] : [p.slice(0, at), p.slice(at + 1)];
  }));
}

function readableEpid(request: SipRequest): string | undefined {
  try {
    return paramValue(request.to.params, "epid");
  } catch {
    return undefined;
  }
}
