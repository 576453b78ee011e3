/**
 * Web tickets (MS-OCAUTHWS §1.3.1, guide §2.4): a SAML 1.1 assertion naming the user's SIP URI,
 * the relying service (`AppliesTo` → saml:AudienceRestrictionCondition), and the lifetime
 * (saml:Conditions NotBefore / NotOnOrAfter), signed by the Web Ticket Service.
 *
 * The signature is an HMAC-SHA256 (RFC 4051 §2.2.2 method URI) under the service's secret over
 * the assertion's fields joined by LF — AssertionID, Issuer, IssueInstant, NotBefore,
 * NotOnOrAfter, Audience, NameIdentifier — carried in `ds:Signature/ds:SignatureValue`. It is
 * verified field by field after parsing, so no XML canonicalisation is involved (this is not
 * XML-DSig; only the issuing service verifies its tickets).
 *
 * @example
 * ```ts
 * const issuer = new WebTicketIssuer({ issuer: "pool.lab.test", key });
 * const ticket = issuer.issue({ sipUri: "sip:alice@contoso.com", audience, lifetimeMs: 3600_000 });
 * issuer.verify(parseXml(ticket.xml)).sipUri; // "sip:alice@contoso.com"
 * ```
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { writeXml, type XmlElement, xmlNode } from "../../../lab/protocols/xml/mod.ts";
import { attributeValue } from "../../../lab/protocols/xml/mod.ts";
import { OcAuthFault } from "./faults.ts";
import { HMAC_SHA256, NS } from "./namespaces.ts";
import { child } from "./soap.ts";

/** Options of a {@link WebTicketIssuer}. */
export interface WebTicketIssuerOptions {
  /** saml:Assertion Issuer (the pool FQDN). */
  issuer: string;
  /** HMAC key, at least 32 octets. */
  key: Uint8Array;
  now?: () => number;
}

/** An issued ticket. */
export interface IssuedWebTicket {
  /** The saml:Assertion element text. */
  xml: string;
  created: Date;
  expires: Date;
}

/** What a verified ticket says. */
export interface VerifiedWebTicket {
  sipUri: string;
  audience: string;
  expires: Date;
}

interface TicketFields {
  id: string;
  issuer: string;
  issueInstant: string;
  notBefore: string;
  notOnOrAfter: string;
  audience: string;
  sipUri: string;
}

/**
 * Issues and verifies web tickets.
 *
 * @example
 * ```ts
 * issuer.verify(assertionElement); // throws OcAuthFault("expired-ticket") after NotOnOrAfter
 * ```
 */
export class WebTicketIssuer {
  readonly #options: WebTicketIssuerOptions;

  constructor(options: WebTicketIssuerOptions) {
    if (options.key.length < 32) throw new Error("web ticket key needs at least 32 octets");
    this.#options = options;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }

  #signature(f: TicketFields): string {
    const text = [f.id, f.issuer, f.issueInstant, f.notBefore, f.notOnOrAfter, f.audience, f.sipUri]
      .join("\n");
    return createHmac("sha256", this.#options.key).update(text).digest("base64");
  }

  /** A ticket for `sipUri`, valid `lifetimeMs` from now, for the service at `audience`. */
  issue(request: { sipUri: string; audience: string; lifetimeMs: number }): IssuedWebTicket {
    const created = new Date(this.#now());
    const expires = new Date(created.getTime() + request.lifetimeMs);
    const fields: TicketFields = {
      id: `_${crypto.randomUUID()}`,
      issuer: this.#options.issuer,
      issueInstant: created.toISOString(),
      notBefore: created.toISOString(),
      notOnOrAfter: expires.toISOString(),
      audience: request.audience,
      sipUri: request.sipUri,
    };
    const xml = writeXml(
      xmlNode("saml:Assertion", [
        ["xmlns:saml", NS.saml],
        ["MajorVersion", "1"],
        ["MinorVersion", "1"],
        ["AssertionID", fields.id],
        ["Issuer", fields.issuer],
        ["IssueInstant", fields.issueInstant],
      ], [
        xmlNode("saml:Conditions", [
          ["NotBefore", fields.notBefore],
          ["NotOnOrAfter", fields.notOnOrAfter],
        ], [
          xmlNode("saml:AudienceRestrictionCondition", [], [
            xmlNode("saml:Audience", [], [fields.audience]),
          ]),
        ]),
        xmlNode("saml:AuthenticationStatement", [
          ["AuthenticationMethod", "urn:oasis:names:tc:SAML:1.0:am:password"],
          ["AuthenticationInstant", fields.issueInstant],
        ], [
          xmlNode("saml:Subject", [], [
            xmlNode("saml:NameIdentifier", [["Format", "sip"]], [fields.sipUri]),
          ]),
        ]),
        xmlNode("ds:Signature", [["xmlns:ds", NS.ds]], [
          xmlNode("ds:SignedInfo", [], [
            xmlNode("ds:SignatureMethod", [["Algorithm", HMAC_SHA256]]),
          ]),
          xmlNode("ds:SignatureValue", [], [this.#signature(fields)]),
        ]),
      ]),
    );
    return { xml, created, expires };
  }

  /**
   * Checks a saml:Assertion element: fields present, signature good, now inside
   * NotBefore..NotOnOrAfter. Throws OcAuthFault "invalid-ticket" or "expired-ticket".
   */
  verify(assertion: XmlElement): VerifiedWebTicket {
    const invalid = (why: string) => new OcAuthFault("invalid-ticket", why);
    if (assertion.namespace !== NS.saml || assertion.localName !== "Assertion") {
      throw invalid("not a SAML 1.1 assertion");
    }
    const conditions = child(assertion, NS.saml, "Conditions");
    const audience = conditions &&
      child(
        child(conditions, NS.saml, "AudienceRestrictionCondition") ?? conditions,
        NS.saml,
        "Audience",
      );
    const statement = child(assertion, NS.saml, "AuthenticationStatement");
    const subject = statement && child(statement, NS.saml, "Subject");
    const name = subject && child(subject, NS.saml, "NameIdentifier");
    const signature = child(assertion, NS.ds, "Signature");
    const value = signature && child(signature, NS.ds, "SignatureValue");
    const fields = {
      id: attributeValue(assertion, "AssertionID"),
      issuer: attributeValue(assertion, "Issuer"),
      issueInstant: attributeValue(assertion, "IssueInstant"),
      notBefore: conditions && attributeValue(conditions, "NotBefore"),
      notOnOrAfter: conditions && attributeValue(conditions, "NotOnOrAfter"),
      audience: audience?.text,
      sipUri: name?.text,
    };
    if (Object.values(fields).some((v) => v === undefined) || !value) {
      throw invalid("assertion lacks a required field");
    }
    const complete = fields as TicketFields;
    const expected = new TextEncoder().encode(this.#signature(complete));
    const got = new TextEncoder().encode(value.text.trim());
    if (
      complete.issuer !== this.#options.issuer || got.length !== expected.length ||
      !timingSafeEqual(got, expected)
    ) {
      throw invalid("signature does not verify");
    }
    const now = this.#now();
    const expires = Date.parse(complete.notOnOrAfter);
    if (!(now >= Date.parse(complete.notBefore) && now < expires)) {
      throw new OcAuthFault("expired-ticket", `valid until ${complete.notOnOrAfter}`);
    }
    return { sipUri: complete.sipUri, audience: complete.audience, expires: new Date(expires) };
  }
}
