/**
 * The Presence Information Data Format (RFC 3863) with the person element of the PIDF data
 * model (RFC 4479 §3.3) and its RPID activities (RFC 4480 §3.2): a document model, a strict
 * reader and a writer for `application/pidf+xml` bodies.
 *
 * The reader keeps what the lab needs — entity, tuples (basic status, contact, notes,
 * timestamp), presence-level notes, and the activities of the first person — and skips every
 * other element, as RFC 3863 allows for extensions not marked mustUnderstand.
 *
 * @example
 * ```ts
 * const xml = formatPidf({ entity: "sip:alice@lab.test", tuples: [{ id: "t1", basic: "open",
 *   notes: [] }], notes: [] });
 * parsePidf(xml).tuples[0].basic; // "open"
 * ```
 *
 * @module
 */
import {
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  type XmlElement,
  XmlSyntaxError,
} from "../xml/mod.ts";

/** RFC 3863 §3.1 / §7.1: the media type of a PIDF body. */
export const PIDF_CONTENT_TYPE = "application/pidf+xml";
/** RFC 3863 §4.1: the PIDF namespace. */
export const PIDF_NAMESPACE = "urn:ietf:params:xml:ns:pidf";
/** RFC 4479 §4: the data-model namespace of `<person>` and `<device>`. */
export const DATA_MODEL_NAMESPACE = "urn:ietf:params:xml:ns:pidf:data-model";
/** RFC 4480 §4: the RPID namespace. */
export const RPID_NAMESPACE = "urn:ietf:params:xml:ns:pidf:rpid";
/** RFC 3863: "mustUnderstand" marks extensions a reader may not ignore. */
const MUST_UNDERSTAND = "mustUnderstand";

/** RFC 3863 §4.1.4: the `<basic>` status of a tuple. */
export type BasicStatus = "open" | "closed";

/** A `<note>` (RFC 3863 §4.1.6), with its `xml:lang` when given. */
export interface PidfNote {
  text: string;
  lang?: string;
}

/** A `<contact>` (RFC 3863 §4.1.5) with its optional priority, 0 to 1. */
export interface PidfContact {
  uri: string;
  priority?: number;
}

/** A `<tuple>` (RFC 3863 §4.1.2). */
export interface PidfTuple {
  id: string;
  /** Absent when the status carries only extension elements (§4.1.4 allows it). */
  basic?: BasicStatus;
  contact?: PidfContact;
  notes: PidfNote[];
  /** `<timestamp>`, an RFC 3339 date-time as written (§4.1.7). */
  timestamp?: string;
}

/**
 * One RPID activity (RFC 4480 §3.2): the element's local name (`busy`, `away`, `on-the-phone`,
 * …) and, for `<other>`, its text.
 */
export interface RpidActivity {
  name: string;
  text?: string;
}

/** The `<dm:person>` of RFC 4479 §3.3 as far as the lab reads it. */
export interface PidfPerson {
  id: string;
  /** The `<rpid:activities>` of the person; empty when it gives none. */
  activities: RpidActivity[];
  notes: PidfNote[];
}

/** A whole presence document (RFC 3863 §4.1.1). */
export interface PidfDocument {
  /** The presentity's URI (`pres:`, `sip:`…). */
  entity: string;
  tuples: PidfTuple[];
  /** Presence-level notes, after the tuples (§4.1.1). */
  notes: PidfNote[];
  person?: PidfPerson;
}

/**
 * A body that is not a PIDF document the lab can use: not XML, wrong root, a tuple without id
 * or status, a bad basic value or priority, an extension marked mustUnderstand.
 *
 * @example
 * ```ts
 * try { parsePidf("<x/>"); } catch (e) { (e as PidfSyntaxError).message; }
 * ```
 */
export class PidfSyntaxError extends Error {
  constructor(message: string) {
    super(`PIDF: ${message}`);
    this.name = "PidfSyntaxError";
  }
}

function childrenIn(element: XmlElement, namespace: string, localName: string): XmlElement[] {
  return element.children.filter((c) => c.namespace === namespace && c.localName === localName);
}

function attribute(element: XmlElement, localName: string, namespace?: string): string | undefined {
  return element.attributes.find((a) => a.namespace === namespace && a.localName === localName)
    ?.value;
}

const XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace";

