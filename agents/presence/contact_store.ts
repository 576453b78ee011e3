/**
 * A user's roaming contact list (MS-SIP §2.2.4, §3.7.4.3–4): groups and contacts under one
 * version number, `deltaNum`, that every change increments. Each SOAP operation must carry the
 * current deltaNum; a stale one changes nothing. Group 1 ("~") is the server's default group:
 * it is never created, modified or deleted by the user, and a contact with no group belongs to
 * it. Group ids run 1–63; a group must be empty before it is deleted.
 *
 * @example
 * ```ts
 * const contacts = new ContactStore({ maxContacts: 1000 });
 * contacts.apply({ kind: "addGroup", deltaNum: 1, name: "Team" }); // { ok: true, delta, groupId: 2 }
 * ```
 *
 * @module
 */
import type {
  Contact,
  ContactChange,
  ContactDelta,
  ContactGroup,
  ContactList,
  ContactOperation,
} from "../../lab/protocols/pres/mod.ts";
import { bareAddress } from "./container_acl.ts";

/** MS-SIP §3.7.4.4: group ids 1–63. */
const MAX_GROUP_ID = 63;
/** The server's default group. */
const DEFAULT_GROUP: ContactGroup = { id: 1, name: "~", externalURI: "" };

/** Why an operation was refused. */
export type ContactRefusal =
  | { reason: "stale"; current: number }
  | { reason: "unknown-contact" | "unknown-group" | "protected-group" | "group-not-empty" }
  | { reason: "duplicate-group-name" | "contact-limit" | "group-limit" };

/** The outcome of {@link ContactStore.apply}. */
export type ContactResult =
  | { ok: true; delta: ContactDelta; groupId?: number }
  | ({ ok: false } & ContactRefusal);

/**
 * One user's contacts and groups.
 *
 * @example
 * ```ts
 * new ContactStore({ maxContacts: 10 }).list().deltaNum; // 1
 * ```
 */
export class ContactStore {
  #deltaNum = 1;
  readonly #groups = new Map<number, ContactGroup>([[1, { ...DEFAULT_GROUP }]]);
  readonly #contacts = new Map<string, Contact>();

  constructor(readonly limits: { maxContacts: number }) {}

  /** The full list (the first notification of a roaming-contacts subscription). */
  list(): ContactList {
    return {
      deltaNum: this.#deltaNum,
      groups: [...this.#groups.values()].map((g) => ({ ...g })),
      contacts: [...this.#contacts.values()].map((c) => ({ ...c, groups: [...c.groups] })),
    };
  }

  /** Applies one operation, all or nothing. */
  apply(op: ContactOperation): ContactResult {
    if (op.deltaNum !== this.#deltaNum) {
      return { ok: false, reason: "stale", current: this.#deltaNum };
    }
    let change: ContactChange;
    let groupId: number | undefined;
    switch (op.kind) {
      case "setContact": {
        const groups = op.contact.groups.length === 0 ? [1] : [...new Set(op.contact.groups)];
        if (groups.some((g) => !this.#groups.has(g))) return { ok: false, reason: "unknown-group" };
        const key = bareAddress(op.contact.uri);
        const existing = this.#contacts.has(key);
        if (!existing && this.#contacts.size >= this.limits.maxContacts) {
          return { ok: false, reason: "contact-limit" };
        }
        const contact: Contact = { ...op.contact, groups };
        this.#contacts.set(key, contact);
        change = { kind: existing ? "modifiedContact" : "addedContact", contact };
        break;
      }
      case "deleteContact": {
        const key = bareAddress(op.uri);
        const contact = this.#contacts.get(key);
        if (contact === undefined) return { ok: false, reason: "unknown-contact" };
        this.#contacts.delete(key);
        change = { kind: "deletedContact", uri: contact.uri };
        break;
      }
      case "addGroup": {
        if (this.#nameTaken(op.name)) return { ok: false, reason: "duplicate-group-name" };
        let id = 2;
        while (this.#groups.has(id)) id++;
        if (id > MAX_GROUP_ID) return { ok: false, reason: "group-limit" };
        const group: ContactGroup = { id, name: op.name, externalURI: op.externalURI ?? "" };
        this.#groups.set(id, group);
        change = { kind: "addedGroup", group };
        groupId = id;
        break;
      }
      case "modifyGroup": {
        if (op.id === DEFAULT_GROUP.id) return { ok: false, reason: "protected-group" };
        if (!this.#groups.has(op.id)) return { ok: false, reason: "unknown-group" };
        if (this.#nameTaken(op.name, op.id)) return { ok: false, reason: "duplicate-group-name" };
        const group: ContactGroup = { id: op.id, name: op.name, externalURI: op.externalURI ?? "" };
        this.#groups.set(op.id, group);
        change = { kind: "modifiedGroup", group };
        break;
      }
      case "deleteGroup": {
        if (op.id === DEFAULT_GROUP.id) return { ok: false, reason: "protected-group" };
        if (!this.#groups.has(op.id)) return { ok: false, reason: "unknown-group" };
        for (const c of this.#contacts.values()) {
          if (c.groups.includes(op.id)) return { ok: false, reason: "group-not-empty" };
        }
        this.#groups.delete(op.id);
        change = { kind: "deletedGroup", id: op.id };
        break;
      }
    }
    const prevDeltaNum = this.#deltaNum++;
    const delta: ContactDelta = { deltaNum: this.#deltaNum, prevDeltaNum, changes: [change] };
    return groupId === undefined ? { ok: true, delta } : { ok: true, delta, groupId };
  }

  #nameTaken(name: string, except?: number): boolean {
    for (const g of this.#groups.values()) if (g.id !== except && g.name === name) return true;
    return false;
  }
}
