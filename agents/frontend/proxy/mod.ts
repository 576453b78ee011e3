/**
 * The front end's stateful proxy (RFC 3261 §16): it forwards a request to a target set in
 * parallel (§16.6), collects the responses and picks the best (§16.7), cancels the other
 * branches once one answers 2xx or 6xx (with `Reason: SIP;cause=200;text="Call completed
 * elsewhere"`, RFC 3326), runs Timer C (§16.8), forwards the caller's CANCEL (§16.10), and
 * routes in-dialog requests and end-to-end ACKs by their Route headers (§16.4, loose routing).
 * It sits on the front end's user agent core (`attachProxy`), sharing its socket and
 * transactions; each request's response context runs the XState chart in
 * response_context_chart.ts through lab/statechart.
 *
 * @example
 * ```ts
 * import { StatefulProxy } from "./mod.ts";
 * const proxy = new StatefulProxy(endpoint.core, {
 *   wheel,
 *   locate: (uri) => location.flowOf(uri),
 *   prepareBranch: (branch) => branch.setHeader("P-Asserted-Identity", "<sip:alice@lab.test>"),
 * });
 * // In the front end's onRequest, after looking the AOR up:
 * proxy.forward(tx, request, bindings.map((b) => ({ uri: b.contact.uriText, destination: b.source })));
 * ```
 *
 * @module
 */
export { StatefulProxy } from "./stateful_proxy.ts";
export {
  type BranchHook,
  type CancelHook,
  type ForwardOptions,
  NO_PROXY_METRICS,
  type ProxyMetricsSink,
  type ProxyTarget,
  type ResponseHook,
  type StatefulProxyOptions,
} from "./proxy_options.ts";
export { type BranchOutcome, chooseBestResponse } from "./best_response.ts";
export { COMPLETED_ELSEWHERE } from "./response_context.ts";
export { LOOP_HASH_LENGTH, loopHash } from "./loop_detection.ts";
export { responseContextChart, type ResponseContextEvent } from "./response_context_chart.ts";
