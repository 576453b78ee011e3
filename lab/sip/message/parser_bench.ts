/**
 * Micro-benchmark of the datagram parser for `deno task bench`: parses a typical ~700-byte INVITE
 * with SDP and its 200 OK from bytes, repeatedly. Reports throughput only (no assertions).
 *
 * @module
 */
import { parseMessage } from "./parser.ts";
import { TYPICAL_INVITE, TYPICAL_OK } from "./testdata/typical.ts";

/** Throughput of {@link parseMessage} on typical call messages. */
export interface ParserBenchResult {
  inviteMsgsPerSec: number;
  okMsgsPerSec: number;
}

function rate(bytes: Uint8Array, iterations: number): number {
  // Warm-up so the JIT has compiled the hot path before timing.
  for (let i = 0; i < Math.min(iterations, 2000); i++) parseMessage(bytes);
  const start = performance.now();
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += parseMessage(bytes).headers.length;
  const seconds = (performance.now() - start) / 1000;
  if (sink === 0) throw new Error("parser returned no headers");
  return Math.round(iterations / Math.max(seconds, 1e-9));
}

/**
 * Parses the typical INVITE and 200 OK `iterations` times each and returns messages per second.
 *
 * @example
 * ```ts
 * const { inviteMsgsPerSec, okMsgsPerSec } = benchParser(50_000);
 * ```
 */
export function benchParser(iterations: number): ParserBenchResult {
  const enc = new TextEncoder();
  return {
    inviteMsgsPerSec: rate(enc.encode(TYPICAL_INVITE), iterations),
    okMsgsPerSec: rate(enc.encode(TYPICAL_OK), iterations),
  };
}
