/**
 * NTLM (MS-NLMP) for MS-SIPAE: message codecs, response and key computation, session security
 * (signing and sealing, connection-oriented and datagram), the MS-SIPAE signature buffer and
 * NTLM signature profile, and the client and server security associations with typed
 * rejections.
 *
 * @example
 * ```ts
 * import { NtlmClientSecurityAssociation, NtlmServerSecurityAssociation } from "./mod.ts";
 * const server = new NtlmServerSecurityAssociation({ realm, targetName, protocolVersion: 4,
 *   names, lookupNtHash });
 * const client = new NtlmClientSecurityAssociation({ realm, targetName, protocolVersion: 4,
 *   credentials });
 * server.acceptAuthenticate(client.acceptChallenge(server.challenge(), server.opaque));
 * ```
 *
 * @module
 */

// Errors
export { NtlmAuthError, type NtlmAuthErrorCode } from "./errors.ts";

// Messages and structures (MS-NLMP §2.2)
export { flagNames, hasFlags, NegotiateFlag, type NegotiateFlagName } from "./flags.ts";
export {
  AvFlag,
  AvId,
  type AvPair,
  encodeAvPairs,
  findAvPair,
  parseAvPairs,
  textAvPair,
} from "./av_pairs.ts";
export {
  decodeVersion,
  encodeVersion,
  NTLMSSP_REVISION_W2K3,
  type NtlmVersion,
} from "./version.ts";
export {
  decodeNegotiateMessage,
  encodeNegotiateMessage,
  type NegotiateMessage,
} from "./negotiate_message.ts";
export {
  type ChallengeMessage,
  decodeChallengeMessage,
  encodeChallengeMessage,
} from "./challenge_message.ts";
export {
  AUTHENTICATE_MIC_OFFSET,
  type AuthenticateMessage,
  decodeAuthenticateMessage,
  encodeAuthenticateMessage,
} from "./authenticate_message.ts";
export { fromFiletime, toFiletime } from "./filetime.ts";
export { decodeGssapiData, encodeGssapiData } from "./gssapi_data.ts";

// Computation (MS-NLMP §3.3, §3.4)
export { lmowfv1, type NtHash, ntowfv1, ntowfv2, ntowfv2FromNtHash } from "./owf.ts";
export {
  buildNtlmV2ClientChallenge,
  type ChallengeResponses,
  computeResponseV1,
  computeResponseV2,
  desl,
  type NtlmV2Response,
  parseNtlmV2Response,
} from "./responses.ts";
export {
  deriveSessionKeys,
  encryptSessionKey,
  keyExchangeKey,
  type NtlmMode,
  sealingKey,
  type SessionKeys,
  signingKey,
  usesKeyExchange,
} from "./keys.ts";
export {
  alwaysSignDummySignature,
  macWithExtendedSessionSecurity,
  macWithoutExtendedSessionSecurity,
  SIGNATURE_LENGTH,
} from "./mac.ts";
export { NtlmSessionSecurity, type NtlmSessionSecurityOptions } from "./session_security.ts";

// Client and server exchanges (MS-NLMP §3.1.5, §3.2.5)
export {
  type ChallengeReply,
  type NtlmCredentials,
  respondToChallenge,
  type RespondToChallengeOptions,
  SIP_CLIENT_CONFIG_FLAGS,
  SIP_REQUIRED_CHALLENGE_FLAGS,
} from "./client.ts";
export {
  createChallenge,
  type CreateChallengeOptions,
  type NtHashLookup,
  type ServerNames,
  SIP_REQUIRED_AUTHENTICATE_FLAGS,
  SIP_SERVER_CHALLENGE_FLAGS,
  targetInfoPairs,
  type VerifiedAuthentication,
  verifyAuthenticate,
  type VerifyAuthenticateOptions,
} from "./server.ts";

// MS-SIPAE signing
export {
  buildSignatureBuffer,
  type SignableMessage,
  type SignatureAuthFields,
  signSipBuffer,
  SIP_NTLM_SEQUENCE_NUMBER,
  type SipSigningKeys,
  verifySipSignature,
} from "./sip_signature.ts";
export { SEQUENCE_WINDOW_SIZE, SequenceWindow } from "./sequence_window.ts";
export {
  checkSalt,
  formatSalt,
  MAX_SEQUENCE_NUMBER,
  parseSequenceNumber,
} from "./sip_auth_params.ts";
export {
  type ReceivedSignature,
  type SecurityAssociationNames,
  type SignedValues,
  SipSigningSession,
  type SipSigningSessionOptions,
} from "./sip_signing_session.ts";
export {
  type ClientSecurityAssociationOptions,
  type ClientSecurityAssociationState,
  type ClientSignature,
  NtlmClientSecurityAssociation,
  type ServerSignatureParams,
} from "./client_security_association.ts";
export {
  type AuthenticatedIdentity,
  type ClientSignatureParams,
  NTLM_MAX_CLOCK_SKEW_MS,
  NtlmServerSecurityAssociation,
  type ServerSecurityAssociationOptions,
  type ServerSecurityAssociationState,
  type ServerSignature,
} from "./server_security_association.ts";
