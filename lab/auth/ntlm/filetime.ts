/**
 * FILETIME (MS-DTYP §2.3.3) as NTLM carries it: 100-nanosecond ticks since 1601-01-01 UTC,
 * 8 bytes little-endian (MS-NLMP §2.2.2.7 TimeStamp, §2.2.2.1 MsvAvTimestamp).
 *
 * @example
 * ```ts
 * fromFiletime(toFiletime(Date.UTC(2010, 0, 1))) === Date.UTC(2010, 0, 1); // true
 * ```
 *
 * @module
 */

/** Milliseconds between 1601-01-01 and 1970-01-01 (UTC). */
const EPOCH_DIFFERENCE_MS = 11_644_473_600_000n;
const TICKS_PER_MS = 10_000n;

/**
 * The FILETIME bytes of a JavaScript time (milliseconds since 1970).
 *
 * @example
 * ```ts
 * toHex(toFiletime(Date.UTC(1601, 0, 1))); // "0000000000000000"
 * ```
 */
export function toFiletime(epochMs: number): Uint8Array {
  const ticks = (BigInt(Math.trunc(epochMs)) + EPOCH_DIFFERENCE_MS) * TICKS_PER_MS;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, ticks, true);
  return out;
}

/**
 * The JavaScript time (milliseconds since 1970) of FILETIME bytes.
 *
 * @example
 * ```ts
 * new Date(fromFiletime(fromHex("59519a1727b9ca01"))).toISOString(); // the 7.1 capture's time
 * ```
 */
export function fromFiletime(bytes: Uint8Array): number {
  const ticks = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  return Number(ticks / TICKS_PER_MS - EPOCH_DIFFERENCE_MS);
}
