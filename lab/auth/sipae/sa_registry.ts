/**
 * The server's table of security associations (MS-SIPAE §3.3.5.2): half-open contexts keyed by
 * `opaque` while a multi-leg handshake (NTLM, TLS-DSK) is running, and established SAs keyed by
 * `opaque` (the client echoes it in every signed request) and by endpoint (From AOR + epid), which
 * is how the server finds the SA to sign responses and requests to that endpoint (MS-SIP
 * §3.1.5.1 table: "epid … used by the server to determine the correct SA").
 *
 * Bounds (guide §7.3): pending contexts expire after `pendingTimeoutMs` (default 60 s) and at
 * most `maxPending` are kept (the oldest goes first); established SAs expire after `lifetimeMs`
 * and at most `maxEstablished` are kept (the least recently used goes first). A new SA for an
 * endpoint replaces the previous one (re-registration).
 *
 * @example
 * ```ts
 * const registry = new SecurityAssociationRegistry({ now: Date.now });
 * registry.addPending(record);
 * registry.establish(record.opaque, { aor: "sip:alice@contoso.com", epid: "8248ca9ebb" }, user);
 * registry.lookup(record.opaque); // { status: "established", record }
 * ```
 *
 * @module
 */
import type { AuthHeaderFamily, SipaeScheme } from "./auth_headers.ts";
import type { AuthenticatedUser, ServerSecurityMechanism } from "./security_mechanism.ts";

/** The endpoint an SA is bound to (MS-SIPAE §3.3.5.2). */
export interface BoundEndpoint {
  /** Normalised From address-of-record (endpoint_identifiers.ts aorKey). */
  aor: string;
  epid?: string;
  instance?: string;
}

/** One SA as the server keeps it. */
export interface ServerSecurityAssociationRecord {
  readonly opaque: string;
  readonly scheme: SipaeScheme;
  /** Header family it was negotiated in: signatures go in the matching *-Info header. */
  readonly family: AuthHeaderFamily;
  readonly mechanism: ServerSecurityMechanism;
  readonly createdAt: number;
  state: "pending" | "established";
  establishedAt?: number;
  lastUsedAt: number;
  endpoint?: BoundEndpoint;
  user?: AuthenticatedUser;
}

/** What a lookup by opaque found. */
export type RegistryLookup =
  | { status: "pending" | "established"; record: ServerSecurityAssociationRecord }
  | { status: "expired" }
  | { status: "unknown" };

/** Limits of a {@link SecurityAssociationRegistry}. */
export interface RegistryOptions {
  /** Half-open contexts older than this are dropped (default 60 000 ms). */
  pendingTimeoutMs?: number;
  /** Established SAs older than this are dropped (default 8 hours). */
  lifetimeMs?: number;
  /** Most half-open contexts kept (default 10 000). */
  maxPending?: number;
  /** Most established SAs kept (default 100 000). */
  maxEstablished?: number;
  now: () => number;
}

const DEFAULT_PENDING_TIMEOUT_MS = 60_000;
const DEFAULT_LIFETIME_MS = 8 * 60 * 60 * 1000;
const DEFAULT_MAX_PENDING = 10_000;
const DEFAULT_MAX_ESTABLISHED = 100_000;

function endpointKey(aor: string, epid: string | undefined): string {
  return `${aor}\u0000${epid ?? ""}`;
}

/**
 * Pending and established SAs with expiry and size bounds.
 *
 * @example
 * ```ts
 * registry.forEndpoint("sip:alice@contoso.com", "8248ca9ebb")?.mechanism.sign(response);
 * ```
 */
export class SecurityAssociationRegistry {
  /** Insertion order = creation order, so the oldest pending context is first. */
  readonly #pending = new Map<string, ServerSecurityAssociationRecord>();
  /** Insertion order = least recently used first (re-inserted on use). */
  readonly #established = new Map<string, ServerSecurityAssociationRecord>();
  readonly #byEndpoint = new Map<string, string>();
  readonly #pendingTimeoutMs: number;
  readonly #lifetimeMs: number;
  readonly #maxPending: number;
  readonly #maxEstablished: number;
  readonly #now: () => number;

  constructor(options: RegistryOptions) {
    this.#pendingTimeoutMs = options.pendingTimeoutMs ?? DEFAULT_PENDING_TIMEOUT_MS;
    this.#lifetimeMs = options.lifetimeMs ?? DEFAULT_LIFETIME_MS;
    this.#maxPending = options.maxPending ?? DEFAULT_MAX_PENDING;
    this.#maxEstablished = options.maxEstablished ?? DEFAULT_MAX_ESTABLISHED;
    this.#now = options.now;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  get establishedCount(): number {
    return this.#established.size;
  }

