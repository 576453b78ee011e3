/**
 * Containers as access control lists (MS-PRES.md §3): the containers of the lab's publication
 * grammar with their default members, membership changes (setContainerMembers, MS-PRES.md
 * §4.7) and the choice of the one container whose instances a watcher sees.
 *
 * Grammar (Lync's, MS-PRES.md §3 table): 0 and 1 self only, 2 and 3 the aggregation input
 * containers (self only), 100 external (federated), 200 company (sameEnterprise), 300 team and
 * 400 personal (explicit users), 32000 blocked. Watchers never resolve to 0–3.
 *
 * Resolution: every container from 100 up is scored by the most specific member matching the
 * watcher (user > domain > sameEnterprise / federated / publicCloud > everyone); the best score
 * wins, and on a tie the higher container id (so a block, 32000, beats an equal grant). A user
 * is a member of at most one container: adding a user removes it from the others (MS-PRES.md
 * §4.7 [verify]).
 *
 * @example
 * ```ts
 * const acl = new ContainerAcl(org);
 * acl.resolve("sip:bob@lab.test", "sip:alice@lab.test"); // 200 (sameEnterprise)
 * ```
 *
 * @module
 */
import type {
  ContainerEntry,
  ContainerMember,
  ContainerMembersChange,
  MemberType,
} from "../../lab/protocols/pres/mod.ts";

/** Container ids of the publication grammar. */
export const CONTAINERS = {
  self: 0,
  selfOnly: 1,
  aggregation: 2,
  aggregationAlternate: 3,
  external: 100,
  company: 200,
  team: 300,
  personal: 400,
  blocked: 32000,
} as const;

/** Containers only the publisher sees. */
export const SELF_CONTAINERS: readonly number[] = [0, 1, 2, 3];

/** Containers watchers resolve to. */
export const WATCHER_CONTAINERS: readonly number[] = [100, 200, 300, 400, 32000];

/** Default members of a new user's containers (MS-PRES.md §3 table). */
const DEFAULT_MEMBERS: ReadonlyMap<number, readonly ContainerMember[]> = new Map([
  [100, [{ type: "federated" }]],
  [200, [{ type: "sameEnterprise" }]],
]);

/** How the lab's organisation splits domains (for the domain-class member types). */
export interface Organisation {
  /** Domains of the enterprise (sameEnterprise). */
  enterpriseDomains: readonly string[];
  /** Public IM cloud domains (publicCloud); any other foreign domain is federated. */
  publicCloudDomains: readonly string[];
}

const RANK: Record<MemberType, number> = {
  user: 0,
  domain: 1,
  sameEnterprise: 2,
  federated: 2,
  publicCloud: 2,
  everyone: 3,
};

/**
 * `user@host` of a SIP URI or bare address, host lowercased (member values come both ways).
 *
 * @example
 * ```ts
 * bareAddress("sip:Bob@LAB.test"); // "Bob@lab.test"
 * ```
 */
export function bareAddress(uri: string): string {
  const bare = uri.trim().replace(/^sips?:/i, "");
  const at = bare.lastIndexOf("@");
  return at < 0 ? bare.toLowerCase() : bare.slice(0, at) + "@" + bare.slice(at + 1).toLowerCase();
}

/**
 * The domain of a SIP URI or bare address.
 *
 * @example
 * ```ts
 * domainOf("sip:bob@Lab.Test"); // "lab.test"
 * ```
 */
export function domainOf(uri: string): string {
  const bare = bareAddress(uri);
  return bare.slice(bare.lastIndexOf("@") + 1);
}

/** The outcome of {@link ContainerAcl.apply}. */
export type MembershipResult =
  | { ok: true }
  | { ok: false; reason: "unknown-container"; id: number }
  | {
    ok: false;
    reason: "version";
    stale: Array<{ index: number; version: number; current: number }>;
  }
  | { ok: false; reason: "member-limit"; id: number };

interface Container {
  version: number;
  members: ContainerMember[];
}

/**
 * One publisher's containers.
 *
 * @example
 * ```ts
 * const acl = new ContainerAcl({ enterpriseDomains: ["lab.test"], publicCloudDomains: [] });
 * acl.apply([{ id: 300, version: 0, members: [{ action: "add", type: "user", value: "bob@lab.test" }] }], 100);
 * ```
 */
