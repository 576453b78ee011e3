/**
 * The front end's stateful proxy (RFC 3261 §16) on its user agent core; see mod.ts.
 *
 * What the proxy decides itself: the §16.3 checks (Max-Forwards → 483, loops → 482,
 * Proxy-Require → 420), Route processing (§16.4), building and sending the branches (§16.6),
 * the response context (§16.7, chart in response_context_chart.ts), Timer C (§16.8), CANCEL
 * (§16.10), and routing by Route of everything in a dialog it record-routed: requests, ACKs
 * for 2xx (forwarded statelessly, §16.11 rules for the branch), and stray 2xx responses.
 * What the front end decides: the target set (§16.5: location service, GRUU, epid), the
 * identity it asserts on each branch, authentication.
 *
 * @module
 */
import { createHash } from "node:crypto";
import {
  isSipUri,
  SipRequest,
  type SipResponse,
  type Uri,
  type Via,
} from "../../../lab/sip/message/mod.ts";
import { MAGIC_COOKIE } from "../../../lab/sip/transaction/mod.ts";
import type { Destination, ServerTransaction } from "../../../lab/sip/transaction/mod.ts";
import { isIpLiteral, responseDestination, sameHost } from "../../../lab/sip/transport/mod.ts";
import {
  nextHop,
  type UaProxyHooks,
  type UserAgentCore,
  viaValue,
} from "../../../lab/sip/ua/mod.ts";
import { formatMsDiagnostics, msDiagnostics } from "../../../lab/protocols/ocer/mod.ts";
import {
  applyStrictRoute,
  branchRequest,
  copyRequest,
  firstRoute,
  maxForwards,
  popOwnRoute,
} from "./branch_request.ts";
import { hasLooped, proxyBranch } from "./loop_detection.ts";
import {
  type ForwardOptions,
  NO_PROXY_METRICS,
  type ProxyMetricsSink,
  type ProxyTarget,
  type ResponseHook,
  type StatefulProxyOptions,
} from "./proxy_options.ts";
import { type ContextHost, popOwnVia, ResponseContext } from "./response_context.ts";

/** §16.8: Timer C "MUST be set for each client transaction ... greater than 3 minutes". */
const DEFAULT_TIMER_C_MS = 180_001;

/** Requests that create dialogs: record-routed by default (§16.6 step 4). */
const DIALOG_CREATING: ReadonlySet<string> = new Set(["INVITE", "SUBSCRIBE", "REFER"]);

/** ms-diagnostics of the proxy's own refusals (MS-OCER §8.2, §7 inbound routing). */
const LOOP_DIAGNOSTIC = { errorId: 13000, reason: "Call to self loop" };
const CANNOT_ROUTE_DIAGNOSTIC = { errorId: 1007, reason: "Temporarily cannot route" };

/**
 * An RFC 3261 §16 stateful proxy on a user agent core.
 *
 * @example
 * ```ts
 * const proxy = new StatefulProxy(core, { wheel, locate: (uri) => flows.get(uri.user ?? "") });
 * proxy.forward(tx, invite, [{ uri: "sip:bob@192.0.2.7:5060" }, { uri: "sip:bob@192.0.2.8:5060" }]);
 * ```
 */
export class StatefulProxy implements UaProxyHooks {
  readonly #core: UserAgentCore;
  readonly #options: StatefulProxyOptions;
  readonly #metrics: ProxyMetricsSink;
  readonly #host: ContextHost;
  /** Contexts of forwarded INVITEs by their server transaction, for CANCEL (§16.10). */
  readonly #invites = new Map<ServerTransaction, ResponseContext>();
  readonly #contexts = new Set<ResponseContext>();
  #counter = 0;
  readonly #prefix = Math.floor(Math.random() * 0xffffffff).toString(36);

