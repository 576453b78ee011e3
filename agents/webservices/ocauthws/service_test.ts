/**
 * The MS-OCAUTHWS handlers on Request objects (no sockets): IssueToken and GetAndPublishCert
 * success paths and every refusal with its fault, HTTP status and X-Ms-diagnostics.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { createLabCa } from "../../../lab/pki/mod.ts";
import { x509 } from "../../../lab/pki/x509.ts";
import { parseXml, type XmlElement } from "../../../lab/protocols/xml/mod.ts";
import { generateRsaKeyPair, TLS_DSK_RSA_KEY_ALGORITHM } from "../../../lab/auth/tlsdsk/mod.ts";
import { NS } from "./namespaces.ts";
import { buildGetAndPublishCertRequest, buildIssueTokenRequest } from "./requests.ts";
import { CERT_PROVISIONING_PATH, OcAuthWebService, WEB_TICKET_PATH } from "./service.ts";

const ORIGIN = "https://pool.lab.test";
const STS = `${ORIGIN}${WEB_TICKET_PATH}`;
const CERT_PROV = `${ORIGIN}${CERT_PROVISIONING_PATH}`;
const HOUR = 3600_000;
const users = new Map([["alice@contoso.com", "Secr3t!"], ["bob@contoso.com", "b0b-pw"]]);
const ca = await createLabCa({ commonName: "OCAUTHWS test CA" });
const aliceKeys = await generateRsaKeyPair();

function fixture() {
  let now = Date.UTC(2026, 10, 23, 12, 0, 0);
  const service = new OcAuthWebService({
    ca,
    lookupPassword: (user) => users.get(user.toLowerCase()),
    ticketLifetimeMs: HOUR,
    now: () => now,
  });
  return { service, advance: (ms: number) => (now += ms), now: () => now };
}

async function post(service: OcAuthWebService, url: string, body: string) {
  const response = await service.handle(new Request(url, { method: "POST", body }));
  return { response, text: await response.text() };
}

function find(root: XmlElement, ns: string, name: string): XmlElement | undefined {
  if (root.namespace === ns && root.localName === name) return root;
  for (const c of root.children) {
    const hit = find(c, ns, name);
    if (hit) return hit;
  }
  return undefined;
}

function assertFault(
  result: { response: Response; text: string },
  status: number,
  errorId: number,
): void {
  assert.equal(result.response.status, status, result.text);
  assert.match(result.response.headers.get("Content-Type")!, /application\/soap\+xml/);
  const diagnostics = result.response.headers.get("X-Ms-diagnostics")!;
  assert.match(
    diagnostics,
    new RegExp(
      `^${errorId};source="pool\\.lab\\.test";reason="[^"]+";fault="s:(Sender|Receiver)"$`,
    ),
  );
  const fault = find(parseXml(result.text), NS.af, "Ms-Diagnostics-Fault")!;
  assert.equal(find(fault, NS.af, "ErrorId")?.text, String(errorId));
  assert.ok(find(parseXml(result.text), NS.s, "Fault"));
}

async function ticketFor(
  service: OcAuthWebService,
  user = "alice@contoso.com",
  password = "Secr3t!",
) {
  const { response, text } = await post(
    service,
    STS,
    buildIssueTokenRequest({ stsUrl: STS, url: CERT_PROV, user, password }),
  );
  assert.equal(response.status, 200, text);
  return { root: parseXml(text), ticket: find(parseXml(text), NS.saml, "Assertion")! };
}

async function csr(cn = "alice@contoso.com", keys?: CryptoKeyPair): Promise<string> {
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: [{ CN: [cn] }],
    keys: keys ?? aliceKeys,
    signingAlgorithm: keys ? { name: "ECDSA", hash: "SHA-256" } : TLS_DSK_RSA_KEY_ALGORITHM,
  });
  return request.toString("base64");
}

Deno.test("IssueToken: RSTR with a SAML 1.1 ticket for the user's SIP URI and its Lifetime", async () => {
  const { service, now } = fixture();
  const { root, ticket } = await ticketFor(service);
  assert.equal(
    find(root, NS.wsa, "Action")?.text,
    "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTRC/IssueFinal",
  );
  assert.equal(find(ticket, NS.saml, "NameIdentifier")?.text, "sip:alice@contoso.com");
  assert.equal(find(ticket, NS.saml, "Audience")?.text, CERT_PROV);
  assert.equal(find(root, NS.wsu, "Expires")?.text, new Date(now() + HOUR).toISOString());
});

Deno.test("IssueToken: wrong password, unknown user and a foreign claim are refused", async () => {
  const { service } = fixture();
  const request = (user: string, password: string, claimedUri?: string) =>
    post(
      service,
      STS,
      buildIssueTokenRequest({ stsUrl: STS, url: CERT_PROV, user, password, claimedUri }),
    );
  assertFault(await request("alice@contoso.com", "wrong"), 401, 28020);
  assertFault(await request("carol@contoso.com", "Secr3t!"), 401, 28020);
  assertFault(
    await request("alice@contoso.com", "Secr3t!", "sip:bob@contoso.com"),
    403,
    28040,
  );
  // The service keeps serving after the refusals.
  await ticketFor(service);
});

Deno.test("malformed XML, a non-SOAP body and a wrong action are faults", async () => {
  const { service } = fixture();
  assertFault(await post(service, STS, "<s:Envelope"), 400, 28000);
  assertFault(await post(service, STS, "<Envelope/>"), 400, 28000);
  assertFault(
    await post(service, CERT_PROV, '<!DOCTYPE x [<!ENTITY a "b">]><x/>'),
    400,
    28000,
  );
  const wrongAction = buildIssueTokenRequest({
    stsUrl: STS,
    url: CERT_PROV,
    user: "alice@contoso.com",
    password: "Secr3t!",
  }).replace("RST/Issue", "RST/Cancel");
  assertFault(await post(service, STS, wrongAction), 400, 28001);
  assert.equal(
    (await service.handle(new Request(`${ORIGIN}/other`, { method: "POST" }))).status,
    404,
  );
  assert.equal((await service.handle(new Request(STS))).status, 405);
});

Deno.test("GetAndPublishCert: a certificate from the lab CA with the SIP URI, published, validity as asked", async () => {
  const { service, now } = fixture();
  const { ticket } = await ticketFor(service);
  const { response, text } = await post(
    service,
    CERT_PROV,
    buildGetAndPublishCertRequest({
      url: CERT_PROV,
      user: "alice@contoso.com",
      ticket,
      csrBase64: await csr(),
      expires: new Date(now() + 2 * HOUR),
    }),
  );
  assert.equal(response.status, 200, text);
  const bst = find(parseXml(text), NS.wsse, "BinarySecurityToken")!;
  const cert = new X509Certificate(Uint8Array.from(atob(bst.text), (c) => c.charCodeAt(0)));
  assert.equal(cert.verify(new X509Certificate(ca.certPem).publicKey), true);
  assert.equal(cert.subjectAltName, "URI:sip:alice@contoso.com");
  assert.equal(Date.parse(cert.validTo), Math.floor((now() + 2 * HOUR) / 1000) * 1000);
  const spki = await crypto.subtle.exportKey("spki", aliceKeys.publicKey);
  assert.deepEqual(
    new Uint8Array(cert.publicKey.export({ type: "spki", format: "der" })),
    new Uint8Array(spki),
  );
  assert.equal(service.publishedCertificates("sip:alice@contoso.com").length, 1);
});

Deno.test("GetAndPublishCert: expired, tampered or missing ticket refused", async () => {
  const { service, advance } = fixture();
  const { ticket } = await ticketFor(service);
  const request = (t: XmlElement) =>
    buildGetAndPublishCertRequest({
      url: CERT_PROV,
      user: "alice@contoso.com",
      ticket: t,
      csrBase64: "AAAA",
    });

  // Tampered: the ticket now names bob (signature no longer matches).
  const tampered = parseXml(
    (await post(
      service,
      STS,
      buildIssueTokenRequest({
        stsUrl: STS,
        url: CERT_PROV,
        user: "alice@contoso.com",
        password: "Secr3t!",
      }),
    )).text.replace(
      "sip:alice@contoso.com</saml:NameIdentifier>",
      "sip:bob@contoso.com</saml:NameIdentifier>",
    ),
  );
  assertFault(
    await post(
      service,
      CERT_PROV,
      buildGetAndPublishCertRequest({
        url: CERT_PROV,
        user: "bob@contoso.com",
        ticket: find(tampered, NS.saml, "Assertion")!,
        csrBase64: await csr("bob@contoso.com"),
      }),
    ),
    401,
    28031,
  );
  // A ticket from another service instance (other key) is not valid here.
  const other = fixture();
  assertFault(await post(other.service, CERT_PROV, request(ticket)), 401, 28031);
  // Missing.
  assertFault(
    await post(
      service,
      CERT_PROV,
      request(ticket).replace(/<saml:Assertion[\s\S]*<\/saml:Assertion>/, ""),
    ),
    401,
    28030,
  );
  // Expired: one hour later.
  advance(HOUR);
  assertFault(await post(service, CERT_PROV, request(ticket)), 401, 28032);
});

Deno.test("GetAndPublishCert: another user's Entity or CSR subject, bad CSRs refused", async () => {
  const { service } = fixture();
  const { ticket } = await ticketFor(service);
  const send = async (user: string, csrBase64: string) =>
    await post(
      service,
      CERT_PROV,
      buildGetAndPublishCertRequest({ url: CERT_PROV, user, ticket, csrBase64 }),
    );
  assertFault(await send("bob@contoso.com", await csr("bob@contoso.com")), 403, 28040);
  assertFault(await send("alice@contoso.com", await csr("bob@contoso.com")), 403, 28040);
  assertFault(await send("alice@contoso.com", "bm90IGEgQ1NS"), 400, 28050);
  assertFault(await send("alice@contoso.com", "A".repeat(9000)), 400, 28050);
  const ec = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]);
  assertFault(
    await send("alice@contoso.com", await csr("alice@contoso.com", ec)),
    400,
    28050,
  );
  assert.equal(service.publishedCertificates("sip:alice@contoso.com").length, 0);
});