export class ContainerAcl {
  readonly #containers = new Map<number, Container>();

  constructor(readonly organisation: Organisation) {
    for (const id of WATCHER_CONTAINERS) {
      this.#containers.set(id, { version: 0, members: [...(DEFAULT_MEMBERS.get(id) ?? [])] });
    }
  }

  /** Whether `id` is a container of the grammar (publishable). */
  static known(id: number): boolean {
    return SELF_CONTAINERS.includes(id) || WATCHER_CONTAINERS.includes(id);
  }

  /** The containers with members, as roaming-self lists them. */
  entries(): ContainerEntry[] {
    return [...this.#containers].map(([id, c]) => ({
      id,
      version: c.version,
      members: c.members.map((m) => ({ ...m })),
    }));
  }

  /**
   * Applies a setContainerMembers request atomically: every container must be known and carry
   * its current version (else nothing changes, MS-PRES.md §4.7); each changed container's
   * version goes up by one.
   */
  apply(changes: readonly ContainerMembersChange[], memberLimit: number): MembershipResult {
    const stale: Array<{ index: number; version: number; current: number }> = [];
    for (const [i, change] of changes.entries()) {
      const container = this.#containers.get(change.id);
      if (container === undefined) return { ok: false, reason: "unknown-container", id: change.id };
      if (container.version !== change.version) {
        stale.push({ index: i + 1, version: change.version, current: container.version });
      }
    }
    if (stale.length > 0) return { ok: false, reason: "version", stale };
    const next = new Map([...this.#containers].map(([id, c]) => [id, {
      version: c.version,
      members: [...c.members],
    }]));
    const touched = new Set<number>();
    for (const change of changes) {
      const container = next.get(change.id)!;
      touched.add(change.id);
      for (const member of change.members) {
        const same = (m: ContainerMember) =>
          m.type === member.type && normalise(m) === normalise(member);
        container.members = container.members.filter((m) => !same(m));
        if (member.action === "remove") continue;
        if (member.type === "user") {
          // A user is a member of at most one container.
          for (const [id, other] of next) {
            if (id === change.id) continue;
            const before = other.members.length;
            other.members = other.members.filter((m) => !same(m));
            if (other.members.length !== before) touched.add(id);
          }
        }
        container.members.push(
          member.value === undefined ? { type: member.type } : {
            type: member.type,
            value: member.value,
          },
        );
      }
      if (container.members.length > memberLimit) {
        return { ok: false, reason: "member-limit", id: change.id };
      }
    }
    for (const id of touched) next.get(id)!.version++;
    for (const [id, c] of next) this.#containers.set(id, c);
    return { ok: true };
  }

  /**
   * The container whose instances `watcher` sees of `publisher`, or undefined when no
   * container admits it. A publisher watching itself gets the personal container (its full
   * self view comes through roaming-self).
   */
  resolve(watcher: string, publisher: string): number | undefined {
    if (bareAddress(watcher) === bareAddress(publisher)) return CONTAINERS.personal;
    let best: { rank: number; id: number } | undefined;
    for (const [id, container] of this.#containers) {
      for (const member of container.members) {
        if (!this.#matches(member, watcher, publisher)) continue;
        const rank = RANK[member.type];
        if (best === undefined || rank < best.rank || (rank === best.rank && id > best.id)) {
          best = { rank, id };
        }
      }
    }
    return best?.id;
  }

  #matches(member: ContainerMember, watcher: string, publisher: string): boolean {
    const domain = domainOf(watcher);
    const { enterpriseDomains, publicCloudDomains } = this.organisation;
    const enterprise = enterpriseDomains.includes(domain) &&
      enterpriseDomains.includes(domainOf(publisher));
    switch (member.type) {
      case "user":
        return bareAddress(member.value ?? "") === bareAddress(watcher);
      case "domain":
        return (member.value ?? "").toLowerCase() === domain;
      case "sameEnterprise":
        return enterprise;
      case "publicCloud":
        return publicCloudDomains.includes(domain);
      case "federated":
        return !enterpriseDomains.includes(domain) && !publicCloudDomains.includes(domain);
      case "everyone":
        return true;
    }
  }
}

function normalise(member: ContainerMember): string {
  if (member.type === "user") return bareAddress(member.value ?? "");
  return (member.value ?? "").toLowerCase();
}