  constructor(core: UserAgentCore, options: StatefulProxyOptions) {
    this.#core = core;
    this.#options = options;
    this.#metrics = options.metrics ?? NO_PROXY_METRICS;
    this.#host = {
      core,
      wheel: options.wheel,
      timerCMs: options.timerCMs ?? DEFAULT_TIMER_C_MS,
      metrics: this.#metrics,
      serverName: options.serverName,
      prepareCancel: options.prepareCancel,
      forget: (context) => {
        this.#contexts.delete(context);
        if (this.#invites.get(context.tx) === context) this.#invites.delete(context.tx);
      },
    };
    core.attachProxy(options.gate === undefined ? this : options.gate(this));
  }

  /** Requests being forwarded whose final answer has not gone upstream yet. */
  get pending(): number {
    return this.#contexts.size;
  }

  /**
   * Forwards `request` (received in `tx`) to every target in parallel (§16.6) and answers `tx`
   * with what the branches answer (§16.7). The proxy answers by itself, with ms-diagnostics,
   * when §16.3 refuses the request (483, 482, 420) and when `targets` is empty (480). Returns
   * false when it answered by itself.
   */
  forward(
    tx: ServerTransaction,
    request: SipRequest,
    targets: readonly ProxyTarget[],
    options: ForwardOptions = {},
  ): boolean {
    const hook = options.prepareResponse;
    if (!this.#validate(tx, request, hook)) return false;
    if (targets.length === 0) {
      // §16.5 / §21.4.18: nobody to forward to now.
      this.#refuse(tx, 480, "Temporarily Unavailable", CANNOT_ROUTE_DIAGNOSTIC, hook);
      return false;
    }
    const recordRoute = options.recordRoute ?? DIALOG_CREATING.has(request.method);
    const branchHooks = [this.#options.prepareBranch, options.prepareBranch];
    const responseHooks = [this.#options.prepareResponse, options.prepareResponse];
    const routed = this.#routed(request);
    const context = this.#newContext(tx, request, responseHooks);
    for (const target of targets) {
      const branch = branchRequest(
        routed,
        target.uri,
        recordRoute ? this.recordRouteUri : undefined,
      );
      for (const hook of branchHooks) hook?.(branch, target, request);
      const destination = this.#destinationOf(branch, target.destination);
      if (destination === undefined) continue;
      this.#addVia(branch, request, destination, context);
      context.addBranch(target, branch, destination);
    }
    if (context.branches.length === 0) {
      this.#contexts.delete(context);
      this.#refuse(tx, 480, "Temporarily Unavailable", CANNOT_ROUTE_DIAGNOSTIC, hook);
      return false;
    }
    this.#start(context, request);
    return true;
  }

  /** The URI this proxy record-routes with (§16.6 step 4). */
  get recordRouteUri(): string {
    if (this.#options.recordRouteUri !== undefined) return this.#options.recordRouteUri;
    const identity = this.#identity();
    const transport = identity.protocol.toLowerCase();
    return `sip:${identity.viaHost}:${identity.viaPort};transport=${transport};lr`;
  }

  /**
   * §16.4, §16.12: a request in a dialog this proxy record-routed. Its own Route is removed and
   * the request goes, as one branch, to the next Route or to the Request-URI (a registered
   * Contact, found with `locate`).
   */
  onForeignRequest(tx: ServerTransaction, request: SipRequest): void {
    if (!this.#validate(tx, request, undefined)) return;
    const routed = this.#routed(request);
    const target: ProxyTarget = { uri: routed.uri };
    const branch = branchRequest(routed, routed.uri, undefined);
    this.#options.prepareBranch?.(branch, target, request);
    const destination = this.#destinationOf(branch, undefined);
    if (destination === undefined) {
      this.#refuse(tx, 480, "Temporarily Unavailable", CANNOT_ROUTE_DIAGNOSTIC, undefined);
      return;
    }
    const context = this.#newContext(tx, request, [this.#options.prepareResponse]);
    this.#addVia(branch, request, destination, context);
    context.addBranch(target, branch, destination);
    this.#start(context, request);
  }

  /**
   * The ACK for a 2xx (§13.2.2.4) passing through: routed like any in-dialog request but
   * without a transaction (§16.6 step 10 is skipped for ACK, §17), with a branch derived from
   * the ACK's own so that a retransmitted ACK is forwarded identically (§16.11).
   */
  onForeignAck(ack: SipRequest, _source: Destination): void {
    const hops = maxForwards(ack);
    if (hops === 0) return;
    const routed = this.#routed(ack);
    const branch = branchRequest(routed, routed.uri, undefined);
    this.#options.prepareBranch?.(branch, { uri: routed.uri }, ack);
    const destination = this.#destinationOf(branch, undefined);
    if (destination === undefined) return;
    const digest = createHash("sha1").update(ack.topVia.branch ?? ackKey(ack)).digest("hex");
    branch.prependHeader(
      "Via",
      `${viaValue(this.#identity(), destination.protocol)};branch=${MAGIC_COOKIE}${
        digest.slice(0, 20)
      }`,
    );
    this.#core.sendStateless(branch, destination);
  }

  /**
   * §16.7: "If no match is found, the proxy MUST process the response as a stateless proxy":
   * a response whose top Via is this proxy's (a 2xx retransmission after the branch's client
   * transaction ended) goes to the next Via.
   */
  onStrayResponse(response: SipResponse, _source: Destination): void {
    const top = response.vias[0];
    if (top === undefined || !this.#isLocalVia(top) || !popOwnVia(response)) return;
    const next = response.topVia;
    this.#core.sendStateless(
      response,
      responseDestination(response, {
        protocol: next.transport,
        host: next.host,
        port: next.port ?? 5060,
      }),
    );
  }

  /** §16.10: the caller's CANCEL of an INVITE this proxy forwarded. */
  onCancel(invite: ServerTransaction, _cancel: SipRequest): boolean {
    const context = this.#invites.get(invite);
    if (context === undefined) return false;
    context.cancelByCaller();
    return true;
  }

  /** Stops every Timer C; the core's stop ends the transactions. */
  stop(): void {
    for (const context of this.#contexts) {
      for (const branch of context.branches) branch.stopTimerC();
    }
    this.#contexts.clear();
    this.#invites.clear();
  }

  #identity() {
    const identity = this.#core.identity;
    if (identity === undefined) throw new Error("the core has not started");
    return identity;
  }

  #newContext(
    tx: ServerTransaction,
    request: SipRequest,
    hooks: ReadonlyArray<ResponseHook | undefined>,
  ): ResponseContext {
    const defined = hooks.filter((hook): hook is ResponseHook => hook !== undefined);
    const context = new ResponseContext(this.#host, tx, request, defined);
    this.#contexts.add(context);
    return context;
  }

  #start(context: ResponseContext, request: SipRequest): void {
    if (context.invite) this.#invites.set(context.tx, context);
    this.#metrics.forwarded(request.method, context.branches.length);
    context.start();
  }

  /**
   * §16.3 items 3–5. Items 1–2 (syntax, URI scheme) are the core's; item 6
   * (Proxy-Authorization) is the front end's.
   */
  #validate(
    tx: ServerTransaction,
    request: SipRequest,
    hook: ResponseHook | undefined,
  ): boolean {
    // §16.3 item 3: "If the Max-Forwards value is zero (0) ... MUST NOT forward the request".
    if (maxForwards(request) === 0) {
      this.#refuse(tx, 483, "Too Many Hops", CANNOT_ROUTE_DIAGNOSTIC, hook);
      return false;
    }
    // §16.3 item 4: loop detection, with the branch hash of §16.6 step 8.
    if (hasLooped(request, (via) => this.#isLocalVia(via))) {
      this.#refuse(tx, 482, "Loop Detected", LOOP_DIAGNOSTIC, hook);
      return false;
    }
    // §16.3 item 5: this proxy supports no Proxy-Require extension.
    const unsupported = request.headerValues("proxy-require")
      .flatMap((value) => value.split(","))
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0);
    if (unsupported.length > 0) {
      this.#refuse(tx, 420, "Bad Extension", CANNOT_ROUTE_DIAGNOSTIC, hook, [
        ["Unsupported", unsupported.join(", ")],
      ]);
      return false;
    }
    return true;
  }

