/**
 * The control token: 128 random bits, base64url, printed with the dashboard's URL; the API
 * compares it in constant time.
 *
 * @module
 */

import { createHash, timingSafeEqual } from "node:crypto";

/** Random bytes in a token: 128 bits. */
const TOKEN_BYTES = 16;

/**
 * A fresh token: 128 bits from the system's CSPRNG, base64url without padding (22 characters).
 *
 * @example
 * ```ts
 * newToken(); // "q3Vd0c9mN1y2kXh8TzA4bw"
 * ```
 */
export function newToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(TOKEN_BYTES));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/**
 * Compare a presented token with the expected one in constant time: both are hashed first, so
 * neither the content nor the length of the expected token leaks through timing.
 *
 * @example
 * ```ts
 * tokensEqual(request.headers.get("x") ?? "", token); // false for a wrong or missing token
 * ```
 */
export function tokensEqual(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or undefined.
 *
 * @example
 * ```ts
 * bearerToken("Bearer abc"); // "abc"
 * ```
 */
export function bearerToken(authorization: string | null): string | undefined {
  if (authorization === null) return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(authorization);
  return match?.[1];
}
