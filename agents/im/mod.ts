/**
 * The IM client agent (IM.md): sessions set up with INVITE and an `m=message` offer, the first
 * message in the INVITE, MESSAGE in the dialog (text/plain, text/html, text/rtf,
 * multipart/alternative), typing over INFO, RFC 3994 is-composing, BYE. Each session runs the
 * chart in im_session_chart.ts through lab/statechart; the agent sits on any signed-in
 * endpoint's user agent core (`ImEndpoint`).
 *
 * @example
 * ```ts
 * import { ImAgent, plainText } from "./mod.ts";
 * const agent = new ImAgent({ core, aor: "sip:alice@lab.test", outbound: frontEnd });
 * agent.invite("sip:bob@lab.test", plainText("hello")).typing("type");
 * ```
 *
 * @module
 */
export { ImAgent, type ImAgentOptions } from "./im_agent.ts";
export { type ImRole, ImSession } from "./im_session.ts";
export { imSessionChart, type ImSessionEvent, type ImSessionFields } from "./im_session_chart.ts";
export {
  htmlText,
  type ImEndpoint,
  type ImListener,
  type ImMetricsSink,
  type ImSessionEnd,
  NO_IM_METRICS,
  type OutgoingImMessage,
  plainText,
  type ReceivedText,
} from "./im_endpoint.ts";
