/**
 * Contact and group management (MS-SIP §2.2.4.2, §3.7.4.3–4, Appendix D): SOAP envelopes in
 * SERVICE requests (`application/SOAP+xml`), namespace `http://schemas.microsoft.com/winrtc/2002/11/sip`,
 * each operation carrying `deltaNum` = the list version the client holds. addGroup has no
 * group id; the server's 200 answers it with an `addGroup` envelope holding the new `groupID`
 * (MS-SIP §4.8).
 *
 * @example
 * ```ts
 * const op = parseContactOperation(body);
 * if (op.kind === "setContact") op.contact.uri;
 * ```
 *
 * @module
 */
import { writeXml, type XmlElement, type XmlNode, xmlNode } from "../xml/mod.ts";
import type { Contact } from "./contact_list.ts";
import { booleanFrom, PresDocumentError, readDocument, unsignedFrom } from "./document_reader.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** One management operation with the list version it was made against. */
export type ContactOperation =
  | { kind: "setContact"; deltaNum: number; contact: Contact }
  | { kind: "deleteContact"; deltaNum: number; uri: string }
  | { kind: "addGroup"; deltaNum: number; name: string; externalURI?: string }
  | { kind: "modifyGroup"; deltaNum: number; id: number; name: string; externalURI?: string }
  | { kind: "deleteGroup"; deltaNum: number; id: number };

const KINDS = ["setContact", "deleteContact", "addGroup", "modifyGroup", "deleteGroup"] as const;

function envelope(body: XmlNode): string {
  return writeXml(
    xmlNode("SOAP-ENV:Envelope", [["xmlns:SOAP-ENV", PRES_NAMESPACES.soapEnvelope]], [
      xmlNode("SOAP-ENV:Body", [], [body]),
    ]),
  );
}

function field(name: string, value: string | number | boolean | undefined): XmlNode[] {
  return value === undefined ? [] : [xmlNode(`m:${name}`, [], [String(value)])];
}

/**
 * Writes the SOAP request of an operation.
 *
 * @example
 * ```ts
 * formatContactOperation({ kind: "deleteGroup", deltaNum: 17, id: 4 });
 * ```
 */
export function formatContactOperation(op: ContactOperation): string {
  const children: XmlNode[] = [];
  switch (op.kind) {
    case "setContact":
      children.push(
        ...field("displayName", op.contact.name ?? ""),
        ...field("groups", op.contact.groups.join(" ")),
        ...field("subscribed", op.contact.subscribed),
        ...field("URI", op.contact.uri),
        ...field("externalURI", op.contact.externalURI ?? ""),
      );
      if (op.contact.extension !== undefined) {
        children.push(xmlNode("m:contactExtension", [], [op.contact.extension]));
      }
      break;
    case "deleteContact":
      children.push(...field("URI", op.uri));
      break;
    case "addGroup":
      children.push(...field("name", op.name), ...field("externalURI", op.externalURI ?? ""));
      break;
    case "modifyGroup":
      children.push(
        ...field("groupID", op.id),
        ...field("name", op.name),
        ...field("externalURI", op.externalURI ?? ""),
      );
      break;
    case "deleteGroup":
      children.push(...field("groupID", op.id));
      break;
  }
  children.push(...field("deltaNum", op.deltaNum));
  return envelope(
    xmlNode(`m:${op.kind}`, [["xmlns:m", PRES_NAMESPACES.contactManagement]], children),
  );
}

/**
 * Reads the SOAP request of an operation; throws {@link PresDocumentError} when the envelope,
 * the operation or one of its required fields (deltaNum, URI, name, groupID) is missing.
 *
 * @example
 * ```ts
 * parseContactOperation(body).deltaNum; // 12
 * ```
 */
export function parseContactOperation(text: string): ContactOperation {
  const op = operationElement(text);
  const value = (name: string): string | undefined =>
    op.children.find((c) => c.localName === name)?.text;
  const required = (name: string): string => {
    const v = value(name);
    if (v === undefined) throw new PresDocumentError(`${op.localName} lacks <${name}>`);
    return v;
  };
  const deltaNum = unsignedFrom(required("deltaNum"), "deltaNum");
  const optional = (name: string): { externalURI?: string } => {
    const v = value(name);
    return v === undefined ? {} : { externalURI: v };
  };
  switch (op.localName as typeof KINDS[number]) {
    case "setContact": {
      const groups = (value("groups") ?? "").trim();
      const contact: Contact = {
        uri: required("URI").trim(),
        name: value("displayName") ?? "",
        groups: groups === "" ? [] : groups.split(/\s+/).map((g) => unsignedFrom(g, "group id")),
        subscribed: booleanFrom(value("subscribed") ?? "true", "subscribed"),
        ...optional("externalURI"),
      };
      const extension = op.children.find((c) => c.localName === "contactExtension")
        ?.children[0];
      if (extension !== undefined) contact.extension = extension;
      return { kind: "setContact", deltaNum, contact };
    }
    case "deleteContact":
      return { kind: "deleteContact", deltaNum, uri: required("URI").trim() };
    case "addGroup":
      return { kind: "addGroup", deltaNum, name: required("name"), ...optional("externalURI") };
    case "modifyGroup":
      return {
        kind: "modifyGroup",
        deltaNum,
        id: unsignedFrom(required("groupID"), "groupID"),
        name: required("name"),
        ...optional("externalURI"),
      };
    case "deleteGroup":
      return { kind: "deleteGroup", deltaNum, id: unsignedFrom(required("groupID"), "groupID") };
  }
}

function operationElement(text: string): XmlElement {
  const root = readDocument(text, "Envelope", PRES_NAMESPACES.soapEnvelope);
  const body = root.children.find((c) =>
    c.localName === "Body" && c.namespace === PRES_NAMESPACES.soapEnvelope
  );
  const op = body?.children[0];
  if (op === undefined) throw new PresDocumentError("SOAP envelope without an operation");
  if (
    op.namespace !== PRES_NAMESPACES.contactManagement ||
    !(KINDS as readonly string[]).includes(op.localName)
  ) {
    throw new PresDocumentError(`unknown contact operation <${op.localName}>`);
  }
  return op;
}

/**
 * The body of the 200 to addGroup: the id the server gave the new group (MS-SIP §4.8).
 *
 * @example
 * ```ts
 * formatAddGroupResult(5);
 * ```
 */
export function formatAddGroupResult(groupId: number): string {
  return envelope(
    xmlNode(
      "m:addGroup",
      [["xmlns:m", PRES_NAMESPACES.contactManagement]],
      field("groupID", groupId),
    ),
  );
}

/**
 * Reads the body of the 200 to addGroup.
 *
 * @example
 * ```ts
 * parseAddGroupResult(body); // 5
 * ```
 */
export function parseAddGroupResult(text: string): number {
  const op = operationElement(text);
  const id = op.children.find((c) => c.localName === "groupID");
  if (op.localName !== "addGroup" || id === undefined) {
    throw new PresDocumentError("not an addGroup result");
  }
  return unsignedFrom(id.text, "groupID");
}
