/**
 * The roaming contact list, `application/vnd-microsoft-roaming-contacts+xml` (MS-SIP §2.2.4.1):
 * the full list (`contactList@deltaNum` with groups and contacts) and the delta notification
 * (`contactDelta@deltaNum,prevDeltaNum` with one added/modified/deleted group or contact).
 *
 * @example
 * ```ts
 * const list = parseContactList(body);
 * list.groups[0]; // { id: 1, name: "~", externalURI: "" }
 * ```
 *
 * @module
 */
import { attributeValue, writeXml, type XmlElement, type XmlNode, xmlNode } from "../xml/mod.ts";
import {
  booleanAttribute,
  PresDocumentError,
  readDocument,
  requireAttribute,
  requireUnsigned,
  unsignedFrom,
} from "./document_reader.ts";

/** A group of the contact list (MS-SIP §2.2.4.1). */
export interface ContactGroup {
  id: number;
  name: string;
  externalURI?: string;
}

/** A contact of the list. */
export interface Contact {
  uri: string;
  name?: string;
  /** Group ids (the `groups` attribute, space-separated). */
  groups: number[];
  /** Whether the client subscribes to the contact's presence (default true). */
  subscribed: boolean;
  externalURI?: string;
  /** Any application XML (`contactExtension`). */
  extension?: XmlElement;
}

/** The full list. */
export interface ContactList {
  deltaNum: number;
  groups: ContactGroup[];
  contacts: Contact[];
}

/** One change of a delta (MS-SIP §2.2.4.1: a choice of six elements). */
export type ContactChange =
  | { kind: "addedGroup" | "modifiedGroup"; group: ContactGroup }
  | { kind: "deletedGroup"; id: number }
  | { kind: "addedContact" | "modifiedContact"; contact: Contact }
  | { kind: "deletedContact"; uri: string };

/** A delta notification. */
export interface ContactDelta {
  deltaNum: number;
  prevDeltaNum: number;
  changes: ContactChange[];
}

function groupNode(name: string, g: ContactGroup): XmlNode {
  return xmlNode(name, [["id", g.id], ["name", g.name], ["externalURI", g.externalURI ?? ""]]);
}

function contactNode(name: string, c: Contact): XmlNode {
  return xmlNode(name, [
    ["uri", c.uri],
    ["name", c.name ?? ""],
    ["groups", c.groups.join(" ")],
    ["subscribed", c.subscribed],
    ["externalURI", c.externalURI ?? ""],
  ], c.extension === undefined ? [] : [xmlNode("contactExtension", [], [c.extension])]);
}

function readGroup(e: XmlElement): ContactGroup {
  const group: ContactGroup = { id: requireUnsigned(e, "id"), name: requireAttribute(e, "name") };
  const external = attributeValue(e, "externalURI");
  if (external !== undefined) group.externalURI = external;
  return group;
}

function readContact(e: XmlElement): Contact {
  const groups = (attributeValue(e, "groups") ?? "").trim();
  const contact: Contact = {
    // The MS-SIP §3.7.5.2 example has a space inside the uri attribute: trimmed.
    uri: requireAttribute(e, "uri").trim(),
    groups: groups === "" ? [] : groups.split(/\s+/).map((g) => unsignedFrom(g, "group id")),
    subscribed: booleanAttribute(e, "subscribed", true),
  };
  const name = attributeValue(e, "name");
  if (name !== undefined) contact.name = name;
  const external = attributeValue(e, "externalURI");
  if (external !== undefined) contact.externalURI = external;
  const extension = e.children.find((c) => c.localName === "contactExtension")?.children[0];
  if (extension !== undefined) contact.extension = extension;
  return contact;
}

/**
 * Writes the full list.
 *
 * @example
 * ```ts
 * formatContactList({ deltaNum: 1, groups: [{ id: 1, name: "~" }], contacts: [] });
 * ```
 */
export function formatContactList(list: ContactList): string {
  return writeXml(xmlNode("contactList", [["deltaNum", list.deltaNum]], [
    ...list.groups.map((g) => groupNode("group", g)),
    ...list.contacts.map((c) => contactNode("contact", c)),
  ]));
}

/**
 * Reads the full list.
 *
 * @example
 * ```ts
 * parseContactList('<contactList deltaNum="685"><group id="1" name="~"/></contactList>').deltaNum; // 685
 * ```
 */
export function parseContactList(text: string): ContactList {
  const root = readDocument(text, "contactList");
  return {
    deltaNum: requireUnsigned(root, "deltaNum"),
    groups: root.children.filter((c) => c.localName === "group").map(readGroup),
    contacts: root.children.filter((c) => c.localName === "contact").map(readContact),
  };
}

/**
 * Writes a delta notification.
 *
 * @example
 * ```ts
 * formatContactDelta({ deltaNum: 13, prevDeltaNum: 12, changes: [{ kind: "deletedContact", uri: "sip:a@b" }] });
 * ```
 */
export function formatContactDelta(delta: ContactDelta): string {
  return writeXml(
    xmlNode(
      "contactDelta",
      [["deltaNum", delta.deltaNum], ["prevDeltaNum", delta.prevDeltaNum]],
      delta.changes.map((change) => {
        switch (change.kind) {
          case "addedGroup":
          case "modifiedGroup":
            return groupNode(change.kind, change.group);
          case "deletedGroup":
            return xmlNode("deletedGroup", [["id", change.id]]);
          case "addedContact":
          case "modifiedContact":
            return contactNode(change.kind, change.contact);
          case "deletedContact":
            return xmlNode("deletedContact", [["uri", change.uri]]);
        }
      }),
    ),
  );
}

/**
 * Reads a delta notification.
 *
 * @example
 * ```ts
 * parseContactDelta(body).prevDeltaNum;
 * ```
 */
export function parseContactDelta(text: string): ContactDelta {
  const root = readDocument(text, "contactDelta");
  return {
    deltaNum: requireUnsigned(root, "deltaNum"),
    prevDeltaNum: requireUnsigned(root, "prevDeltaNum"),
    changes: root.children.map((e): ContactChange => {
      switch (e.localName) {
        case "addedGroup":
        case "modifiedGroup":
          return { kind: e.localName, group: readGroup(e) };
        case "deletedGroup":
          return { kind: "deletedGroup", id: requireUnsigned(e, "id") };
        case "addedContact":
        case "modifiedContact":
          return { kind: e.localName, contact: readContact(e) };
        case "deletedContact":
          return { kind: "deletedContact", uri: requireAttribute(e, "uri") };
        default:
          throw new PresDocumentError(`unknown contactDelta change <${e.localName}>`);
      }
    }),
  };
}