  /** True when `opaque` names a pending or established SA (a new SA must not reuse it). */
  has(opaque: string): boolean {
    return this.#pending.has(opaque) || this.#established.has(opaque);
  }

  /** Stores a half-open context, dropping expired ones and the oldest beyond `maxPending`. */
  addPending(record: ServerSecurityAssociationRecord): void {
    this.#dropExpiredPending();
    while (this.#pending.size >= this.#maxPending) {
      const oldest = this.#pending.keys().next().value!;
      this.#pending.delete(oldest);
    }
    this.#pending.set(record.opaque, record);
  }

  /** Finds an SA by opaque, marking an established one as used. */
  lookup(opaque: string): RegistryLookup {
    const pending = this.#pending.get(opaque);
    const pendingExpired = pending !== undefined && this.#pendingExpired(pending);
    this.#dropExpiredPending();
    if (pendingExpired) return { status: "expired" };
    if (pending) return { status: "pending", record: pending };
    const record = this.#established.get(opaque);
    if (!record) return { status: "unknown" };
    if (this.#isExpired(record)) {
      this.remove(opaque);
      return { status: "expired" };
    }
    this.#touch(record);
    return { status: "established", record };
  }

  /**
   * Turns a pending context (or a single-leg SA never stored as pending) into an established SA
   * bound to `endpoint`, replacing the endpoint's previous SA and evicting the least recently
   * used SA beyond `maxEstablished`.
   */
  establish(
    record: ServerSecurityAssociationRecord,
    endpoint: BoundEndpoint,
    user: AuthenticatedUser,
  ): void {
    this.#pending.delete(record.opaque);
    const key = endpointKey(endpoint.aor, endpoint.epid);
    const previous = this.#byEndpoint.get(key);
    if (previous !== undefined && previous !== record.opaque) this.remove(previous);
    while (this.#established.size >= this.#maxEstablished) {
      const leastRecent = this.#established.keys().next().value!;
      this.remove(leastRecent);
    }
    const now = this.#now();
    record.state = "established";
    record.establishedAt = now;
    record.lastUsedAt = now;
    record.endpoint = endpoint;
    record.user = user;
    this.#established.set(record.opaque, record);
    this.#byEndpoint.set(key, record.opaque);
  }

  /** The live established SA of an endpoint, or undefined. */
  forEndpoint(aor: string, epid: string | undefined): ServerSecurityAssociationRecord | undefined {
    const opaque = this.#byEndpoint.get(endpointKey(aor, epid));
    if (opaque === undefined) return undefined;
    const found = this.lookup(opaque);
    return found.status === "established" ? found.record : undefined;
  }

  /** Forgets a pending or established SA. */
  remove(opaque: string): void {
    this.#pending.delete(opaque);
    const record = this.#established.get(opaque);
    if (!record) return;
    this.#established.delete(opaque);
    if (record.endpoint) {
      const key = endpointKey(record.endpoint.aor, record.endpoint.epid);
      if (this.#byEndpoint.get(key) === opaque) this.#byEndpoint.delete(key);
    }
  }

  /** Drops every expired pending context and SA; returns how many of each went. */
  sweep(): { pending: number; established: number } {
    const pendingBefore = this.#pending.size;
    this.#dropExpiredPending();
    let established = 0;
    for (const record of [...this.#established.values()]) {
      if (!this.#isExpired(record)) continue;
      this.remove(record.opaque);
      established++;
    }
    return { pending: pendingBefore - this.#pending.size, established };
  }

  #dropExpiredPending(): void {
    for (const [opaque, record] of this.#pending) {
      if (!this.#pendingExpired(record)) break;
      this.#pending.delete(opaque);
    }
  }

  #pendingExpired(record: ServerSecurityAssociationRecord): boolean {
    return this.#now() - record.createdAt >= this.#pendingTimeoutMs;
  }

  #isExpired(record: ServerSecurityAssociationRecord): boolean {
    return this.#now() - (record.establishedAt ?? record.createdAt) >= this.#lifetimeMs;
  }

  #touch(record: ServerSecurityAssociationRecord): void {
    record.lastUsedAt = this.#now();
    this.#established.delete(record.opaque);
    this.#established.set(record.opaque, record);
  }
}
