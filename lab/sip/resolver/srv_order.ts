/**
 * The order in which to try the records of one SRV RRset (RFC 2782, "Usage rules"): lowest
 * priority first; within a priority, a weighted random order.
 *
 * @module
 */
import type { SrvRecord } from "./dns_lookup.ts";

/**
 * Returns the records in the order to try them (RFC 2782 usage rules, RFC 3263 §4.3):
 *
 * 1. Priority groups in ascending order: a client MUST try the lowest priority it can reach.
 * 2. Within a group, repeatedly: put the zero-weight records first, draw an integer R uniformly
 *    from 0 to the sum of the remaining weights, and take the first record whose running weight
 *    sum is at least R. Weight-zero records thus keep a small chance (only R = 0 picks them)
 *    when others weigh more.
 *
 * `random` returns a number in [0, 1) (default `Math.random`); tests pass a fixed sequence.
 * Records with the target "." are ordered like any other; callers drop them.
 *
 * @example
 * ```ts
 * orderSrvRecords([
 *   { priority: 20, weight: 0, port: 5060, target: "backup.lab.test" },
 *   { priority: 10, weight: 60, port: 5060, target: "a.lab.test" },
 *   { priority: 10, weight: 40, port: 5060, target: "b.lab.test" },
 * ]); // a or b first (60 : 40), then the other, then backup
 * ```
 */
export function orderSrvRecords(
  records: readonly SrvRecord[],
  random: () => number = Math.random,
): SrvRecord[] {
  const priorities = [...new Set(records.map((r) => r.priority))].sort((x, y) => x - y);
  const ordered: SrvRecord[] = [];
  for (const priority of priorities) {
    const group = records.filter((r) => r.priority === priority);
    // RFC 2782: "arrange all SRV RRs (that have not been ordered yet) in any order, except that
    // all those with weight 0 are placed at the beginning of the list".
    const remaining = [
      ...group.filter((r) => r.weight === 0),
      ...group.filter((r) => r.weight > 0),
    ];
    while (remaining.length > 0) {
      const total = remaining.reduce((sum, r) => sum + r.weight, 0);
      const drawn = Math.min(total, Math.floor(random() * (total + 1)));
      let running = 0;
      let chosen = remaining.length - 1;
      for (let i = 0; i < remaining.length; i++) {
        running += remaining[i].weight;
        if (running >= drawn) {
          chosen = i;
          break;
        }
      }
      ordered.push(remaining[chosen]);
      remaining.splice(chosen, 1);
    }
  }
  return ordered;
}