function noteOf(element: XmlElement): PidfNote {
  const lang = attribute(element, "lang", XML_NAMESPACE);
  return lang === undefined ? { text: element.text.trim() } : { text: element.text.trim(), lang };
}

/** RFC 3863 §4.1.5: `qvalue`, a decimal from 0 to 1 with at most three decimals. */
function parsePriority(text: string): number {
  if (!/^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(text)) {
    throw new PidfSyntaxError(`contact priority "${text}" is not a qvalue`);
  }
  return Number(text);
}

/**
 * RFC 3863: an element of another namespace marked mustUnderstand cannot be skipped. The
 * schema's attribute is in the PIDF namespace; an unqualified one is honoured too.
 */
function refuseMustUnderstand(element: XmlElement): void {
  for (const child of element.children) {
    if (child.namespace === PIDF_NAMESPACE) continue;
    const flag = child.attributes.find((a) =>
      a.localName === MUST_UNDERSTAND &&
      (a.namespace === PIDF_NAMESPACE || a.namespace === undefined)
    );
    if (flag !== undefined && (flag.value === "true" || flag.value === "1")) {
      throw new PidfSyntaxError(`extension <${child.name}> is marked mustUnderstand`);
    }
  }
}

function parseTuple(element: XmlElement): PidfTuple {
  const id = attribute(element, "id");
  // RFC 3863 §4.1.2: every tuple has an id (an XML ID) and exactly one status.
  if (id === undefined || id === "") throw new PidfSyntaxError("a <tuple> without id");
  const statuses = childrenIn(element, PIDF_NAMESPACE, "status");
  if (statuses.length !== 1) throw new PidfSyntaxError(`tuple ${id} needs one <status>`);
  refuseMustUnderstand(element);
  refuseMustUnderstand(statuses[0]);
  const tuple: PidfTuple = { id, notes: childrenIn(element, PIDF_NAMESPACE, "note").map(noteOf) };
  const basic = childrenIn(statuses[0], PIDF_NAMESPACE, "basic")[0];
  if (basic !== undefined) {
    const value = basic.text.trim();
    // §4.1.4: "open" or "closed", nothing else.
    if (value !== "open" && value !== "closed") {
      throw new PidfSyntaxError(`tuple ${id}: <basic> is "${value}", not open or closed`);
    }
    tuple.basic = value;
  }
  const contact = childrenIn(element, PIDF_NAMESPACE, "contact")[0];
  if (contact !== undefined) {
    const priority = attribute(contact, "priority");
    tuple.contact = priority === undefined
      ? { uri: contact.text.trim() }
      : { uri: contact.text.trim(), priority: parsePriority(priority.trim()) };
  }
  const timestamp = childrenIn(element, PIDF_NAMESPACE, "timestamp")[0];
  if (timestamp !== undefined) tuple.timestamp = timestamp.text.trim();
  return tuple;
}

function parsePerson(element: XmlElement): PidfPerson {
  const activities: RpidActivity[] = [];
  for (const list of childrenIn(element, RPID_NAMESPACE, "activities")) {
    for (const activity of list.children) {
      // RFC 4480 §3.2: the activities are empty elements of the RPID namespace; <other>
      // carries free text. Notes inside the list are not activities.
      if (activity.namespace !== RPID_NAMESPACE || activity.localName === "note") continue;
      activities.push(
        activity.localName === "other"
          ? { name: "other", text: activity.text.trim() }
          : { name: activity.localName },
      );
    }
  }
  return {
    id: attribute(element, "id") ?? "",
    activities,
    notes: childrenIn(element, DATA_MODEL_NAMESPACE, "note").map(noteOf),
  };
}

/**
 * Reads a PIDF document (RFC 3863 §4): the root `<presence>` in the PIDF namespace with an
 * `entity`, its tuples and notes, and the first `<dm:person>` (RFC 4479) with RPID activities.
 * Throws {@link PidfSyntaxError}.
 *
 * @example
 * ```ts
 * const doc = parsePidf(new TextDecoder().decode(notify.body));
 * doc.tuples.some((t) => t.basic === "open");
 * ```
 */
