/**
 * XML namespaces, actions and URIs of [MS-OCAUTHWS] messages (guide §2.2–§3.1): SOAP 1.2,
 * WS-Addressing 2005/08, WS-Trust 1.3, WS-Security 1.0, SAML 1.1, and the Microsoft
 * authentication web service namespaces.
 *
 * @example
 * ```ts
 * xmlNode("wst:RequestSecurityToken", [["xmlns:wst", NS.wst]]);
 * ```
 *
 * @module
 */

/** Namespace URIs by their customary prefix. */
export const NS = {
  /** SOAP 1.2 envelope. */
  s: "http://www.w3.org/2003/05/soap-envelope",
  wsa: "http://www.w3.org/2005/08/addressing",
  wst: "http://docs.oasis-open.org/ws-sx/ws-trust/200512",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
  wsp: "http://schemas.xmlsoap.org/ws/2004/09/policy",
  saml: "urn:oasis:names:tc:SAML:1.0:assertion",
  ds: "http://www.w3.org/2000/09/xmldsig#",
  auth: "http://schemas.xmlsoap.org/ws/2006/12/authorization",
  /** GetAndPublishCert (guide §3.1). */
  ocsAuth: "http://schemas.microsoft.com/OCS/AuthWebServices/",
  wstep: "http://schemas.microsoft.com/windows/pki/2009/01/enrollment",
  /** OCSDiagnosticsFaultType (MS-OCAUTHWS fault definition) [verify: namespace URI]. */
  af: "urn:component:Microsoft.Rtc.WebAuthentication.2010",
} as const;

/** IssueToken input action (MS-OCAUTHWS §3.2.4.1). */
export const ACTION_ISSUE = "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue";
/** IssueToken output action (MS-OCAUTHWS §3.2.4.1). */
export const ACTION_ISSUE_FINAL =
  "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal";
/** GetAndPublishCert SOAP action (guide §3.1). */
export const ACTION_GET_AND_PUBLISH_CERT =
  "http://schemas.microsoft.com/OCS/AuthWebServices/GetAndPublishCert";

/** RST TokenType of a web ticket: SAML 1.1 (guide §2.3). */
export const TOKEN_TYPE_SAML11 =
  "http://docs.oasis-open.org/wss/oasis-wss-saml-token-profile-1.1#SAMLV1.1";
/** RST TokenType of GetAndPublishCert: an X.509 v3 certificate (guide §3.1). */
export const TOKEN_TYPE_X509V3 =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
/** BinarySecurityToken ValueType of the PKCS#10 request (guide §3.1). */
export const VALUE_TYPE_PKCS10 = "http://schemas.microsoft.com/OCS/AuthWebServices.xsd#PKCS10";
/** BinarySecurityToken ValueType of the returned certificate. */
export const VALUE_TYPE_X509V3 =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";
/** Base64Binary EncodingType (WS-Security 1.0). */
export const ENCODING_BASE64 =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd#Base64Binary";
/** The Rtc authclaims dialect and the SIP URI claim (guide §2.3). */
export const CLAIMS_DIALECT = "urn:component:Microsoft.Rtc.WebAuthentication.2010:authclaims";
export const CLAIM_URI = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/uri";
/** WS-Security UsernameToken PasswordText type. */
export const PASSWORD_TEXT =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/** HMAC-SHA256 signature method URI (RFC 4051 §2.2.2). */
export const HMAC_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#hmac-sha256";
