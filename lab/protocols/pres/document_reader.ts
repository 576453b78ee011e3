/**
 * Reading MS-PRES documents: the error every codec of this folder throws for a document that is
 * well-formed XML but breaks the document's grammar, and typed access to the attributes and
 * children the grammars require. A server answers such a document 400 with ms-diagnostics
 * (MS-PRES.md §8: malformed XML → 400).
 *
 * @example
 * ```ts
 * const root = readDocument('<a n="5"/>', "a");
 * requireUnsigned(root, "n"); // 5
 * ```
 *
 * @module
 */
import { attributeValue, parseXml, type XmlElement, XmlSyntaxError } from "../xml/mod.ts";

/**
 * A body that is not well-formed or does not follow its MS-PRES grammar.
 *
 * @example
 * ```ts
 * try { parseCategoryPublish("<x/>"); } catch (e) { (e as PresDocumentError).message; }
 * ```
 */
export class PresDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PresDocumentError";
  }
}

/**
 * Parses `text` and checks the root's local name (and namespace when given); XML syntax errors
 * become {@link PresDocumentError}.
 *
 * @example
 * ```ts
 * readDocument("<publish/>", "publish").localName; // "publish"
 * ```
 */
export function readDocument(text: string, root: string, namespace?: string): XmlElement {
  let element: XmlElement;
  try {
    element = parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new PresDocumentError(error.message);
    throw error;
  }
  if (element.localName !== root) {
    throw new PresDocumentError(`expected <${root}>, found <${element.localName}>`);
  }
  if (namespace !== undefined && element.namespace !== namespace) {
    throw new PresDocumentError(`<${root}> must be in namespace ${namespace}`);
  }
  return element;
}

/**
 * The required unprefixed attribute `name` of `element`.
 *
 * @example
 * ```ts
 * requireAttribute(parseXml('<e uri="sip:a@b"/>'), "uri"); // "sip:a@b"
 * ```
 */
export function requireAttribute(element: XmlElement, name: string): string {
  const value = attributeValue(element, name);
  if (value === undefined) {
    throw new PresDocumentError(`<${element.localName}> lacks the ${name} attribute`);
  }
  return value;
}

const MAX_UINT32 = 0xffffffff;

/**
 * An xs:unsignedInt from text; throws naming `what` when it is not one.
 *
 * @example
 * ```ts
 * unsignedFrom("536870912", "instance"); // 536870912
 * ```
 */
export function unsignedFrom(text: string, what: string): number {
  const trimmed = text.trim();
  if (!/^[0-9]{1,10}$/.test(trimmed) || Number(trimmed) > MAX_UINT32) {
    throw new PresDocumentError(`${what} "${text}" is not an unsigned 32-bit integer`);
  }
  return Number(trimmed);
}

/**
 * The required xs:unsignedInt attribute `name`.
 *
 * @example
 * ```ts
 * requireUnsigned(parseXml('<e id="300"/>'), "id"); // 300
 * ```
 */
export function requireUnsigned(element: XmlElement, name: string): number {
  return unsignedFrom(requireAttribute(element, name), `${element.localName}@${name}`);
}

/**
 * The optional xs:unsignedInt attribute `name`, undefined when absent.
 *
 * @example
 * ```ts
 * optionalUnsigned(parseXml("<e/>"), "expires"); // undefined
 * ```
 */
export function optionalUnsigned(element: XmlElement, name: string): number | undefined {
  const value = attributeValue(element, name);
  return value === undefined ? undefined : unsignedFrom(value, `${element.localName}@${name}`);
}

/**
 * An xs:boolean ("true", "false", "1", "0"); `fallback` when absent.
 *
 * @example
 * ```ts
 * booleanAttribute(parseXml('<e a="1"/>'), "a", false); // true
 * ```
 */
export function booleanAttribute(element: XmlElement, name: string, fallback: boolean): boolean {
  const value = attributeValue(element, name);
  if (value === undefined) return fallback;
  return booleanFrom(value, `${element.localName}@${name}`);
}

/**
 * An xs:boolean from text.
 *
 * @example
 * ```ts
 * booleanFrom("false", "subscribed"); // false
 * ```
 */
export function booleanFrom(text: string, what: string): boolean {
  switch (text.trim()) {
    case "true":
    case "1":
      return true;
    case "false":
    case "0":
      return false;
    default:
      throw new PresDocumentError(`${what} "${text}" is not a boolean`);
  }
}

/**
 * The children of `element` with local name `name`.
 *
 * @example
 * ```ts
 * childrenNamed(parseXml("<a><b/><c/><b/></a>"), "b").length; // 2
 * ```
 */
export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.localName === name);
}

/**
 * The one child named `name`; throws when it is missing.
 *
 * @example
 * ```ts
 * requireChild(parseXml("<a><b/></a>"), "b").localName; // "b"
 * ```
 */
export function requireChild(element: XmlElement, name: string): XmlElement {
  const child = element.children.find((c) => c.localName === name);
  if (child === undefined) {
    throw new PresDocumentError(`<${element.localName}> lacks <${name}>`);
  }
  return child;
}
