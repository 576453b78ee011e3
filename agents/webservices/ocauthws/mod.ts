/**
 * The lab's [MS-OCAUTHWS] authentication web service: the Web Ticket Service (`IssueToken`,
 * WS-Trust 1.3, SAML 1.1 web tickets) and the Certificate Provisioning Service
 * (`GetAndPublishCert`, user certificates from the lab CA for TLS-DSK), served over HTTPS, and
 * the client that obtains a user certificate through both.
 *
 * @example
 * ```ts
 * import { obtainUserCertificate, serveOcAuthWebService } from "./mod.ts";
 * const running = serveOcAuthWebService({ ca, lookupPassword }, { tls });
 * const cert = await obtainUserCertificate({ url: running.certProvisioningUrl, user, password,
 *   caPem: ca.certPem });
 * ```
 *
 * @module
 */
export {
  CERT_PROVISIONING_PATH,
  OcAuthWebService,
  type OcAuthWebServiceOptions,
  type RunningOcAuthWebService,
  serveOcAuthWebService,
  WEB_TICKET_PATH,
} from "./service.ts";
export {
  obtainUserCertificate,
  type ObtainUserCertificateOptions,
  OcAuthServiceError,
  type ProvisionedCertificate,
} from "./client.ts";
export { type PasswordLookup } from "./issue_token.ts";
export {
  type IssuedWebTicket,
  type VerifiedWebTicket,
  WebTicketIssuer,
  type WebTicketIssuerOptions,
} from "./web_ticket.ts";
export {
  faultEnvelope,
  OC_AUTH_FAULTS,
  OcAuthFault,
  type OcAuthFaultKind,
  xMsDiagnostics,
} from "./faults.ts";
