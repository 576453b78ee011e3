/**
 * Lab user passwords: the population's `password` pattern with `{index}` / `{index:N}` and
 * `{secret}` replaced. `{secret}` is the first 16 hex digits of SHA-256(`<seed>:<index>`), a
 * formula any provisioning tool can reproduce (`printf '%s' '42:17' | sha256sum | cut -c1-16`);
 * `scenarios/README.md` documents it.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { expandIndexPattern } from "../scenario/mod.ts";

/**
 * The `{secret}` of user `index` under population seed `seed`.
 *
 * @example
 * ```ts
 * passwordSecret(42, 17); // "5cbc838105800b62"
 * ```
 */
export function passwordSecret(seed: number, index: number): string {
  return createHash("sha256").update(`${seed}:${index}`).digest("hex").slice(0, 16);
}

/**
 * Expand a password pattern for one user.
 *
 * @example
 * ```ts
 * expandPassword("pw-{index}", 42, 17);    // "pw-17"
 * expandPassword("pw-{secret}", 42, 17);   // "pw-5cbc838105800b62"
 * ```
 */
export function expandPassword(pattern: string, seed: number, index: number): string {
  const withIndex = expandIndexPattern(pattern, index);
  return withIndex.includes("{secret}")
    ? withIndex.replaceAll("{secret}", passwordSecret(seed, index))
    : withIndex;
}
