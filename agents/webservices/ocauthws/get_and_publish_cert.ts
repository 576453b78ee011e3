/**
 * The Certificate Provisioning Service's `GetAndPublishCert` (MS-OCAUTHWS §1.3.2, §3.1; guide
 * §3): the caller presents its web ticket (bearer, the saml:Assertion in `wsse:Security`, guide
 * §2.4) and a PKCS#10 request for `Entity`; the service checks the ticket (signature, lifetime,
 * audience), that `Entity` is the ticket's user and the CSR's subject (guide §7 item 9), that
 * the CSR is self-signed by an RSA key of at least 2048 bits, issues an X.509 v3 certificate
 * from the lab CA with the user's SIP URI in subjectAltName, publishes it for the user, and
 * returns it in `RequestedSecurityToken/BinarySecurityToken`.
 *
 * Validity: the request may ask for one in `wst:Lifetime/wsu:Expires`; the service grants the
 * smaller of that and its maximum (default policy otherwise).
 *
 * @example
 * ```ts
 * const xml = await getAndPublishCert(envelope, { ca, issuer, endpointPath, store, … });
 * ```
 *
 * @module
 */
import type { LabCa } from "../../../lab/pki/mod.ts";
import { x509 } from "../../../lab/pki/x509.ts";
import {
  attributeValue,
  writeXml,
  type XmlElement,
  xmlNode,
} from "../../../lab/protocols/xml/mod.ts";
import { issueRsaCertificate, TLS_DSK_RSA_KEY_ALGORITHM } from "../../../lab/auth/tlsdsk/mod.ts";
import { OcAuthFault } from "./faults.ts";
import {
  ACTION_GET_AND_PUBLISH_CERT,
  ENCODING_BASE64,
  NS,
  TOKEN_TYPE_X509V3,
  VALUE_TYPE_PKCS10,
  VALUE_TYPE_X509V3,
} from "./namespaces.ts";
import { child, requireChild, type SoapEnvelope } from "./soap.ts";
import { soapAction } from "./issue_token.ts";
import type { WebTicketIssuer } from "./web_ticket.ts";

/** Largest accepted base64 CSR (an RSA-4096 CSR is under 2 KB). */
export const MAX_CSR_BASE64 = 8 * 1024;
/** Smallest RSA modulus accepted in a CSR. */
export const MIN_RSA_BITS = 2048;

/** Where issued certificates are published (guide §3.2: the registrar may look them up). */
export interface CertificatePublisher {
  publish(sipUri: string, certificate: x509.X509Certificate): void;
}

/** What GetAndPublishCert needs. */
export interface GetAndPublishCertContext {
  ca: LabCa;
  issuer: WebTicketIssuer;
  /** The service's own path; a ticket must apply to it. */
  endpointPath: string;
  publisher: CertificatePublisher;
  defaultValidityMs: number;
  maxValidityMs: number;
  now: () => number;
}

/** The GetAndPublishCert body's wst namespace: the guide's example adds a trailing slash. */
function isWst(ns: string | undefined): boolean {
  return ns === NS.wst || ns === `${NS.wst}/`;
}

function wstChild(parent: XmlElement, name: string): XmlElement | undefined {
  return parent.children.find((c) => isWst(c.namespace) && c.localName === name);
}

/**
 * Handles one GetAndPublishCert request; returns the response envelope. Throws OcAuthFault.
 *
 * @example
 * ```ts
 * await getAndPublishCert(readEnvelope(body), context);
 * ```
 */
