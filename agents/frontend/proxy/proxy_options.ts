/**
 * What the front end tells its stateful proxy (RFC 3261 §16): the targets of a request, the
 * hooks through which it stamps each branch (P-Asserted-Identity, signing) and each response,
 * and how it locates URIs that are not IP literals (its location service's flows).
 *
 * @module
 */
import type { SipRequest, SipResponse, SipUri } from "../../../lab/sip/message/mod.ts";
import type { TimerWheel } from "../../../lab/sip/timer/mod.ts";
import type { Destination } from "../../../lab/sip/transaction/mod.ts";
import type { UaProxyHooks } from "../../../lab/sip/ua/mod.ts";

/**
 * One member of a target set (§16.5): the Request-URI of the branch and, when the location
 * service knows it, the flow the endpoint registered over.
 *
 * @example
 * ```ts
 * const target: ProxyTarget = {
 *   uri: "sip:bob@192.0.2.7:5060",
 *   destination: { protocol: "UDP", host: "192.0.2.7", port: 5060 },
 * };
 * ```
 */
export interface ProxyTarget {
  /** The branch's Request-URI (§16.6 step 2): a registered Contact, a GRUU, an AOR elsewhere. */
  readonly uri: string;
  /**
   * Where the branch goes (§16.6 step 7): the registration's source or connection. Default:
   * the first Route left after this proxy's own, else the URI (IP literal, or `locate`).
   */
  readonly destination?: Destination;
}

/**
 * A hook on each request the proxy is about to send (§16.6 step 5: "the proxy MAY add any
 * other appropriate header fields"). Runs after Request-URI, Max-Forwards and Record-Route are
 * set and before this proxy's Via is added.
 */
export type BranchHook = (branch: SipRequest, target: ProxyTarget, original: SipRequest) => void;

/**
 * A hook on each CANCEL the proxy sends to a pending branch (§16.10, §16.7 step 10), built
 * from that branch's request (§9.1): e.g. to sign it for the endpoint the branch went to.
 */
export type CancelHook = (cancel: SipRequest, branch: SipRequest, target: ProxyTarget) => void;

/** A hook on each response the proxy is about to forward upstream (§16.7 step 9). */
export type ResponseHook = (response: SipResponse, original: SipRequest) => void;

/** Options of one `StatefulProxy.forward` call. */
export interface ForwardOptions {
  /**
   * Stay on the signalling path of the dialog (§16.6 step 4). Default true for requests that
   * create dialogs (INVITE, SUBSCRIBE, REFER), false otherwise.
   */
  recordRoute?: boolean;
  /** Runs on this request's branches after the proxy-wide `prepareBranch`. */
  prepareBranch?: BranchHook;
  /** Runs on this request's forwarded responses after the proxy-wide `prepareResponse`. */
  prepareResponse?: ResponseHook;
}

/** What the proxy counts; the front end implements it with its metrics registry. */
export interface ProxyMetricsSink {
  /** A request was forwarded to `branches` targets (1 for a routed in-dialog request). */
  forwarded(method: string, branches: number): void;
  /** The proxy answered a request itself (§16.3 refusals, empty target set). */
  refused(method: string, status: number): void;
  /** The final response sent upstream for a forwarded request. */
  answered(method: string, status: number): void;
  /** Timer C fired on an INVITE branch (§16.8). */
  timerC(): void;
}

/** A sink that drops everything. */
export const NO_PROXY_METRICS: ProxyMetricsSink = Object.freeze({
  forwarded() {},
  refused() {},
  answered() {},
  timerC() {},
});

/** Construction options of `StatefulProxy`. */
export interface StatefulProxyOptions {
  /** The wheel of the core's transactions; Timer C runs on it (§16.8). */
  wheel: TimerWheel;
  /**
   * Hosts (names or addresses) that are this proxy, for Route popping (§16.4) and loop
   * detection (§16.3). The core's Via host is always one.
   */
  localHosts?: readonly string[];
  /** The Record-Route URI (§16.6 step 4); default `sip:<via host>:<via port>;transport=…;lr`. */
  recordRouteUri?: string;
  /**
   * Where a URI that is not an IP literal goes: an in-dialog Request-URI (a registered
   * Contact or GRUU), a Route. The front end answers from its location service.
   */
  locate?: (uri: SipUri) => Destination | undefined;
  /** Runs on every branch, initial and in-dialog (P-Asserted-Identity, signing). */
  prepareBranch?: BranchHook;
  /** Runs on every forwarded response, and on the proxy's own refusals. */
  prepareResponse?: ResponseHook;
  /** Runs on every CANCEL the proxy sends to a branch. */
  prepareCancel?: CancelHook;
  /**
   * Wraps the hooks the proxy attaches to the core (`attachProxy`): the front end
   * authenticates in-dialog requests and ACKs there before they are routed.
   */
  gate?: (hooks: UaProxyHooks) => UaProxyHooks;
  /** Timer C (§16.8: "MUST be greater than 3 minutes"); default 180 000 ms + 1. */
  timerCMs?: number;
  /** The server name put as `source` in ms-diagnostics of the proxy's own refusals. */
  serverName?: string;
  metrics?: ProxyMetricsSink;
}
