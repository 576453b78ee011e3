/**
 * XML for the protocol bodies (no XML library is available to the lab): a strict reader with
 * namespace resolution and a writer with escaping that keeps read elements' namespaces.
 *
 * @example
 * ```ts
 * import { parseXml, writeXml, xmlNode } from "./mod.ts";
 * const root = parseXml('<a xmlns="urn:x"><b k="1"/></a>');
 * writeXml(xmlNode("wrap", [], [root])); // '<wrap><a xmlns="urn:x"><b k="1"/></a></wrap>'
 * ```
 *
 * @module
 */
export {
  attributeValue,
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  type XmlAttribute,
  type XmlElement,
  XmlSyntaxError,
} from "./xml_reader.ts";
export {
  writeXml,
  type WriteXmlOptions,
  type XmlAttributeValue,
  type XmlChild,
  type XmlNode,
  xmlNode,
} from "./xml_writer.ts";
