/**
 * The aggregation script (MS-PRES.md §5 item 3; "The Aggregation Script", OCS 2007 docs): the
 * one availability watchers see, computed from the state instances a user's endpoints publish
 * to the aggregation containers (2 and 3).
 *
 * 1. No machineState (no endpoint signed in) → offline (18500).
 * 2. Machine state: the most active endpoint's (lowest availability: Active < Inactive < Away
 *    < Off).
 * 3. A userState (the user's manual choice) overrides the machine state.
 * 4. phoneState / calendarState (in a call, in a meeting) raise an available or idle result
 *    (below 6000) to their value; a user who chose busy, DND, BRB or away keeps that.
 *
 * @example
 * ```ts
 * aggregateAvailability([{ type: "machineState", availability: 3500, manual: false },
 *   { type: "phoneState", availability: 6500, manual: false }]); // 6500
 * ```
 *
 * @module
 */
import { AVAILABILITY, type StateReading } from "../../lab/protocols/pres/mod.ts";

/** MS-PRES §3.7.5.5: busy starts at 6000. */
const BUSY_FROM = 6000;

/**
 * The aggregated availability of a user's states (see the module documentation).
 *
 * @example
 * ```ts
 * aggregateAvailability([]); // 18500
 * ```
 */
export function aggregateAvailability(states: readonly StateReading[]): number {
  const of = (type: string) =>
    states.filter((s) => s.type === type && s.availability !== undefined)
      .map((s) => s.availability!);
  const machines = of("machineState");
  if (machines.length === 0) return AVAILABILITY.offline;
  const machine = Math.min(...machines);
  const users = of("userState");
  let result = users.length > 0 ? Math.max(...users) : machine;
  const activities = [...of("phoneState"), ...of("calendarState")];
  if (result < BUSY_FROM && activities.length > 0) {
    result = Math.max(result, ...activities);
  }
  return result;
}
