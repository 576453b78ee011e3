/**
 * The MS-SIPAE authentication framework (protocol level, no sockets): header codecs for the
 * WWW-/Proxy-Authenticate, (Proxy-)Authorization and (Proxy-)Authentication-Info families, the
 * client pipeline {@link SipaeClient}, the server pipeline {@link SipaeServer} with its SA table
 * and typed verdicts, pluggable security mechanisms (NTLM now; Kerberos and TLS-DSK implement
 * the same interfaces), endpoint identifiers (epid, +sip.instance, GRUU), asserted identity
 * (RFC 3325) and Referred-By (RFC 3892 + MS-SIPAE §2.2.5).
 *
 * @example
 * ```ts
 * import { ntlmClientMechanism, ntlmServerMechanism, SipaeClient, SipaeServer } from "./mod.ts";
 * const server = new SipaeServer({ fqdn: "fe01.contoso.com",
 *   mechanisms: [ntlmServerMechanism({ lookupNtHash, names })] });
 * const client = new SipaeClient({ mechanisms: [ntlmClientMechanism({ credentials })] });
 * client.authorize(register);
 * const verdict = server.inspect(register); // reject 401 → client.handleChallenge(register, res)
 * ```
 *
 * @module
 */

// Errors
export { type MechanismErrorCode, SecurityMechanismError, SipaeHeaderError } from "./errors.ts";

// Header codecs (MS-SIPAE §2.2)
export {
  type AuthHeaderValue,
  type AuthParam,
  authParam,
  formatAuthHeaderValue,
  parseAuthHeaderValue,
} from "./auth_params.ts";
export {
  AUTH_HEADER_NAMES,
  type AuthHeaderFamily,
  type AuthHeaderNames,
  canonicalScheme,
  familyOfStatus,
  formatAuthenticationInfo,
  formatChallenge,
  formatCredentials,
  parseAuthenticationInfo,
  parseChallenge,
  parseCredentials,
  type SipaeAuthenticationInfo,
  type SipaeChallenge,
  type SipaeCredentials,
  type SipaeScheme,
} from "./auth_headers.ts";

// Security mechanisms (MS-SIPAE §3.1)
export type {
  AcceptResult,
  AuthenticatedUser,
  ClientMechanismFactory,
  ClientSecurityMechanism,
  MessageSignature,
  ReceivedMessageSignature,
  SecurityAssociationTarget,
  ServerMechanismFactory,
  ServerSecurityMechanism,
  SignableMessage,
} from "./security_mechanism.ts";
export {
  ntlmClientMechanism,
  type NtlmClientMechanismOptions,
  ntlmServerMechanism,
  type NtlmServerMechanismOptions,
} from "./ntlm_mechanism.ts";

// Pipelines (MS-SIPAE §3.2 client, §3.3 server)
export {
  type ChallengeOutcome,
  type ClientDropReason,
  type ClientFailureReason,
  type ClientSaInfo,
  type ClientSaState,
  type IncomingVerdict,
  SipaeClient,
  type SipaeClientOptions,
} from "./client.ts";
export {
  type AuthenticatedEndpoint,
  type AuthResponseHeader,
  DEFAULT_REALM,
  type ServerVerdict,
  SipaeServer,
  type SipaeServerOptions,
} from "./server.ts";
export { type FailureAnswer, mechanismFailure, type SipaeDiagnosticKind } from "./diagnostics.ts";
export {
  type BoundEndpoint,
  type RegistryLookup,
  type RegistryOptions,
  SecurityAssociationRegistry,
  type ServerSecurityAssociationRecord,
} from "./sa_registry.ts";

// Endpoint identifiers (MS-SIPAE §3.3.5.2 with MS-SIPRE formats)
export {
  aorKey,
  checkEndpointIdentifiers,
  type EndpointIdentifierProblem,
  type EndpointIdentifiers,
  endpointIdentifiers,
  gruuTokenFromInstance,
  paramValue,
  sipInstanceFromEpid,
} from "./endpoint_identifiers.ts";

// Asserted identity (RFC 3325) and Referred-By (RFC 3892, MS-SIPAE §2.2.5)
export {
  assertIdentity,
  type AssertIdentityOptions,
  type AssertionVerdict,
  identityValues,
  preferIdentity,
  sameIdentity,
  stripForUntrustedHop,
  type UserIdentities,
} from "./asserted_identity.ts";
export { copyReferredBy, parseReferredBy, type ReferredBy, withRefereeUri } from "./referred_by.ts";
