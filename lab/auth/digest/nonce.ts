/**
 * Server nonces that need no server state until they are used (RFC 7616 §3.3 / §5.4 suggest
 * a time-stamp plus a keyed hash): nonce = base64url(time ‖ random ‖ MAC), MAC =
 * HMAC-SHA-256(secret, realm ‖ time ‖ random) truncated to 16 bytes. Only the holder of the
 * secret can mint one, a nonce is bound to its realm, and its age is read back from it.
 *
 * @example
 * ```ts
 * const nonces = new NonceIssuer({ secret: crypto.getRandomValues(new Uint8Array(32)),
 *   realm: "biloxi.com", lifetimeMs: 300_000 });
 * const n = nonces.issue();
 * nonces.check(n).state; // "fresh"
 * ```
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { bytesEqual, concatBytes, utf8 } from "../crypto/bytes.ts";
import { type RandomBytes, secureRandomBytes } from "../crypto/random.ts";

const TIME_BYTES = 8;
const RANDOM_BYTES = 8;
const MAC_BYTES = 16;
const NONCE_BYTES = TIME_BYTES + RANDOM_BYTES + MAC_BYTES;
/** A nonce dated this far in the future still counts (clock steps on the issuing host). */
const FUTURE_TOLERANCE_MS = 5_000;

/** Settings of a {@link NonceIssuer}. */
export interface NonceIssuerOptions {
  /** HMAC key, at least 16 bytes; servers sharing it accept each other's nonces. */
  secret: Uint8Array;
  /** The realm the nonces are bound to. */
  realm: string;
  /** How long a nonce stays fresh; afterwards it is stale (RFC 7616 §3.3 `stale`). */
  lifetimeMs: number;
  /** Clock in milliseconds; default Date.now. */
  now?: () => number;
  /** Random source; default the Web Crypto one. */
  random?: RandomBytes;
}

/** What a presented nonce is: minted here and fresh, minted here but too old, or not ours. */
export type NonceCheck =
  | { state: "fresh"; issuedAt: number }
  | { state: "stale"; issuedAt: number }
  | { state: "invalid" };

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

/**
 * Mints and checks nonces for one realm.
 *
 * @example
 * ```ts
 * const issuer = new NonceIssuer({ secret, realm: "r", lifetimeMs: 60_000, now: () => t });
 * issuer.check("forged").state; // "invalid"
 * ```
 */
export class NonceIssuer {
  readonly #secret: Uint8Array;
  readonly #realm: Uint8Array;
  readonly #lifetimeMs: number;
  readonly #now: () => number;
  readonly #random: RandomBytes;

  constructor(options: NonceIssuerOptions) {
    if (options.secret.length < 16) throw new RangeError("nonce secret must be at least 16 bytes");
    if (!(options.lifetimeMs > 0)) throw new RangeError("nonce lifetime must be positive");
    this.#secret = options.secret;
    this.#realm = utf8(options.realm);
    this.#lifetimeMs = options.lifetimeMs;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? secureRandomBytes;
  }

  /** How long a nonce stays fresh. */
  get lifetimeMs(): number {
    return this.#lifetimeMs;
  }

  /** A new nonce dated now (43 characters of base64url). */
  issue(): string {
    const time = new Uint8Array(TIME_BYTES);
    new DataView(time.buffer).setBigUint64(0, BigInt(Math.floor(this.#now())));
    const random = this.#random(RANDOM_BYTES);
    return toBase64Url(concatBytes(time, random, this.#mac(time, random)));
  }

  /** Whether `nonce` was minted by this issuer (same secret and realm) and how old it is. */
  check(nonce: string): NonceCheck {
    const bytes = fromBase64Url(nonce);
    if (bytes === undefined || bytes.length !== NONCE_BYTES) return { state: "invalid" };
    const time = bytes.subarray(0, TIME_BYTES);
    const random = bytes.subarray(TIME_BYTES, TIME_BYTES + RANDOM_BYTES);
    if (!bytesEqual(bytes.subarray(TIME_BYTES + RANDOM_BYTES), this.#mac(time, random))) {
      return { state: "invalid" };
    }
    const issuedAt = Number(new DataView(time.buffer, time.byteOffset).getBigUint64(0));
    const age = this.#now() - issuedAt;
    if (age < -FUTURE_TOLERANCE_MS) return { state: "invalid" };
    return age > this.#lifetimeMs ? { state: "stale", issuedAt } : { state: "fresh", issuedAt };
  }

  #mac(time: Uint8Array, random: Uint8Array): Uint8Array {
    const h = createHmac("sha256", this.#secret);
    h.update(this.#realm);
    h.update(time);
    h.update(random);
    return new Uint8Array(h.digest()).subarray(0, MAC_BYTES);
  }
}
