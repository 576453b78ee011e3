/**
 * The four transaction state charts, for drawing and for the hot-path executors.
 *
 * @module
 */
import { inviteClientChart } from "./invite_client_chart.ts";
import { inviteServerChart } from "./invite_server_chart.ts";
import { nonInviteClientChart } from "./non_invite_client_chart.ts";
import { nonInviteServerChart } from "./non_invite_server_chart.ts";

/**
 * RFC 3261 §17 transaction charts (with RFC 6026's Accepted states), keyed by role.
 *
 * @example
 * ```ts
 * Object.keys(transactionCharts.inviteClient.root.states); // ["Calling", "Proceeding", ...]
 * ```
 */
export const transactionCharts = Object.freeze({
  inviteClient: inviteClientChart,
  nonInviteClient: nonInviteClientChart,
  inviteServer: inviteServerChart,
  nonInviteServer: nonInviteServerChart,
});
