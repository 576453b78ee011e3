/**
 * The XML reader moved to `lab/protocols/xml/`; this path re-exports it for modules that still
 * import it from here (lab/protocols/pidf).
 *
 * @module
 */
export * from "../xml/xml_reader.ts";
