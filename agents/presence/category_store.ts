/**
 * One user's published category instances (MS-PRES.md §3, §6.3): keyed by (category, instance,
 * container), each with the version the server gave it, its expiry type, the endpoint that
 * published it and the server's publish time. Versions go up by one per accepted publication;
 * a deleted instance starts again from version 0 (absent = 0, MS-PRES.md §5 item 1).
 *
 * @example
 * ```ts
 * const store = new CategoryStore();
 * store.currentVersion("state", 0x20000000, 2); // 0
 * ```
 *
 * @module
 */
import type { ExpireType } from "../../lab/protocols/pres/mod.ts";
import type { XmlElement } from "../../lab/protocols/xml/mod.ts";

/** One stored instance. */
export interface StoredInstance {
  readonly categoryName: string;
  readonly instance: number;
  readonly container: number;
  readonly version: number;
  readonly expireType: ExpireType;
  readonly expires?: number;
  /** The publishing endpoint (epid, +sip.instance or GRUU); "" for the server's own. */
  readonly endpointId: string;
  /** xs:dateTime stamped by the server (MS-PRES.md §4.3 publishTime). */
  readonly publishTime: string;
  readonly content: XmlElement;
  /** Published by the server (aggregateState): clients may not overwrite it (MS-OCER 2003). */
  readonly serverOwned: boolean;
  /** The expiry timer of an expireType "time" instance. */
  readonly timer?: unknown;
}

/**
 * The key of an instance.
 *
 * @example
 * ```ts
 * instanceKey("note", 0, 400); // "note\n0\n400"
 * ```
 */
export function instanceKey(categoryName: string, instance: number, container: number): string {
  return `${categoryName}\n${instance}\n${container}`;
}

/**
 * A user's instances.
 *
 * @example
 * ```ts
 * const store = new CategoryStore();
 * store.all().length; // 0
 * ```
 */
export class CategoryStore {
  readonly #instances = new Map<string, StoredInstance>();

  /** The stored version, 0 when absent. */
  currentVersion(categoryName: string, instance: number, container: number): number {
    return this.#instances.get(instanceKey(categoryName, instance, container))?.version ?? 0;
  }

  get(key: string): StoredInstance | undefined {
    return this.#instances.get(key);
  }

  set(stored: StoredInstance): void {
    this.#instances.set(
      instanceKey(stored.categoryName, stored.instance, stored.container),
      stored,
    );
  }

  delete(key: string): StoredInstance | undefined {
    const stored = this.#instances.get(key);
    this.#instances.delete(key);
    return stored;
  }

  /** Every instance, in insertion order. */
  all(): StoredInstance[] {
    return [...this.#instances.values()];
  }

  /** Instances of one container. */
  inContainer(container: number): StoredInstance[] {
    return this.all().filter((s) => s.container === container);
  }
}