export function parsePidf(text: string): PidfDocument {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new PidfSyntaxError(error.message);
    throw error;
  }
  if (root.namespace !== PIDF_NAMESPACE || root.localName !== "presence") {
    throw new PidfSyntaxError(`the root is <${root.name}>, not <presence> of ${PIDF_NAMESPACE}`);
  }
  const entity = attribute(root, "entity");
  // §4.1.1: "The <presence> element MUST have an 'entity' attribute".
  if (entity === undefined || entity.trim() === "") {
    throw new PidfSyntaxError("<presence> has no entity");
  }
  refuseMustUnderstand(root);
  const document: PidfDocument = {
    entity: entity.trim(),
    tuples: childrenIn(root, PIDF_NAMESPACE, "tuple").map(parseTuple),
    notes: childrenIn(root, PIDF_NAMESPACE, "note").map(noteOf),
  };
  const person = childrenIn(root, DATA_MODEL_NAMESPACE, "person")[0];
  if (person !== undefined) document.person = parsePerson(person);
  return document;
}

function noteXml(note: PidfNote, prefix: string, indent: string): string {
  const lang = note.lang === undefined ? "" : ` xml:lang="${escapeXmlAttribute(note.lang)}"`;
  return `${indent}<${prefix}note${lang}>${escapeXmlText(note.text)}</${prefix}note>`;
}

/** RFC 3863 §4.1.5: a priority written as a qvalue (up to three decimals). */
function formatPriority(priority: number): string {
  if (!(priority >= 0 && priority <= 1)) throw new RangeError(`priority ${priority} not in 0..1`);
  return String(Math.round(priority * 1000) / 1000);
}

function tupleXml(tuple: PidfTuple): string[] {
  const lines = [`  <tuple id="${escapeXmlAttribute(tuple.id)}">`, "    <status>"];
  if (tuple.basic !== undefined) lines.push(`      <basic>${tuple.basic}</basic>`);
  lines.push("    </status>");
  if (tuple.contact !== undefined) {
    const priority = tuple.contact.priority === undefined
      ? ""
      : ` priority="${formatPriority(tuple.contact.priority)}"`;
    lines.push(`    <contact${priority}>${escapeXmlText(tuple.contact.uri)}</contact>`);
  }
  for (const note of tuple.notes) lines.push(noteXml(note, "", "    "));
  if (tuple.timestamp !== undefined) {
    lines.push(`    <timestamp>${escapeXmlText(tuple.timestamp)}</timestamp>`);
  }
  lines.push("  </tuple>");
  return lines;
}

function personXml(person: PidfPerson): string[] {
  const lines = [`  <dm:person id="${escapeXmlAttribute(person.id)}">`];
  if (person.activities.length > 0) {
    lines.push("    <rpid:activities>");
    for (const activity of person.activities) {
      if (!/^[a-z][a-z-]*$/.test(activity.name)) {
        throw new RangeError(`"${activity.name}" is not an RPID activity name`);
      }
      lines.push(
        activity.text === undefined
          ? `      <rpid:${activity.name}/>`
          : `      <rpid:${activity.name}>${escapeXmlText(activity.text)}</rpid:${activity.name}>`,
      );
    }
    lines.push("    </rpid:activities>");
  }
  for (const note of person.notes) lines.push(noteXml(note, "dm:", "    "));
  lines.push("  </dm:person>");
  return lines;
}

/**
 * Writes a PIDF document (RFC 3863 §4) — with the data-model and RPID namespaces declared
 * when it has a person (RFC 4479 §4, RFC 4480 §4) — as UTF-8 XML text.
 *
 * @example
 * ```ts
 * formatPidf({ entity: "sip:bob@lab.test", notes: [{ text: "at lunch" }],
 *   tuples: [{ id: "a1", basic: "open", notes: [] }] });
 * ```
 */
export function formatPidf(document: PidfDocument): string {
  const namespaces = [`xmlns="${PIDF_NAMESPACE}"`];
  if (document.person !== undefined) {
    namespaces.push(`xmlns:dm="${DATA_MODEL_NAMESPACE}"`, `xmlns:rpid="${RPID_NAMESPACE}"`);
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<presence ${namespaces.join(" ")} entity="${escapeXmlAttribute(document.entity)}">`,
    // RFC 3863 §4.1.1 schema: tuples, then notes, then elements of other namespaces (the
    // RFC 4479 person).
    ...document.tuples.flatMap(tupleXml),
    ...document.notes.map((note) => noteXml(note, "", "  ")),
    ...(document.person === undefined ? [] : personXml(document.person)),
    "</presence>",
  ];
  return lines.join("\n") + "\n";
}
