/**
 * The lab's presence states — the Microsoft availability names the scenario schema uses
 * (`online`, `busy`, `away`, `be-right-back`, `do-not-disturb`, `offline`) — expressed in
 * standard presence: the tuple's basic status (RFC 3863 §4.1.4) and the person's RPID
 * activities (RFC 4480 §3.2). RPID has no "be right back" nor "do not disturb": the writer adds
 * `<rpid:other>` with the lab's name to the nearest standard activity, so that a watcher that
 * knows only RFC 4480 still sees away / busy.
 *
 * | state          | basic  | activities                              |
 * | -------------- | ------ | --------------------------------------- |
 * | online         | open   | (none)                                  |
 * | busy           | open   | busy                                    |
 * | do-not-disturb | open   | busy, other "do-not-disturb"            |
 * | away           | open   | away                                    |
 * | be-right-back  | open   | away, other "be-right-back"             |
 * | offline        | closed | (none)                                  |
 *
 * The reader also maps documents written by others: no open tuple → offline; an activity
 * that keeps the person from answering (on-the-phone, meeting, …) → busy; one that takes the
 * person away (vacation, meal, sleeping, …) → away.
 *
 * @example
 * ```ts
 * const doc = presenceDocument({ entity: "sip:alice@lab.test", state: "away", note: "back at 3" });
 * availabilityOf(parsePidf(formatPidf(doc))); // "away"
 * ```
 *
 * @module
 */
import type { PidfDocument, RpidActivity } from "./pidf_document.ts";

/** The availability names of the scenario schema (presence workload `states`). */
export const AVAILABILITY_STATES = [
  "online",
  "busy",
  "away",
  "be-right-back",
  "do-not-disturb",
  "offline",
] as const;

/** One of {@link AVAILABILITY_STATES}. */
export type Availability = typeof AVAILABILITY_STATES[number];

/** The RPID activities written for each state (RFC 4480 §3.2). */
const ACTIVITIES: Record<Availability, RpidActivity[]> = {
  online: [],
  busy: [{ name: "busy" }],
  "do-not-disturb": [{ name: "busy" }, { name: "other", text: "do-not-disturb" }],
  away: [{ name: "away" }],
  "be-right-back": [{ name: "away" }, { name: "other", text: "be-right-back" }],
  offline: [],
};

/** RFC 4480 §3.2 activities during which the person does not take calls or messages. */
const BUSY_ACTIVITIES: ReadonlySet<string> = new Set([
  "busy",
  "on-the-phone",
  "meeting",
  "appointment",
  "presentation",
  "performance",
]);

/** RFC 4480 §3.2 activities during which the person is not at the device. */
const AWAY_ACTIVITIES: ReadonlySet<string> = new Set([
  "away",
  "vacation",
  "holiday",
  "meal",
  "breakfast",
  "dinner",
  "sleeping",
  "permanent-absence",
  "in-transit",
  "travel",
  "steering",
  "shopping",
]);

/** What {@link presenceDocument} writes. */
export interface PresenceDocumentInput {
  /** The presentity (the publisher's AoR, RFC 3863 §4.1.1 `entity`). */
  entity: string;
  state: Availability;
  /** A free-text note on the tuple (RFC 3863 §4.1.6). */
  note?: string;
  /** The tuple's contact, where the presentity can be reached (§4.1.5). */
  contact?: string;
  /** The tuple id (an XML ID); default "t1". The same id keeps updates on one tuple. */
  tupleId?: string;
  /** The person id (RFC 4479 §3.3); default "p1". */
  personId?: string;
  /** The tuple's `<timestamp>`; default none. */
  timestamp?: Date;
}

/**
 * The PIDF document announcing `state`: one tuple with the basic status, and for the states
 * that need them a person with RPID activities (see the module table).
 *
 * @example
 * ```ts
 * presenceDocument({ entity: "sip:alice@lab.test", state: "busy" }).person?.activities;
 * // [{ name: "busy" }]
 * ```
 */
export function presenceDocument(input: PresenceDocumentInput): PidfDocument {
  const document: PidfDocument = {
    entity: input.entity,
    tuples: [{
      id: input.tupleId ?? "t1",
      basic: input.state === "offline" ? "closed" : "open",
      notes: input.note === undefined ? [] : [{ text: input.note }],
    }],
    notes: [],
  };
  const tuple = document.tuples[0];
  if (input.contact !== undefined) tuple.contact = { uri: input.contact };
  if (input.timestamp !== undefined) tuple.timestamp = input.timestamp.toISOString();
  const activities = ACTIVITIES[input.state];
  if (activities.length > 0) {
    document.person = {
      id: input.personId ?? "p1",
      activities: activities.map((a) => ({ ...a })),
      notes: [],
    };
  }
  return document;
}

/**
 * The availability a document announces: offline without an open tuple (RFC 3863 §4.1.4
 * "closed" means unable to accept communication); otherwise the lab's own `<rpid:other>`
 * names, then busy or away activities, else online.
 *
 * @example
 * ```ts
 * availabilityOf({ entity: "pres:x@y", tuples: [{ id: "a", basic: "closed", notes: [] }], notes: [] });
 * // "offline"
 * ```
 */
export function availabilityOf(document: PidfDocument): Availability {
  if (!document.tuples.some((tuple) => tuple.basic === "open")) return "offline";
  const activities = document.person?.activities ?? [];
  const others = new Set(activities.filter((a) => a.name === "other").map((a) => a.text));
  if (others.has("do-not-disturb")) return "do-not-disturb";
  if (others.has("be-right-back")) return "be-right-back";
  if (activities.some((a) => BUSY_ACTIVITIES.has(a.name))) return "busy";
  if (activities.some((a) => AWAY_ACTIVITIES.has(a.name))) return "away";
  return "online";
}

/**
 * True for the names of {@link AVAILABILITY_STATES}.
 *
 * @example
 * ```ts
 * isAvailability("away"); // true
 * ```
 */
export function isAvailability(value: string): value is Availability {
  return (AVAILABILITY_STATES as readonly string[]).includes(value);
}

/**
 * The first note of the document's tuples, else of the document itself (for display).
 *
 * @example
 * ```ts
 * firstNote(presenceDocument({ entity: "sip:a@lab.test", state: "online", note: "hi" })); // "hi"
 * ```
 */
export function firstNote(document: PidfDocument): string | undefined {
  return document.tuples.flatMap((t) => t.notes)[0]?.text ?? document.notes[0]?.text;
}
