/**
 * A small seedable pseudo-random number generator: xoshiro128** 1.1 (Blackman & Vigna, 2018),
 * 128 bits of state, period 2^128 − 1, seeded from a 64-bit SplitMix64 sequence as its authors
 * recommend. Every random choice a scenario makes (think times, hold times, Poisson arrivals,
 * population details) draws from one of these so a run is reproducible from its seed.
 *
 * @module
 */

const MASK64 = (1n << 64n) - 1n;
const GOLDEN_GAMMA = 0x9e3779b97f4a7c15n;

/** Source of uniform numbers in [0, 1); what the distributions consume. */
export interface RandomSource {
  /** A uniform float in [0, 1) with 32 bits of randomness. */
  next(): number;
}

/** SplitMix64 step: advances `state` and returns the mixed 64-bit output. */
function splitMix64(state: { value: bigint }): bigint {
  state.value = (state.value + GOLDEN_GAMMA) & MASK64;
  let z = state.value;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

/**
 * xoshiro128**: `nextUint32()` gives raw 32-bit outputs, `next()` a float in [0, 1).
 *
 * @example
 * ```ts
 * const rng = Xoshiro128.fromSeed(42);
 * rng.nextUint32(); // 1776835114, the same on every run
 * rng.next();       // a float in [0, 1)
 * ```
 */
export class Xoshiro128 implements RandomSource {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  /** Start from an explicit state (four uint32 words, not all zero). */
  constructor(s0: number, s1: number, s2: number, s3: number) {
    if ((s0 | s1 | s2 | s3) === 0) throw new RangeError("xoshiro128** state must not be all zero");
    this.#s0 = s0 >>> 0;
    this.#s1 = s1 >>> 0;
    this.#s2 = s2 >>> 0;
    this.#s3 = s3 >>> 0;
  }

  /**
   * Seed from any non-negative integer below 2^64 (a scenario's `seed`): two SplitMix64
   * outputs, low word first, fill the four state words.
   */
  static fromSeed(seed: number | bigint): Xoshiro128 {
    const big = BigInt(seed);
    if (big < 0n || big > MASK64) throw new RangeError(`seed ${seed} is not in [0, 2^64)`);
    const state = { value: big };
    const a = splitMix64(state);
    const b = splitMix64(state);
    return new Xoshiro128(
      Number(a & 0xffffffffn),
      Number(a >> 32n),
      Number(b & 0xffffffffn),
      Number(b >> 32n),
    );
  }

  /** The next raw 32-bit output. */
  nextUint32(): number {
    const s1 = this.#s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = rotl(this.#s3, 11);
    return result;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Derive an independent seed for a named stream (a user, a workload, an executor) from the
 * scenario seed, so each consumer's sequence does not depend on how the others interleave.
 * FNV-1a (32-bit) over the labels, combined with the seed into a 64-bit value.
 *
 * @example
 * ```ts
 * const perUser = Xoshiro128.fromSeed(deriveSeed(scenario.seed, "user", 17));
 * ```
 */
export function deriveSeed(seed: number, ...labels: (string | number)[]): bigint {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(labels.join("\u0000"))) {
    hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  }
  return ((BigInt(hash) << 32n) | BigInt(seed >>> 0)) & MASK64;
}
