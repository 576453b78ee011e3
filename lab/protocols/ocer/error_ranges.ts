/**
 * Which component an ErrorId belongs to: the ranges of the OCS 2007 "Ms-Diagnostics Header" page
 * (guide §2.5; MS-OCER §7/§8 hold one table per component), plus the Call Park Service range of
 * MS-OCER §7.25 and the client range of `ms-client-diagnostics` (guide §2.3 [verify]).
 *
 * @example
 * ```ts
 * componentOf(4005); // "User Services – other"
 * componentOf(35008); // "Call Park Service"
 * ```
 *
 * @module
 */

/** An inclusive ErrorId range and the component that owns it. */
export interface ErrorIdRange {
  first: number;
  last: number;
  component: string;
}

/** The ranges in ascending order. */
export const ERROR_ID_RANGES: readonly ErrorIdRange[] = [
  { first: 0, last: 999, component: "common" },
  { first: 1000, last: 1999, component: "SIP stack" },
  { first: 2000, last: 2999, component: "User Services – presence" },
  { first: 3000, last: 3999, component: "User Services – conferencing (Focus, Focus Factory)" },
  { first: 4000, last: 4999, component: "User Services – other" },
  { first: 5000, last: 5999, component: "API applications" },
  { first: 6000, last: 6999, component: "IM Conferencing Server" },
  { first: 7000, last: 7999, component: "A/V Conferencing Server" },
  { first: 8000, last: 8999, component: "Telephony Conferencing Server" },
  { first: 9000, last: 9999, component: "MRAS" },
  { first: 10000, last: 10999, component: "Mediation Server" },
  { first: 11000, last: 11999, component: "Metrics Server" },
  { first: 12000, last: 12999, component: "outbound call routing" },
  { first: 13000, last: 13999, component: "inbound call routing" },
  { first: 14000, last: 14999, component: "translation service" },
  { first: 15000, last: 15999, component: "Exchange UM" },
  { first: 16000, last: 16999, component: "Intelligent IM filter" },
  { first: 17000, last: 17999, component: "client version filter" },
  { first: 35000, last: 35999, component: "Call Park Service" },
  // Guide §2.3: client-side ranges seen in Lync traces (51004, 51007, 52001–52xxx) [verify].
  { first: 51000, last: 52999, component: "client (ms-client-diagnostics)" },
  // The OCS 2007 page lists this last range.
  { first: 90000, last: 90999, component: "PIC (public IM connectivity)" },
];

/**
 * The component owning `errorId`, or undefined outside every known range.
 *
 * @example
 * ```ts
 * componentOf(24033); // undefined
 * ```
 */
export function componentOf(errorId: number): string | undefined {
  return ERROR_ID_RANGES.find((r) => errorId >= r.first && errorId <= r.last)?.component;
}
