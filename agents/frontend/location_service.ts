/**
 * The location service (RFC 3261 §10, §10.3): address of record → bindings, each binding a
 * Contact with the Call-ID and CSeq of the REGISTER that last touched it, an absolute expiry
 * armed on the shared timer wheel, and the address the REGISTER came from (where a proxy
 * reaches a client behind NAT or on a connection, RFC 3261 §16.5 with RFC 5626 in mind).
 *
 * Updates are atomic (§10.3 step 7: "The binding updates MUST be committed … if and only if
 * all binding updates and additions succeed"): {@link LocationService.update} checks every
 * change against the Call-ID/CSeq rule first and changes nothing when one fails.
 *
 * @example
 * ```ts
 * const location = new LocationService(wheel);
 * location.update("sip:alice@lab.test", { callId: "c1", cseq: 1 }, {
 *   kind: "contacts",
 *   contacts: [{ contact: parseNameAddr("<sip:alice@192.0.2.1:5060>"), expiresS: 3600, source }],
 * });
 * location.lookup("sip:alice@lab.test").length; // 1
 * ```
 *
 * @module
 */
import type { NameAddr, SipUri } from "../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { Destination } from "../../lab/sip/transaction/mod.ts";
import { sameContactUri } from "./contact_uri.ts";

/** One registered contact of an address of record. */
export interface Binding {
  readonly aor: string;
  /** The Contact as registered (its `expires` parameter is the client's, not the grant). */
  readonly contact: NameAddr;
  readonly uri: SipUri;
  readonly callId: string;
  readonly cseq: number;
  /** Wheel time (ms) at which the binding lapses. */
  readonly expiresAt: number;
  /** Where the REGISTER that made or refreshed the binding came from. */
  readonly source: Destination;
  /** The registering endpoint (MS-SIPRE §4.2: the binding is the endpoint's). */
  readonly endpoint: BindingEndpoint;
}

/** Who registered a binding: MS-SIPRE endpoint identifiers and what the REGISTER asked. */
export interface BindingEndpoint {
  /** From `epid` (MS-SIPRE 2.2.7). */
  readonly epid?: string;
  /** Contact `+sip.instance` UUID (MS-SIPRE 2.2.5). */
  readonly instance?: string;
  /** The GRUU issued for the instance (MS-SIPRE 3.4), when the client asked (`gruu-10`). */
  readonly gruu?: string;
  /** MS-SIPREGE 2.2.1.1: the REGISTER carried `Event: registration` (implicit subscription). */
  readonly registrationEvents?: boolean;
  /** The REGISTER's From tag, for the registration-notify NOTIFY (MS-SIPREGE 3.2). */
  readonly fromTag?: string;
}

/**
 * Why a binding went away: the endpoint unregistered (RFC 3261 §10.2.2: Expires 0 or `*`), the
 * server removed it (MS-SIPREGE 3.2 deregistration), or it lapsed (§10.2.1).
 */
export type BindingRemoval = "unregistered" | "removed" | "expired";

/** One Contact of a REGISTER, with the expiration the registrar granted (0 removes). */
export interface ContactChange {
  contact: NameAddr & { uri: SipUri };
  expiresS: number;
  source: Destination;
  endpoint?: BindingEndpoint;
}

/** The Call-ID and CSeq of the REGISTER making a change. */
export interface RegisterOrder {
  callId: string;
  cseq: number;
}

/** What a REGISTER asks of the location service. */
export type LocationChange =
  | { kind: "contacts"; contacts: readonly ContactChange[] }
  /** `Contact: *` with `Expires: 0` (§10.3 step 6). */
  | { kind: "remove-all" };

/** What {@link LocationService.update} did. */
export type UpdateResult =
  | { ok: true; added: number; refreshed: number; removed: number }
  /** §10.3 steps 6–7: same Call-ID with a CSeq not above the binding's; nothing changed. */
  | { ok: false; reason: "out-of-order" };

interface StoredBinding extends Binding {
  timer: TimerHandle;
}

/**
 * Bindings by address of record, expiring on a timer wheel.
 *
 * @example
 * ```ts
 * const location = new LocationService(new TimerWheel());
 * location.size; // 0
 * ```
 */
export class LocationService {
  readonly #wheel: TimerWheel;
  readonly #bindings = new Map<string, StoredBinding[]>();
  #size = 0;
  readonly #onRemoved: ((binding: Binding, cause: BindingRemoval) => void) | undefined;

  /**
   * `onRemoved` hears of every binding that goes away — unregistered (Expires 0, `*`), removed
   * by the server (`remove`), or lapsed — once the bindings of its AOR are updated (so a
   * `lookup` in the callback sees what is left). Not called by `clear`.
   */
  constructor(wheel: TimerWheel, onRemoved?: (binding: Binding, cause: BindingRemoval) => void) {
    this.#wheel = wheel;
    this.#onRemoved = onRemoved;
  }

  /** Number of bindings over all addresses of record. */
  get size(): number {
    return this.#size;
  }

  /** Number of addresses of record with at least one binding. */
  get addressesOfRecord(): number {
    return this.#bindings.size;
  }

  /** The current bindings of `aor` (canonical form: see {@link canonicalAor}). */
  lookup(aor: string): readonly Binding[] {
    return this.#bindings.get(aor) ?? [];
  }

