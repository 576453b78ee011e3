/**
 * The lab's Communications Server front end: MS-SIPAE authentication (NTLM built in; Kerberos
 * and TLS-DSK as plugged-in mechanisms; Digest for other clients) with signing of everything
 * sent to an authenticated endpoint, a registrar (RFC 3261 §10.3 with MS-SIPREGE: GRUU,
 * epid / +sip.instance, presence-state, registration-notify deregistration), in-band
 * provisioning, a plug-in point for services (frontend_service.ts) and routing between
 * registered endpoints by AOR, GRUU and epid (MS-SIPRE) through the stateful proxy (proxy/).
 * `lab serve frontend` (serve_frontend.ts, CLI glue reading the runner's population rule) runs
 * it on its own.
 *
 * @example
 * ```ts
 * import { FrontendAgent, registrarMetricsIn } from "./mod.ts";
 * const frontend = await FrontendAgent.start({
 *   listen: { protocol: "udp", host: "127.0.0.1", port: 5060 },
 *   domain: "lab.sipfleet.test",
 *   users: (name) => passwords.has(name) ? { password: passwords.get(name)! } : undefined,
 *   metrics: registrarMetricsIn(registry),
 * });
 * ```
 *
 * @module
 */
export { FrontendAgent, type FrontendAgentOptions } from "./frontend_agent.ts";
export type {
  EndpointIdentity,
  FrontendHost,
  FrontendRequestContext,
  FrontendResponseOptions,
  FrontendService,
} from "./frontend_service.ts";
export {
  type AuthDecision,
  FrontendAuthenticator,
  type FrontendAuthenticatorOptions,
  type FrontendAuthOptions,
  type FrontendAuthScheme,
  type FrontendDigestOptions,
  type Requester,
} from "./frontend_authenticator.ts";
export { authDiagnostics, diagnosticsHeader } from "./auth_diagnostics.ts";
export {
  type DeregistrationDetails,
  deregistrationNotify,
  type DeregistrationReason,
  REGISTRATION_EVENT_CONTENT_TYPE,
} from "./deregistration_notify.ts";
export { type ProvisioningOptions, ProvisioningService } from "./provisioning_service.ts";
export {
  formatProvisionGroupList,
  labProvisioningGroups,
  type ProvisionGroup,
  PROVISIONING_CONTENT_TYPE,
  PROVISIONING_EVENT,
  PROVISIONING_REQUEST_NAMESPACE,
  PROVISIONING_RESPONSE_NAMESPACE,
  type ProvisioningRequest,
  readProvisioningRequest,
} from "./provisioning_documents.ts";
export {
  bindingForUri,
  type RouteDecision,
  routeRequest,
  type RoutingContext,
} from "./request_routing.ts";
export {
  DEFAULT_EXPIRY,
  gruuFor,
  KEEP_ALIVE_ANSWER,
  Registrar,
  type RegistrarAnswer,
  type RegistrarOptions,
  supportedTags,
} from "./registrar.ts";
export {
  type Binding,
  type BindingEndpoint,
  type BindingRemoval,
  canonicalAor,
  type ContactChange,
  type LocationChange,
  LocationService,
  type RegisterOrder,
  type UpdateResult,
} from "./location_service.ts";
export {
  type ExpiryPolicy,
  readRegistration,
  type RegistrationRequest,
} from "./registration_request.ts";
export { sameContactUri } from "./contact_uri.ts";
export {
  type AuthenticationOutcome,
  AUTHENTICATIONS_COUNTER,
  type CounterSource,
  NO_REGISTRAR_METRICS,
  registrarMetricsIn,
  type RegistrarMetricsSink,
  type RegistrationOutcome,
  REGISTRATIONS_COUNTER,
} from "./registrar_metrics.ts";
