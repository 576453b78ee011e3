/**
 * The `state` category (MS-PRES §2.2.2.7.x; MS-PRES.md §3): its `xsi:type` (machineState,
 * userState, calendarState, phoneState, aggregateState …) and availability number, read from a
 * published element, and the `aggregateState` element a server publishes for watchers.
 *
 * Availability ranges (MS-PRES §3.7.5.5, ranges start at): 3000 available, 4500 idle, 6000
 * busy, 7500 busy-idle, 9000 do not disturb, 12000 be right back, 15000 away, 18000 offline.
 *
 * @example
 * ```ts
 * readState(content); // { type: "userState", availability: 15500, manual: true }
 * aggregateStateElement(3500).localName; // "state"
 * ```
 *
 * @module
 */
import { attributeValue, parseXml, writeXml, type XmlElement, xmlNode } from "../xml/mod.ts";
import { PRES_NAMESPACES } from "./namespaces.ts";

/** Availability values the lab uses (MS-PRES §3.7.5.5; clients publish +500). */
export const AVAILABILITY = {
  available: 3500,
  idle: 5000,
  busy: 6500,
  busyIdle: 7500,
  doNotDisturb: 9500,
  beRightBack: 12500,
  away: 15500,
  offline: 18500,
} as const;

/** What a server needs of a state element. */
export interface StateReading {
  /** `xsi:type` local part, e.g. "machineState"; "" when absent. */
  type: string;
  availability?: number;
  manual: boolean;
}

/**
 * Reads a `state` element; undefined when `content` is not one.
 *
 * @example
 * ```ts
 * readState(parseXml('<state xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="machineState"><availability>3500</availability></state>'));
 * ```
 */
export function readState(content: XmlElement): StateReading | undefined {
  if (content.localName !== "state") return undefined;
  const typeValue =
    content.attributes.find((a) => a.localName === "type" && a.namespace === PRES_NAMESPACES.xsi)
      ?.value ?? "";
  const type = typeValue.slice(typeValue.indexOf(":") + 1);
  const availabilityText = content.children.find((c) => c.localName === "availability")?.text
    .trim();
  const availability = availabilityText !== undefined && /^[0-9]{1,10}$/.test(availabilityText)
    ? Number(availabilityText)
    : undefined;
  const reading: StateReading = { type, manual: attributeValue(content, "manual") === "true" };
  if (availability !== undefined) reading.availability = availability;
  return reading;
}

/**
 * A `state` element of `xsi:type` `type` with `availability` (what a publisher sends, or the
 * server's aggregateState).
 *
 * @example
 * ```ts
 * writeXml(stateElement("userState", 6500, { manual: true }));
 * ```
 */
export function stateElement(
  type: string,
  availability: number,
  options: { manual?: boolean } = {},
): XmlElement {
  return parseXml(writeXml(
    xmlNode("state", [
      ["xmlns", PRES_NAMESPACES.state],
      ["xmlns:xsi", PRES_NAMESPACES.xsi],
      ["manual", options.manual],
      ["xsi:type", type],
    ], [xmlNode("availability", [], [String(availability)])]),
  ));
}

/**
 * The server's aggregateState element (MS-PRES.md §5 item 3).
 *
 * @example
 * ```ts
 * readState(aggregateStateElement(18500))?.type; // "aggregateState"
 * ```
 */
export function aggregateStateElement(availability: number): XmlElement {
  return stateElement("aggregateState", availability);
}
