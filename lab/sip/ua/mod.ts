/**
 * The user agent core (RFC 3261 §8 with the §9, §12–§15 glue): the one object an agent talks
 * to. It sends requests and follows their responses into dialogs, answers by itself every
 * request an agent should never see (§8.2 checks, §12.2.2, CANCEL, BYE, parse failures),
 * acknowledges 2xx responses and retransmits its own until acknowledged.
 *
 * @example
 * ```ts
 * const core = new UserAgentCore({
 *   createTransport: (events) => new TransportManager({ events }),
 *   handler: {
 *     onRequest(tx, request) {
 *       core.respond(tx, core.createResponse(request, request.method === "INVITE" ? 486 : 200));
 *     },
 *   },
 * });
 * const local = await core.transport.add("udp").listen({ hostname: "127.0.0.1", port: 0 });
 * core.start({ viaHost: local.host, viaPort: local.port, protocol: "UDP",
 *   contact: `sip:bob@${local.host}:${local.port}` });
 * ```
 *
 * @module
 */
export { UserAgentCore, type UserAgentCoreOptions } from "./user_agent_core.ts";
export type {
  AckBody,
  OutgoingRequest,
  RequestCallbacks,
  UaHandler,
  UaProxyHooks,
} from "./handler.ts";
export { contactValue, type UaIdentity, viaValue } from "./identity.ts";
export type { ResponseOptions, UaTransport } from "./ua_context.ts";
export type { OutOfDialogRequestOptions } from "./request_builder.ts";
export { NO_UA_METRICS, type UaMetricsSink } from "./metrics_sink.ts";
export { DEFAULT_ALLOWED_METHODS, KNOWN_METHODS } from "./methods.ts";
export { reasonPhrase } from "./reason_phrases.ts";
export { nextHop } from "./next_hop.ts";