export async function getAndPublishCert(
  envelope: SoapEnvelope,
  context: GetAndPublishCertContext,
): Promise<string> {
  const action = soapAction(envelope);
  if (action !== undefined && action !== ACTION_GET_AND_PUBLISH_CERT) {
    throw new OcAuthFault("unsupported-action", `action ${action}`);
  }
  // Guide §2.4 bearer use: the assertion travels in wsse:Security.
  const security = envelope.header && child(envelope.header, NS.wsse, "Security");
  const assertion = security && child(security, NS.saml, "Assertion");
  if (!assertion) throw new OcAuthFault("missing-ticket", "no saml:Assertion in wsse:Security");
  const ticket = context.issuer.verify(assertion);
  let audiencePath: string;
  try {
    audiencePath = new URL(ticket.audience).pathname;
  } catch {
    throw new OcAuthFault("invalid-ticket", "ticket audience is not a URL");
  }
  if (audiencePath !== context.endpointPath) {
    throw new OcAuthFault("invalid-ticket", `ticket applies to ${ticket.audience}`);
  }

  const body = envelope.body;
  if (body.namespace !== NS.ocsAuth || body.localName !== "GetAndPublishCert") {
    throw new OcAuthFault("malformed-request", "body is not GetAndPublishCert");
  }
  const entity = attributeValue(body, "Entity");
  if (!entity) throw new OcAuthFault("malformed-request", "Entity missing");
  const sipUri = `sip:${entity}`;
  if (sipUri.toLowerCase() !== ticket.sipUri.toLowerCase()) {
    throw new OcAuthFault("identity-mismatch", `${ticket.sipUri} may not enrol ${entity}`);
  }
  const rst = wstChild(body, "RequestSecurityToken");
  if (!rst) throw new OcAuthFault("malformed-request", "RequestSecurityToken missing");
  const tokenType = (wstChild(rst, "TokenType"))?.text.trim();
  if (tokenType !== undefined && tokenType !== TOKEN_TYPE_X509V3) {
    throw new OcAuthFault("malformed-request", `token type ${tokenType} is not issued here`);
  }
  const bst = requireChild(rst, NS.wsse, "BinarySecurityToken");
  if (attributeValue(bst, "ValueType") !== VALUE_TYPE_PKCS10) {
    throw new OcAuthFault("bad-certificate-request", "BinarySecurityToken is not PKCS#10");
  }
  const csrText = bst.text.replace(/\s+/g, "");
  if (csrText.length === 0 || csrText.length > MAX_CSR_BASE64) {
    throw new OcAuthFault("bad-certificate-request", "CSR missing or oversized");
  }
  const requestId = child(rst, NS.wstep, "RequestID")?.text.trim();
  const lifetime = wstChild(rst, "Lifetime");
  const expiresText = lifetime && child(lifetime, NS.wsu, "Expires")?.text.trim();

  const publicKey = await checkedCsrKey(csrText, entity);
  const now = context.now();
  let validityMs = context.defaultValidityMs;
  if (expiresText !== undefined) {
    const asked = Date.parse(expiresText) - now;
    if (!(asked > 0)) throw new OcAuthFault("bad-certificate-request", "Lifetime in the past");
    validityMs = asked;
  }
  validityMs = Math.min(validityMs, context.maxValidityMs);
  const certificate = await issueRsaCertificate(context.ca, {
    publicKey,
    commonName: entity,
    uris: [sipUri],
    keyUsage: x509.KeyUsageFlags.digitalSignature,
    extendedKeyUsage: [x509.ExtendedKeyUsage.clientAuth],
    validityMs,
    now,
  });
  context.publisher.publish(sipUri, certificate);

  return writeXml(
    xmlNode("s:Envelope", [["xmlns:s", NS.s], ["xmlns:wsa", NS.wsa]], [
      xmlNode("s:Header", [], [
        xmlNode("wsa:Action", [], [`${ACTION_GET_AND_PUBLISH_CERT}Response`]),
      ]),
      xmlNode("s:Body", [], [
        xmlNode("GetAndPublishCertResponse", [
          ["xmlns", NS.ocsAuth],
          ["xmlns:wst", NS.wst],
          ["xmlns:wsse", NS.wsse],
          ["xmlns:wstep", NS.wstep],
        ], [
          xmlNode("wst:RequestSecurityTokenResponse", [], [
            xmlNode("wst:TokenType", [], [TOKEN_TYPE_X509V3]),
            xmlNode("wst:RequestedSecurityToken", [], [
              xmlNode("wsse:BinarySecurityToken", [
                ["ValueType", VALUE_TYPE_X509V3],
                ["EncodingType", ENCODING_BASE64],
              ], [certificate.toString("base64")]),
            ]),
            ...(requestId ? [xmlNode("wstep:RequestID", [], [requestId])] : []),
          ]),
        ]),
      ]),
    ]),
    { declaration: true },
  );
}

/**
 * Parses and checks the PKCS#10 request (RFC 2986): self-signature valid (proof of
 * possession), RSA key of at least {@link MIN_RSA_BITS}, subject CN (if any) naming the entity.
 */
async function checkedCsrKey(base64: string, entity: string): Promise<CryptoKey> {
  const refuse = (why: string) => new OcAuthFault("bad-certificate-request", why);
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(base64);
  } catch {
    throw refuse("CSR is not DER PKCS#10");
  }
  const algorithm = csr.publicKey.algorithm as RsaHashedKeyAlgorithm;
  if (algorithm.name !== "RSASSA-PKCS1-v1_5" && algorithm.name !== "RSA-PSS") {
    throw refuse("CSR key is not RSA (TLS-DSK needs RSA)");
  }
  let key: CryptoKey;
  try {
    key = await csr.publicKey.export(TLS_DSK_RSA_KEY_ALGORITHM, ["verify"]);
  } catch {
    throw refuse("CSR public key cannot be read");
  }
  if ((key.algorithm as RsaHashedKeyAlgorithm).modulusLength < MIN_RSA_BITS) {
    throw refuse(`RSA key below ${MIN_RSA_BITS} bits`);
  }
  if (!(await csr.verify().catch(() => false))) throw refuse("CSR signature does not verify");
  const cn = csr.subjectName.getField("CN")[0];
  if (
    cn !== undefined && cn.toLowerCase() !== entity.toLowerCase() &&
    cn.toLowerCase() !== `sip:${entity}`.toLowerCase()
  ) {
    throw new OcAuthFault("identity-mismatch", `CSR subject ${cn} is not ${entity}`);
  }
  return key;
}
