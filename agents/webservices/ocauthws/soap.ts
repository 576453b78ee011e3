/**
 * Reading SOAP 1.2 envelopes (SOAP 1.2 Part 1 §5) for the authentication web services:
 * header and body located by namespace, child lookup by namespace + local name. Anything that
 * is not a well-formed envelope is an {@link OcAuthFault} "malformed-request".
 *
 * @example
 * ```ts
 * const { header, body } = readEnvelope(text);
 * const rst = requireChild(body, NS.wst, "RequestSecurityToken");
 * ```
 *
 * @module
 */
import { parseXml, type XmlElement, XmlSyntaxError } from "../../../lab/protocols/xml/mod.ts";
import { OcAuthFault } from "./faults.ts";
import { NS } from "./namespaces.ts";

/** The parts of an envelope. */
export interface SoapEnvelope {
  /** s:Header, when present. */
  header?: XmlElement;
  /** The first child of s:Body (the operation element). */
  body: XmlElement;
}

/** Largest request body accepted (CSRs are a few kilobytes). */
export const MAX_REQUEST_OCTETS = 64 * 1024;

/**
 * Parses a SOAP 1.2 envelope.
 *
 * @example
 * ```ts
 * readEnvelope('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><x/></s:Body></s:Envelope>');
 * ```
 */
export function readEnvelope(text: string): SoapEnvelope {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) throw new OcAuthFault("malformed-request", e.message);
    throw e;
  }
  if (root.namespace !== NS.s || root.localName !== "Envelope") {
    throw new OcAuthFault("malformed-request", "root is not a SOAP 1.2 Envelope");
  }
  const header = child(root, NS.s, "Header");
  const bodyElement = requireChild(root, NS.s, "Body");
  const body = bodyElement.children[0];
  if (!body) throw new OcAuthFault("malformed-request", "empty SOAP Body");
  return { header, body };
}

/**
 * The first child element with this namespace and local name.
 *
 * @example
 * ```ts
 * child(rst, NS.wst, "TokenType")?.text;
 * ```
 */
export function child(parent: XmlElement, ns: string, localName: string): XmlElement | undefined {
  return parent.children.find((c) => c.namespace === ns && c.localName === localName);
}

/**
 * As {@link child}, throwing "malformed-request" when it is missing.
 *
 * @example
 * ```ts
 * requireChild(envelope, NS.s, "Body");
 * ```
 */
export function requireChild(parent: XmlElement, ns: string, localName: string): XmlElement {
  const found = child(parent, ns, localName);
  if (!found) {
    throw new OcAuthFault("malformed-request", `missing ${localName} in ${parent.localName}`);
  }
  return found;
}
