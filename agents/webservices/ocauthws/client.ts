/**
 * The client side of [MS-OCAUTHWS] certificate provisioning (guide §4.2): IssueToken against
 * the Web Ticket Service with the user's credentials, then a fresh RSA key pair, a PKCS#10
 * request for the user, and GetAndPublishCert with the ticket — the certificate a TLS-DSK
 * sign-in needs. HTTPS through a client that trusts the lab CA.
 *
 * @example
 * ```ts
 * const cert = await obtainUserCertificate({ url: stsUri, user: "alice@contoso.com",
 *   password: "Secr3t!", caPem: ca.certPem });
 * tlsDskClientMechanism({ certificate: cert.certPem, privateKey: cert.keyPem, caPem: ca.certPem });
 * ```
 *
 * @module
 */
import { x509 } from "../../../lab/pki/x509.ts";
import { parseXml, type XmlElement } from "../../../lab/protocols/xml/mod.ts";
import { generateRsaKeyPair, TLS_DSK_RSA_KEY_ALGORITHM } from "../../../lab/auth/tlsdsk/mod.ts";
import { ACTION_GET_AND_PUBLISH_CERT, ACTION_ISSUE, NS } from "./namespaces.ts";
import { buildGetAndPublishCertRequest, buildIssueTokenRequest } from "./requests.ts";
import { CERT_PROVISIONING_PATH, WEB_TICKET_PATH } from "./service.ts";
import { child } from "./soap.ts";

/** Options of {@link obtainUserCertificate}. */
export interface ObtainUserCertificateOptions {
  /** The Certificate Provisioning Service URL (the TLS-DSK `sts-uri`). */
  url: string;
  /** user@domain. */
  user: string;
  password: string;
  /** The lab CA (trust anchor of the HTTPS connection). */
  caPem: string;
  /** The Web Ticket Service URL (default: same origin, the product path). */
  webTicketUrl?: string;
  /** Requested certificate validity (the service may grant less). */
  validityMs?: number;
}

/** A provisioned certificate. */
export interface ProvisionedCertificate {
  certPem: string;
  /** The private key generated for it, PKCS#8 PEM. */
  keyPem: string;
  certificate: x509.X509Certificate;
  ticketExpires: Date;
}

/**
 * A SOAP fault from the service, with its MS-OCER diagnostics.
 *
 * @example
 * ```ts
 * catch (e) { if (e instanceof OcAuthServiceError && e.errorId === 28020) badPassword(); }
 * ```
 */
export class OcAuthServiceError extends Error {
  constructor(
    readonly status: number,
    readonly errorId: number | undefined,
    readonly reason: string | undefined,
    readonly diagnostics: string | null,
  ) {
    super(`MS-OCAUTHWS request failed: HTTP ${status} ${errorId ?? ""} ${reason ?? ""}`.trim());
    this.name = "OcAuthServiceError";
  }
}

function find(root: XmlElement, ns: string, localName: string): XmlElement | undefined {
  if (root.namespace === ns && root.localName === localName) return root;
  for (const c of root.children) {
    const hit = find(c, ns, localName);
    if (hit) return hit;
  }
  return undefined;
}

async function post(
  client: Deno.HttpClient,
  url: string,
  action: string,
  envelope: string,
): Promise<XmlElement> {
  const response = await fetch(url, {
    method: "POST",
    client,
    headers: { "Content-Type": `application/soap+xml; charset=utf-8; action="${action}"` },
    body: envelope,
  });
  const text = await response.text();
  if (response.status !== 200) {
    let errorId: number | undefined;
    let reason: string | undefined;
    try {
      const fault = find(parseXml(text), NS.af, "Ms-Diagnostics-Fault");
      errorId = fault ? Number(child(fault, NS.af, "ErrorId")?.text) : undefined;
      reason = fault ? child(fault, NS.af, "Reason")?.text : undefined;
    } catch {
      // Not a SOAP fault: the status and header are all there is.
    }
    throw new OcAuthServiceError(
      response.status,
      errorId,
      reason,
      response.headers.get("X-Ms-diagnostics"),
    );
  }
  return parseXml(text);
}

/**
 * IssueToken + GetAndPublishCert over HTTPS. Throws {@link OcAuthServiceError} on a fault.
 *
 * @example
 * ```ts
 * const { certPem, keyPem } = await obtainUserCertificate({ url, user, password, caPem });
 * ```
 */
export async function obtainUserCertificate(
  options: ObtainUserCertificateOptions,
): Promise<ProvisionedCertificate> {
  const stsUrl = options.webTicketUrl ??
    options.url.replace(
      new RegExp(`${CERT_PROVISIONING_PATH.replaceAll(".", "\\.")}$`),
      WEB_TICKET_PATH,
    );
  const client = Deno.createHttpClient({ caCerts: [options.caPem] });
  try {
    const rstr = await post(
      client,
      stsUrl,
      ACTION_ISSUE,
      buildIssueTokenRequest({ ...options, stsUrl }),
    );
    const requested = find(rstr, NS.wst, "RequestedSecurityToken");
    const ticket = requested && child(requested, NS.saml, "Assertion");
    const expires = find(rstr, NS.wsu, "Expires")?.text;
    if (!ticket || !expires) throw new Error("IssueToken answer carries no web ticket");

    const keys = await generateRsaKeyPair();
    const csr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: [{ CN: [options.user] }],
      keys,
      signingAlgorithm: TLS_DSK_RSA_KEY_ALGORITHM,
    });
    const answer = await post(
      client,
      options.url,
      ACTION_GET_AND_PUBLISH_CERT,
      buildGetAndPublishCertRequest({
        url: options.url,
        user: options.user,
        ticket,
        csrBase64: csr.toString("base64"),
        expires: options.validityMs === undefined
          ? undefined
          : new Date(Date.now() + options.validityMs),
      }),
    );
    const token = find(answer, NS.wst, "RequestedSecurityToken");
    const bst = token && child(token, NS.wsse, "BinarySecurityToken");
    if (!bst) throw new Error("GetAndPublishCert answer carries no certificate");
    const certificate = new x509.X509Certificate(bst.text.replace(/\s+/g, ""));
    const pkcs8 = await crypto.subtle.exportKey("pkcs8", keys.privateKey);
    return {
      certPem: `${certificate.toString("pem")}\n`,
      keyPem: `${x509.PemConverter.encode(pkcs8, "PRIVATE KEY")}\n`,
      certificate,
      ticketExpires: new Date(expires),
    };
  } finally {
    client.close();
  }
}