  /** Answers `tx` itself (§16.3 refusals, no target), with ms-diagnostics and the hooks. */
  #refuse(
    tx: ServerTransaction,
    status: number,
    reason: string,
    diagnostic: { errorId: number; reason: string },
    hook: ResponseHook | undefined,
    headers: Array<[string, string]> = [],
  ): void {
    const diagnostics = msDiagnostics(
      diagnostic.errorId,
      diagnostic.reason,
      this.#options.serverName,
    );
    headers.push(["ms-diagnostics", formatMsDiagnostics(diagnostics)]);
    const request = tx.request;
    const response = this.#core.createResponse(request, status, reason, { headers });
    this.#options.prepareResponse?.(response, request);
    hook?.(response, request);
    tx.respond(response);
    this.#metrics.refused(request.method, status);
  }

  /** A copy of `request` after §16.4 Route processing. */
  #routed(request: SipRequest): SipRequest {
    const copy = copyRequest(request);
    popOwnRoute(copy, (uri) => this.#isLocalUri(uri), (uri) => this.#isOwnRecordRoute(uri));
    return copy;
  }

  /**
   * §16.6 steps 6–7: the first Route (the Request-URI once rewritten for a strict router),
   * else the target's flow, else the Request-URI.
   */
  #destinationOf(branch: SipRequest, flow: Destination | undefined): Destination | undefined {
    const protocol = this.#identity().protocol;
    const strict = applyStrictRoute(branch);
    const route = strict ? undefined : firstRoute(branch);
    if (route === undefined && flow !== undefined && !strict) return flow;
    const uri = route ?? branch.requestUri;
    if (!isSipUri(uri)) return undefined;
    // A registered endpoint is reached over its flow (a TLS client listens nowhere), so the
    // location service is asked first, even for an IP-literal Contact.
    const located = this.#options.locate?.(uri);
    if (located !== undefined) return located;
    if (!isIpLiteral(uri.host)) return undefined;
    // §8.1.2 addressing of that URI (transport parameter, default port). After a strict
    // rewrite the Route values left behind are not the next hop: nextHop sees the URI alone.
    const addressed = strict ? new SipRequest(branch.method, branch.uri) : branch;
    return nextHop(addressed, undefined, protocol);
  }

  /** §16.6 step 8: this proxy's Via, its branch carrying the loop hash. */
  #addVia(
    branch: SipRequest,
    received: SipRequest,
    destination: Destination,
    context: ResponseContext,
  ): void {
    const unique = `${this.#prefix}${(++this.#counter).toString(36)}.${context.branches.length}`;
    const value = `${viaValue(this.#identity(), destination.protocol)};branch=${
      proxyBranch(received, unique)
    }`;
    branch.prependHeader("Via", value);
  }

  #isLocalVia(via: Via): boolean {
    const identity = this.#identity();
    return this.#isLocalHost(via.host) && (via.port ?? 5060) === identity.viaPort;
  }

  #isLocalUri(uri: Uri): boolean {
    if (!isSipUri(uri) || !this.#isLocalHost(uri.host)) return false;
    return uri.port === undefined || uri.port === this.#identity().viaPort;
  }

  /**
   * §16.4: "a value this proxy previously placed into a Record-Route header field" — its own
   * address without a user part. A GRUU of the served domain (a user's URI) is not one.
   */
  #isOwnRecordRoute(uri: Uri): boolean {
    return this.#isLocalUri(uri) && isSipUri(uri) && uri.user === undefined;
  }

  #isLocalHost(host: string): boolean {
    if (sameHost(host, this.#identity().viaHost)) return true;
    return (this.#options.localHosts ?? []).some((name) => sameHost(name, host));
  }
}

/** What identifies an RFC 2543 ACK (no branch): its call leg and CSeq. */
function ackKey(request: SipRequest): string {
  return `${request.callId} ${request.cseq.seq} ${request.from.tag ?? ""}`;
}
