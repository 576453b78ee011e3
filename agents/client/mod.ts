/**
 * The simulated Lync / Skype for Business client (issue 3): endpoints that sign in like the real
 * one — MS-CONMGMT persistent connections (one per endpoint, discovery, keep-alives, reconnect
 * with back-off), optional MS-SIPCOMP compression, MS-SIPAE security associations (NTLM; Kerberos
 * and TLS-DSK plug in as mechanisms) or Digest, the MS-SIPREGE REGISTER and provisioning
 * SUBSCRIBE, the deregistration NOTIFY — as one XState chart per endpoint run on the compiled
 * executor.
 *
 * @example
 * ```ts
 * import { LyncClient } from "./mod.ts";
 * const client = LyncClient.start({
 *   server: { kind: "direct", protocol: "tls", host: "127.0.0.1", port: 5061 },
 *   caCerts: [caPem], wheel,
 * });
 * const endpoint = client.signIn({ name: "alice", aor: "sip:alice@lab", domain: "lab", password: "pw" });
 * // Once online: agents (IM, presence) run on the endpoint's session, an ImEndpoint.
 * const im = new ImAgent(endpoint.session(), { listener });
 * endpoint.setHandler(im.asHandler());
 * ```
 *
 * @module
 */
export {
  type AuthChoice,
  LyncClient,
  type LyncClientEvents,
  type LyncClientOptions,
  type ServerChoice,
} from "./lync_client.ts";
export {
  type EndpointHost,
  type EndpointSettings,
  type EndpointTransaction,
  type LyncAccount,
  LyncEndpoint,
  SIGN_IN_MACHINE,
} from "./lync_endpoint.ts";
export {
  EndpointCore,
  type EndpointSession,
  LYNC_ENDPOINT_EXTENSIONS,
  LYNC_ENDPOINT_METHODS,
  type SessionLink,
  SessionView,
} from "./endpoint_session.ts";
export { signInChart, type SignInChartContext, type SignInEvent } from "./sign_in_chart.ts";
export {
  describeFailure,
  failureFromResponse,
  type SignInFailure,
  type SignInFailureKind,
} from "./sign_in_failure.ts";
export {
  type ChallengeAnswer,
  digestAuth,
  type EndpointAuth,
  sipaeAuth,
  type VerifyVerdict,
} from "./endpoint_auth.ts";
export {
  ClientConnections,
  type ClientConnectionsOptions,
  type ClientFlow,
} from "./client_connections.ts";
export {
  DEFAULT_KEEP_ALIVE_SECONDS,
  KEEP_ALIVE_PROPOSAL,
  type KeepAliveAnswer,
  negotiatedKeepAliveMs,
  parseKeepAlive,
} from "./keep_alive.ts";
export { ReconnectBackoff, type ReconnectBackoffOptions } from "./reconnect_backoff.ts";
export {
  buildProvisioningSubscribe,
  buildRegister,
  contactOf,
  type EndpointIdentity,
  type LocalAddress,
  PROVISIONING_CONTENT_TYPE,
  type ProvisioningOptions,
  type RegisterOptions,
} from "./lync_requests.ts";
export { readRegistrationAnswer, type RegistrationAnswer } from "./registration_answer.ts";
export {
  type Deregistration,
  type DeregistrationReason,
  isDeregistrationNotify,
  readDeregistration,
  shouldRegisterAgain,
} from "./deregistration_notify.ts";
