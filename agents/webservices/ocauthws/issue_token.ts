/**
 * The Web Ticket Service's `IssueToken` (MS-OCAUTHWS §3.2.4.1, guide §2.2–§2.5): a WS-Trust 1.3
 * RequestSecurityToken for a SAML 1.1 ticket, authenticated by a WS-Security UsernameToken in
 * the `wsse:Security` header (credentials, guide §2.3) checked against the user store, and
 * answered with a RequestSecurityTokenResponseCollection holding the signed ticket and its
 * Lifetime, under the `RSTRC/IssueFinal` action.
 *
 * Users are `user@domain`; the authclaims `uri` claim, when present, must be `sip:` + that user
 * (the ticket is issued for the SIP URI).
 *
 * @example
 * ```ts
 * const rstr = issueToken(envelope, { issuer, lookupPassword, lifetimeMs: 8 * 3600_000 });
 * ```
 *
 * @module
 */
import { timingSafeEqual } from "node:crypto";
import { attributeValue, parseXml, writeXml, xmlNode } from "../../../lab/protocols/xml/mod.ts";
import { OcAuthFault } from "./faults.ts";
import {
  ACTION_ISSUE,
  ACTION_ISSUE_FINAL,
  CLAIM_URI,
  NS,
  TOKEN_TYPE_SAML11,
} from "./namespaces.ts";
import { child, requireChild, type SoapEnvelope } from "./soap.ts";
import type { WebTicketIssuer } from "./web_ticket.ts";

/** The user store: the password of `user` (user@domain), undefined when unknown. */
export type PasswordLookup = (user: string) => string | undefined;

/** What IssueToken needs. */
export interface IssueTokenContext {
  issuer: WebTicketIssuer;
  lookupPassword: PasswordLookup;
  /** Ticket lifetime (guide §5: clients refresh 60 s before it ends). */
  lifetimeMs: number;
}

function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The WS-Addressing Action of a request, if it has one.
 *
 * @example
 * ```ts
 * soapAction(envelope); // "http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue"
 * ```
 */
export function soapAction(envelope: SoapEnvelope): string | undefined {
  return envelope.header && child(envelope.header, NS.wsa, "Action")?.text.trim();
}

/** Checks the UsernameToken against the store; returns the authenticated user. */
function authenticate(envelope: SoapEnvelope, lookupPassword: PasswordLookup): string {
  const security = envelope.header && child(envelope.header, NS.wsse, "Security");
  const token = security && child(security, NS.wsse, "UsernameToken");
  if (!token) throw new OcAuthFault("bad-credentials", "no wsse:UsernameToken");
  const user = requireChild(token, NS.wsse, "Username").text.trim();
  const password = requireChild(token, NS.wsse, "Password").text;
  const expected = lookupPassword(user);
  // The same answer for an unknown user and a wrong password (no user enumeration).
  if (expected === undefined || !sameSecret(password, expected)) {
    throw new OcAuthFault("bad-credentials", `credentials of "${user}" refused`);
  }
  return user;
}

/**
 * Handles one IssueToken request; returns the response envelope. Throws OcAuthFault.
 *
 * @example
 * ```ts
 * issueToken(readEnvelope(body), context); // "<s:Envelope …RequestSecurityTokenResponseCollection…"
 * ```
 */
export function issueToken(envelope: SoapEnvelope, context: IssueTokenContext): string {
  const action = soapAction(envelope);
  if (action !== undefined && action !== ACTION_ISSUE) {
    throw new OcAuthFault("unsupported-action", `action ${action}`);
  }
  const rst = envelope.body;
  if (rst.namespace !== NS.wst || rst.localName !== "RequestSecurityToken") {
    throw new OcAuthFault("malformed-request", "body is not wst:RequestSecurityToken");
  }
  const tokenType = child(rst, NS.wst, "TokenType")?.text.trim();
  if (tokenType !== undefined && tokenType !== TOKEN_TYPE_SAML11) {
    throw new OcAuthFault("malformed-request", `token type ${tokenType} is not issued here`);
  }
  const appliesTo = child(rst, NS.wsp, "AppliesTo");
  const reference = appliesTo && child(appliesTo, NS.wsa, "EndpointReference");
  const audience = reference && child(reference, NS.wsa, "Address")?.text.trim();
  if (!audience) throw new OcAuthFault("malformed-request", "AppliesTo address missing");

  const user = authenticate(envelope, context.lookupPassword);
  const sipUri = `sip:${user}`;
  const claims = child(rst, NS.wst, "Claims");
  for (const claim of claims?.children ?? []) {
    if (claim.localName !== "ClaimType" || attributeValue(claim, "Uri") !== CLAIM_URI) continue;
    const value = child(claim, NS.auth, "Value")?.text.trim();
    if (value !== undefined && value.toLowerCase() !== sipUri.toLowerCase()) {
      throw new OcAuthFault("identity-mismatch", `${user} may not claim ${value}`);
    }
  }

  const ticket = context.issuer.issue({ sipUri, audience, lifetimeMs: context.lifetimeMs });
  const messageId = envelope.header && child(envelope.header, NS.wsa, "MessageID")?.text.trim();
  return writeXml(
    xmlNode("s:Envelope", [
      ["xmlns:s", NS.s],
      ["xmlns:wsa", NS.wsa],
      ["xmlns:wst", NS.wst],
      ["xmlns:wsu", NS.wsu],
      ["xmlns:wsp", NS.wsp],
    ], [
      xmlNode("s:Header", [], [
        xmlNode("wsa:Action", [["s:mustUnderstand", "1"]], [ACTION_ISSUE_FINAL]),
        ...(messageId ? [xmlNode("wsa:RelatesTo", [], [messageId])] : []),
      ]),
      xmlNode("s:Body", [], [
        xmlNode("wst:RequestSecurityTokenResponseCollection", [], [
          xmlNode("wst:RequestSecurityTokenResponse", [
            ["Context", attributeValue(rst, "Context")],
          ], [
            xmlNode("wst:TokenType", [], [TOKEN_TYPE_SAML11]),
            xmlNode("wst:RequestedSecurityToken", [], [parseXml(ticket.xml)]),
            xmlNode("wst:Lifetime", [], [
              xmlNode("wsu:Created", [], [ticket.created.toISOString()]),
              xmlNode("wsu:Expires", [], [ticket.expires.toISOString()]),
            ]),
            xmlNode("wsp:AppliesTo", [], [
              xmlNode("wsa:EndpointReference", [], [xmlNode("wsa:Address", [], [audience])]),
            ]),
          ]),
        ]),
      ]),
    ]),
    { declaration: true },
  );
}