  /** Seconds left before `binding` lapses, rounded up (the `expires` a 200 reports). */
  remainingSeconds(binding: Binding): number {
    return Math.max(0, Math.ceil((binding.expiresAt - this.#wheel.now()) / 1000));
  }

  /**
   * Applies a REGISTER's changes to `aor` under RFC 3261 §10.3 steps 6–7: a binding with
   * another Call-ID is replaced (or removed); with the same Call-ID only a higher CSeq may
   * touch it, otherwise the whole update is refused and nothing changes.
   */
  update(aor: string, order: RegisterOrder, change: LocationChange): UpdateResult {
    const current = this.#bindings.get(aor) ?? [];
    const outOfOrder = (b: Binding) => b.callId === order.callId && order.cseq <= b.cseq;
    if (change.kind === "remove-all") {
      // §10.3 step 6: each binding is removed unless it has this Call-ID and a CSeq not below
      // the request's, in which case "the request fails".
      if (current.some(outOfOrder)) return { ok: false, reason: "out-of-order" };
      for (const b of current) this.#wheel.cancel(b.timer);
      this.#bindings.delete(aor);
      this.#size -= current.length;
      this.#removed(current, "unregistered");
      return { ok: true, added: 0, refreshed: 0, removed: current.length };
    }
    for (const c of change.contacts) {
      const existing = current.find((b) => sameBinding(b, c));
      if (existing !== undefined && outOfOrder(existing)) {
        return { ok: false, reason: "out-of-order" };
      }
    }
    const next = [...current];
    const gone: Binding[] = [];
    let added = 0, refreshed = 0;
    for (const c of change.contacts) {
      const at = next.findIndex((b) => sameBinding(b, c));
      if (at >= 0) {
        this.#wheel.cancel(next[at].timer);
        if (c.expiresS === 0) {
          gone.push(...next.splice(at, 1));
          continue;
        }
        next[at] = this.#store(aor, order, c);
        refreshed++;
      } else if (c.expiresS > 0) {
        next.push(this.#store(aor, order, c));
        added++;
      }
    }
    if (next.length === 0) this.#bindings.delete(aor);
    else this.#bindings.set(aor, next);
    this.#size += next.length - current.length;
    this.#removed(gone, "unregistered");
    return { ok: true, added, refreshed, removed: gone.length };
  }

  /**
   * Removes the bindings of `aor` that `which` selects (a server-initiated deregistration,
   * MS-SIPREGE 3.2); returns them.
   */
  remove(aor: string, which: (binding: Binding) => boolean = () => true): Binding[] {
    const current = this.#bindings.get(aor) ?? [];
    const gone = current.filter(which);
    if (gone.length === 0) return [];
    for (const b of gone) this.#wheel.cancel(b.timer);
    const kept = current.filter((b) => !gone.includes(b));
    if (kept.length === 0) this.#bindings.delete(aor);
    else this.#bindings.set(aor, kept);
    this.#size -= gone.length;
    this.#removed(gone, "removed");
    return gone;
  }

  /** Every address of record with bindings. */
  addresses(): string[] {
    return [...this.#bindings.keys()];
  }

  /** Disarms every expiry timer and forgets every binding. */
  clear(): void {
    for (const list of this.#bindings.values()) {
      for (const b of list) this.#wheel.cancel(b.timer);
    }
    this.#bindings.clear();
    this.#size = 0;
  }

  #store(aor: string, order: RegisterOrder, c: ContactChange): StoredBinding {
    const binding: StoredBinding = {
      aor,
      contact: c.contact,
      uri: c.contact.uri,
      callId: order.callId,
      cseq: order.cseq,
      expiresAt: this.#wheel.now() + c.expiresS * 1000,
      source: c.source,
      endpoint: c.endpoint ?? {},
      timer: this.#wheel.schedule(c.expiresS * 1000, () => this.#expire(binding)),
    };
    return binding;
  }

  /** §10.2.1: a binding lapses when its expiration interval has passed without a refresh. */
  #expire(binding: StoredBinding): void {
    const list = this.#bindings.get(binding.aor);
    const at = list?.indexOf(binding) ?? -1;
    if (list === undefined || at < 0) return;
    list.splice(at, 1);
    this.#size--;
    if (list.length === 0) this.#bindings.delete(binding.aor);
    this.#removed([binding], "expired");
  }

  #removed(bindings: readonly Binding[], cause: BindingRemoval): void {
    if (this.#onRemoved === undefined) return;
    for (const binding of bindings) {
      try {
        this.#onRemoved(binding, cause);
      } catch (error) {
        reportError(error);
      }
    }
  }
}

/**
 * Whether a Contact of a REGISTER names an existing binding: the same `+sip.instance` when both
 * have one (MS-SIPRE §4.2, RFC 5627 §7.1.2.1: one binding per instance, whatever its contact
 * URI), else the same contact URI (RFC 3261 §10.3 step 7, §19.1.4).
 */
function sameBinding(binding: Binding, change: ContactChange): boolean {
  const a = binding.endpoint.instance;
  const b = change.endpoint?.instance;
  if (a !== undefined && b !== undefined) return a.toLowerCase() === b.toLowerCase();
  return sameContactUri(binding.uri, change.contact.uri);
}

/**
 * The key of an address of record: `sip:user@host` with the host lowercased, scheme sip for
 * sips too, no port or parameters (RFC 3261 §10.3 step 5: "converting it to a canonical form
 * … all URI parameters MUST be removed … and any escaped characters MUST be converted").
 * The user part stays case-sensitive (§19.1.4). Parsed URIs hold `user` unescaped already.
 *
 * @example
 * ```ts
 * canonicalAor({ scheme: "sips", user: "Alice", host: "LAB.test", port: 5061, ... }); // "sip:Alice@lab.test"
 * ```
 */
export function canonicalAor(uri: SipUri): string {
  return `sip:${uri.user ?? ""}@${uri.host.toLowerCase()}`;
}
