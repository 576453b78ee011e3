/**
 * The lab's MS-OCAUTHWS web service: the Web Ticket Service (`IssueToken`) and the Certificate
 * Provisioning Service (`GetAndPublishCert`) behind one HTTPS listener (Deno.serve with a
 * lab-CA certificate), SOAP 1.2 over POST at the product's paths (guide §1):
 *
 * - `/WebTicket/WebTicketService.svc` — IssueToken
 * - `/CertProv/CertProvisioningService.svc` — GetAndPublishCert (the TLS-DSK `sts-uri`)
 *
 * Every refusal is a SOAP Fault with the OCSDiagnosticsFaultType detail and an
 * `X-Ms-diagnostics` header (faults.ts); the service keeps serving after any of them.
 *
 * @example
 * ```ts
 * const tls = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
 * const service = serveOcAuthWebService({ ca, lookupPassword: (user) => users.get(user) }, { tls });
 * service.certProvisioningUrl; // "https://127.0.0.1:<port>/CertProv/CertProvisioningService.svc"
 * await service.close();
 * ```
 *
 * @module
 */
import type { LabCa } from "../../../lab/pki/mod.ts";
import type { x509 } from "../../../lab/pki/x509.ts";
import { faultEnvelope, OcAuthFault, xMsDiagnostics } from "./faults.ts";
import { type CertificatePublisher, getAndPublishCert } from "./get_and_publish_cert.ts";
import { issueToken, type PasswordLookup } from "./issue_token.ts";
import { MAX_REQUEST_OCTETS, readEnvelope } from "./soap.ts";
import { WebTicketIssuer } from "./web_ticket.ts";

/** Path of the Web Ticket Service. */
export const WEB_TICKET_PATH = "/WebTicket/WebTicketService.svc";
/** Path of the Certificate Provisioning Service. */
export const CERT_PROVISIONING_PATH = "/CertProv/CertProvisioningService.svc";

const HOUR_MS = 3600_000;
const SOAP12_CONTENT_TYPE = "application/soap+xml; charset=utf-8";

/** Options of {@link OcAuthWebService}. */
export interface OcAuthWebServiceOptions {
  /** The CA that signs user certificates (the lab CA). */
  ca: LabCa;
  /** The user store: password of user@domain. */
  lookupPassword: PasswordLookup;
  /** Pool FQDN: ticket Issuer and X-Ms-diagnostics source (default "pool.lab.test"). */
  poolFqdn?: string;
  /** Web ticket lifetime (default 8 h). */
  ticketLifetimeMs?: number;
  /** Certificate validity without a requested Lifetime (default 7 days). */
  certificateValidityMs?: number;
  /** Longest certificate validity granted (default 30 days; never beyond the CA's). */
  maxCertificateValidityMs?: number;
  /** Ticket signing key (default 32 random octets). */
  ticketKey?: Uint8Array;
  now?: () => number;
}

/**
 * The request handler (no sockets): route, parse, run the operation, answer or fault.
 *
 * @example
 * ```ts
 * const service = new OcAuthWebService({ ca, lookupPassword });
 * Deno.serve({ cert, key, port: 0 }, (req) => service.handle(req));
 * service.publishedCertificates("sip:alice@contoso.com");
 * ```
 */
export class OcAuthWebService implements CertificatePublisher {
  readonly poolFqdn: string;
  readonly #options: OcAuthWebServiceOptions;
  readonly #issuer: WebTicketIssuer;
  readonly #published = new Map<string, x509.X509Certificate[]>();

  constructor(options: OcAuthWebServiceOptions) {
    this.#options = options;
    this.poolFqdn = options.poolFqdn ?? "pool.lab.test";
    this.#issuer = new WebTicketIssuer({
      issuer: this.poolFqdn,
      key: options.ticketKey ?? crypto.getRandomValues(new Uint8Array(32)),
      now: options.now,
    });
  }

  /** Guide §3.2: the service stores each issued certificate against the user. */
  publish(sipUri: string, certificate: x509.X509Certificate): void {
    const key = sipUri.toLowerCase();
    this.#published.set(key, [...(this.#published.get(key) ?? []), certificate]);
  }

  /** Certificates published for a SIP URI, oldest first. */
  publishedCertificates(sipUri: string): readonly x509.X509Certificate[] {
    return this.#published.get(sipUri.toLowerCase()) ?? [];
  }

  /** Answers one HTTP request. */
  async handle(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    if (path !== WEB_TICKET_PATH && path !== CERT_PROVISIONING_PATH) {
      return new Response("not found", { status: 404 });
    }
    if (request.method !== "POST") {
      return new Response("method not allowed", { status: 405, headers: { Allow: "POST" } });
    }
    try {
      const text = await request.text();
      if (text.length > MAX_REQUEST_OCTETS) {
        throw new OcAuthFault("malformed-request", "request too large");
      }
      const envelope = readEnvelope(text);
      const o = this.#options;
      const body = path === WEB_TICKET_PATH
        ? issueToken(envelope, {
          issuer: this.#issuer,
          lookupPassword: o.lookupPassword,
          lifetimeMs: o.ticketLifetimeMs ?? 8 * HOUR_MS,
        })
        : await getAndPublishCert(envelope, {
          ca: o.ca,
          issuer: this.#issuer,
          endpointPath: CERT_PROVISIONING_PATH,
          publisher: this,
          defaultValidityMs: o.certificateValidityMs ?? 7 * 24 * HOUR_MS,
          maxValidityMs: o.maxCertificateValidityMs ?? 30 * 24 * HOUR_MS,
          now: o.now ?? Date.now,
        });
      return new Response(body, { status: 200, headers: { "Content-Type": SOAP12_CONTENT_TYPE } });
    } catch (e) {
      if (!(e instanceof OcAuthFault)) throw e;
      return new Response(faultEnvelope(e), {
        status: e.definition.status,
        headers: {
          "Content-Type": SOAP12_CONTENT_TYPE,
          "X-Ms-diagnostics": xMsDiagnostics(e, this.poolFqdn),
        },
      });
    }
  }
}

/** A running service. */
export interface RunningOcAuthWebService {
  service: OcAuthWebService;
  webTicketUrl: string;
  certProvisioningUrl: string;
  close(): Promise<void>;
}

/**
 * Starts the service on HTTPS (loopback, ephemeral port unless given).
 *
 * @example
 * ```ts
 * const tls = await issueServerCert(ca, { ipAddresses: ["127.0.0.1"] });
 * const running = await serveOcAuthWebService({ ca, lookupPassword }, { tls });
 * ```
 */
export function serveOcAuthWebService(
  options: OcAuthWebServiceOptions,
  listen: { tls: { certPem: string; keyPem: string }; hostname?: string; port?: number },
): RunningOcAuthWebService {
  const service = new OcAuthWebService(options);
  const hostname = listen.hostname ?? "127.0.0.1";
  const server = Deno.serve({
    hostname,
    port: listen.port ?? 0,
    cert: listen.tls.certPem,
    key: listen.tls.keyPem,
    onListen: () => {},
  }, (request) => service.handle(request));
  const host = hostname.includes(":") ? `[${hostname}]` : hostname;
  const origin = `https://${host}:${server.addr.port}`;
  return {
    service,
    webTicketUrl: `${origin}${WEB_TICKET_PATH}`,
    certProvisioningUrl: `${origin}${CERT_PROVISIONING_PATH}`,
    close: () => server.shutdown(),
  };
}
