/**
 * A small XML 1.0 writer for the protocol bodies: element trees built with {@link xmlNode} (or
 * elements read back by the reader) serialised with escaped text and attribute values
 * (XML 1.0 §2.4, §3.3.3). An element read by `parseXml` keeps its namespaces when written: the
 * writer declares every prefix (or default namespace) the element and its attributes use that is
 * not already bound to the same name in scope (Namespaces in XML 1.0 §5), so a category document
 * stored by a server goes out with the namespaces it came in with.
 *
 * A read element holds its own character data in one string (`text`), before its children:
 * mixed content comes out with the text first. The protocol documents of this lab have either
 * text or child elements, never both.
 *
 * @example
 * ```ts
 * writeXml(xmlNode("note", [["xmlns", "urn:n"]], [xmlNode("body", [], ["a < b"])]));
 * // '<note xmlns="urn:n"><body>a &lt; b</body></note>'
 * ```
 *
 * @module
 */
import { escapeXmlAttribute, escapeXmlText, type XmlElement } from "./xml_reader.ts";

/** An attribute value; undefined and false-y absent values are left out (see {@link xmlNode}). */
export type XmlAttributeValue = string | number | boolean | undefined;

/** An element to write: its qualified name, attributes (xmlns declarations included) in order. */
export interface XmlNode {
  readonly name: string;
  readonly attributes: ReadonlyArray<readonly [name: string, value: XmlAttributeValue]>;
  readonly children: readonly XmlChild[];
}

/** Content of a {@link XmlNode}: text, a node, or an element read by `parseXml`. */
export type XmlChild = string | XmlNode | XmlElement;

/**
 * Builds a node. Attributes whose value is undefined are left out when written.
 *
 * @example
 * ```ts
 * xmlNode("resource", [["uri", "sip:bob@lab.test"], ["name", undefined]]);
 * ```
 */
export function xmlNode(
  name: string,
  attributes: ReadonlyArray<readonly [string, XmlAttributeValue]> = [],
  children: readonly XmlChild[] = [],
): XmlNode {
  return { name, attributes, children };
}

/** Options of {@link writeXml}. */
export interface WriteXmlOptions {
  /** Prepend `<?xml version="1.0" encoding="utf-8"?>` (XML 1.0 §2.8). Default false. */
  declaration?: boolean;
}

/**
 * Serialises `root` without added whitespace.
 *
 * @example
 * ```ts
 * writeXml(parseXml('<p:a xmlns:p="urn:p" k="1"/>')); // '<p:a xmlns:p="urn:p" k="1"/>'
 * ```
 */
export function writeXml(root: XmlNode | XmlElement, options: WriteXmlOptions = {}): string {
  const out: string[] = [];
  if (options.declaration) out.push('<?xml version="1.0" encoding="utf-8"?>');
  writeChild(root, new Map([["xml", "http://www.w3.org/XML/1998/namespace"]]), out);
  return out.join("");
}

function isReadElement(child: XmlNode | XmlElement): child is XmlElement {
  return "localName" in child;
}

function writeChild(child: XmlChild, scope: Map<string, string>, out: string[]): void {
  if (typeof child === "string") out.push(escapeXmlText(child));
  else if (isReadElement(child)) writeReadElement(child, scope, out);
  else writeNode(child, scope, out);
}

function writeNode(node: XmlNode, scope: Map<string, string>, out: string[]): void {
  let local = scope;
  let attributes = "";
  for (const [name, value] of node.attributes) {
    if (value === undefined) continue;
    const text = String(value);
    if (name === "xmlns" || name.startsWith("xmlns:")) {
      if (local === scope) local = new Map(scope);
      local.set(name === "xmlns" ? "" : name.slice(6), text);
    }
    attributes += ` ${name}="${escapeXmlAttribute(text)}"`;
  }
  close(node.name, attributes, node.children, local, out);
}

/** Namespaces in XML 1.0 §5: declare what the element uses that the scope does not bind. */
function writeReadElement(element: XmlElement, scope: Map<string, string>, out: string[]): void {
  let local = scope;
  let declarations = "";
  const bind = (prefix: string, namespace: string) => {
    if (local.get(prefix) === namespace || (prefix === "" && namespace === "" && !local.has(""))) {
      return;
    }
    if (local === scope) local = new Map(scope);
    local.set(prefix, namespace);
    declarations += prefix === ""
      ? ` xmlns="${escapeXmlAttribute(namespace)}"`
      : ` xmlns:${prefix}="${escapeXmlAttribute(namespace)}"`;
  };
  bind(prefixOf(element.name), element.namespace ?? "");
  let attributes = "";
  for (const a of element.attributes) {
    if (a.namespace !== undefined) bind(prefixOf(a.name), a.namespace);
    attributes += ` ${a.name}="${escapeXmlAttribute(a.value)}"`;
  }
  const children: XmlChild[] = element.text === "" ? [] : [element.text];
  children.push(...element.children);
  close(element.name, declarations + attributes, children, local, out);
}

function close(
  name: string,
  attributes: string,
  children: readonly XmlChild[],
  scope: Map<string, string>,
  out: string[],
): void {
  if (children.length === 0) {
    out.push(`<${name}${attributes}/>`);
    return;
  }
  out.push(`<${name}${attributes}>`);
  for (const child of children) writeChild(child, scope, out);
  out.push(`</${name}>`);
}

function prefixOf(name: string): string {
  const colon = name.indexOf(":");
  return colon < 0 ? "" : name.slice(0, colon);
}
