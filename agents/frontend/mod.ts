/**
 * The lab's Communications Server front end: a registrar (RFC 3261 §10.3 with MS-SIPREGE and
 * MS-OCER touches) over a location service that later routing will read. `lab serve frontend`
 * (serve_frontend.ts, CLI glue reading the runner's population rule) runs it on its own.
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
export {
  FrontendAgent,
  type FrontendAgentOptions,
  type FrontendDigestOptions,
} from "./frontend_agent.ts";
export {
  DEFAULT_EXPIRY,
  KEEP_ALIVE_ANSWER,
  Registrar,
  type RegistrarAnswer,
  type RegistrarOptions,
} from "./registrar.ts";
export {
  type Binding,
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
  type CounterSource,
  NO_REGISTRAR_METRICS,
  registrarMetricsIn,
  type RegistrarMetricsSink,
  type RegistrationOutcome,
  REGISTRATIONS_COUNTER,
} from "./registrar_metrics.ts";
