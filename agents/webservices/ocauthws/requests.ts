/**
 * The SOAP 1.2 requests of [MS-OCAUTHWS] as a Lync-compatible client sends them (guide §2.3,
 * §3.1): IssueToken's WS-Trust RST with WS-Addressing headers and a UsernameToken, and
 * GetAndPublishCert with the web ticket in `wsse:Security`.
 *
 * @example
 * ```ts
 * const rst = buildIssueTokenRequest({ stsUrl, url, user: "alice@contoso.com", password });
 * ```
 *
 * @module
 */
import {
  writeXml,
  type XmlElement,
  type XmlNode,
  xmlNode,
} from "../../../lab/protocols/xml/mod.ts";
import {
  ACTION_GET_AND_PUBLISH_CERT,
  ACTION_ISSUE,
  CLAIM_URI,
  CLAIMS_DIALECT,
  ENCODING_BASE64,
  NS,
  PASSWORD_TEXT,
  TOKEN_TYPE_SAML11,
  TOKEN_TYPE_X509V3,
  VALUE_TYPE_PKCS10,
} from "./namespaces.ts";

/** WS-Addressing header block (guide §2.3) plus the wsse:Security element. */
function addressingHeader(action: string, to: string, security: XmlNode) {
  return xmlNode("s:Header", [], [
    xmlNode("wsa:Action", [["s:mustUnderstand", "1"]], [action]),
    xmlNode("wsa:MessageID", [], [`uuid:${crypto.randomUUID()}`]),
    xmlNode("wsa:ReplyTo", [], [
      xmlNode("wsa:Address", [], ["http://www.w3.org/2005/08/addressing/anonymous"]),
    ]),
    xmlNode("wsa:To", [["s:mustUnderstand", "1"]], [to]),
    security,
  ]);
}

/** What an IssueToken request carries. */
export interface IssueTokenRequestFields {
  /** The Web Ticket Service URL (wsa:To). */
  stsUrl: string;
  /** The service the ticket is for (AppliesTo): the Certificate Provisioning URL. */
  url: string;
  /** user@domain; the claim asks for `sip:` + user unless `claimedUri` says otherwise. */
  user: string;
  password: string;
  claimedUri?: string;
}

/**
 * The IssueToken RST (guide §2.3) with a WS-Security UsernameToken.
 *
 * @example
 * ```ts
 * buildIssueTokenRequest({ stsUrl, url: certProvUrl, user: "alice@contoso.com", password });
 * ```
 */
export function buildIssueTokenRequest(o: IssueTokenRequestFields): string {
  const entropy = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
  return writeXml(
    xmlNode("s:Envelope", [
      ["xmlns:s", NS.s],
      ["xmlns:wsa", NS.wsa],
      ["xmlns:wsse", NS.wsse],
      ["xmlns:wst", NS.wst],
      ["xmlns:wsp", NS.wsp],
      ["xmlns:auth", NS.auth],
    ], [
      addressingHeader(
        ACTION_ISSUE,
        o.stsUrl,
        xmlNode("wsse:Security", [], [
          xmlNode("wsse:UsernameToken", [], [
            xmlNode("wsse:Username", [], [o.user]),
            xmlNode("wsse:Password", [["Type", PASSWORD_TEXT]], [o.password]),
          ]),
        ]),
      ),
      xmlNode("s:Body", [], [
        xmlNode("wst:RequestSecurityToken", [["Context", crypto.randomUUID()]], [
          xmlNode("wst:TokenType", [], [TOKEN_TYPE_SAML11]),
          xmlNode("wst:RequestType", [], ["http://schemas.xmlsoap.org/ws/2005/02/trust/Issue"]),
          xmlNode("wsp:AppliesTo", [], [
            xmlNode("wsa:EndpointReference", [], [xmlNode("wsa:Address", [], [o.url])]),
          ]),
          xmlNode("wst:Claims", [["Dialect", CLAIMS_DIALECT]], [
            xmlNode("auth:ClaimType", [["Uri", CLAIM_URI], ["Optional", "false"]], [
              xmlNode("auth:Value", [], [o.claimedUri ?? `sip:${o.user}`]),
            ]),
          ]),
          xmlNode("wst:Entropy", [], [xmlNode("wst:BinarySecret", [], [entropy])]),
          xmlNode("wst:KeyType", [], [
            "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey",
          ]),
        ]),
      ]),
    ]),
  );
}

/** What a GetAndPublishCert request carries. */
export interface GetAndPublishCertRequestFields {
  /** The Certificate Provisioning URL (wsa:To). */
  url: string;
  /** user@domain (Entity). */
  user: string;
  /** The web ticket (saml:Assertion) from IssueToken. */
  ticket: XmlElement;
  /** base64 DER PKCS#10 request. */
  csrBase64: string;
  /** Requested end of validity (wst:Lifetime/wsu:Expires). */
  expires?: Date;
}

/**
 * The GetAndPublishCert request (guide §3.1) with the ticket as bearer token (guide §2.4).
 *
 * @example
 * ```ts
 * buildGetAndPublishCertRequest({ url, user, ticket, csrBase64 });
 * ```
 */
export function buildGetAndPublishCertRequest(o: GetAndPublishCertRequestFields): string {
  const lifetime = o.expires === undefined ? [] : [
    xmlNode("wst:Lifetime", [], [
      xmlNode("wsu:Expires", [], [o.expires.toISOString()]),
    ]),
  ];
  return writeXml(
    xmlNode("s:Envelope", [
      ["xmlns:s", NS.s],
      ["xmlns:wsa", NS.wsa],
      ["xmlns:wsse", NS.wsse],
      ["xmlns:wsu", NS.wsu],
    ], [
      addressingHeader(
        ACTION_GET_AND_PUBLISH_CERT,
        o.url,
        xmlNode("wsse:Security", [], [o.ticket]),
      ),
      xmlNode("s:Body", [], [
        xmlNode("GetAndPublishCert", [
          ["xmlns", NS.ocsAuth],
          // Guide §3.1 example: the wst prefix is bound with a trailing slash here.
          ["xmlns:wst", `${NS.wst}/`],
          ["xmlns:wstep", NS.wstep],
          ["DeviceId", `{${crypto.randomUUID().toUpperCase()}}`],
          ["Entity", o.user],
        ], [
          xmlNode("wst:RequestSecurityToken", [], [
            xmlNode("wst:TokenType", [], [TOKEN_TYPE_X509V3]),
            xmlNode("wst:RequestType", [], [
              "http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue",
            ]),
            xmlNode("wsse:BinarySecurityToken", [
              ["ValueType", VALUE_TYPE_PKCS10],
              ["EncodingType", ENCODING_BASE64],
            ], [o.csrBase64]),
            xmlNode("wstep:RequestID", [], [crypto.randomUUID()]),
            ...lifetime,
          ]),
        ]),
      ]),
    ]),
  );
}
