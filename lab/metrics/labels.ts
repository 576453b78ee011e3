/**
 * Metric names, label sets and the `name{tag:value}` selectors thresholds use.
 *
 * @module
 */

/** A label set: label name → value. */
export type Labels = Readonly<Record<string, string>>;

/** The empty label set. */
export const NO_LABELS: Labels = Object.freeze({});

/** Separates `name=value` pairs inside a series key (a character no label value uses). */
const PAIR_SEPARATOR = "\u001f";

const METRIC_NAME = /^[a-z_][a-z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Throw unless `name` is a valid sipfleet metric name: lower case letters, digits and `_`,
 * not starting with a digit (it becomes part of a Prometheus name).
 *
 * @example
 * ```ts
 * assertMetricName("call_setup_time"); // ok
 * assertMetricName("Call-Setup"); // throws RangeError
 * ```
 */
export function assertMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new RangeError(`metric name "${name}" must match ${METRIC_NAME.source}`);
  }
}

/**
 * Throw unless every label name is a valid Prometheus label name (and not the reserved
 * `quantile`, which the summaries use).
 *
 * @example
 * ```ts
 * assertLabelNames({ transport: "udp" }); // ok
 * ```
 */
export function assertLabelNames(labels: Labels): void {
  for (const name of Object.keys(labels)) {
    if (!LABEL_NAME.test(name) || name === "quantile" || name.startsWith("__")) {
      throw new RangeError(`label name "${name}" is not a valid Prometheus label name`);
    }
  }
}

/**
 * The canonical key of a label set: sorted `name=value` pairs. Two label sets with the same
 * pairs in any order share a key.
 *
 * @example
 * ```ts
 * labelKey({ b: "2", a: "1" }) === labelKey({ a: "1", b: "2" }); // true
 * labelKey(); // ""
 * ```
 */
export function labelKey(labels: Labels = NO_LABELS): string {
  const names = Object.keys(labels);
  if (names.length === 0) return "";
  if (names.length === 1) return `${names[0]}=${labels[names[0]]}`;
  return names.sort().map((name) => `${name}=${labels[name]}`).join(PAIR_SEPARATOR);
}

/**
 * Key builders for a fixed list of label names, producing the same keys as {@link labelKey}
 * without allocating a label object on the hot path.
 */
export class LabelKeyer {
  readonly #prefixes: readonly string[];
  readonly #order: readonly number[];

  constructor(readonly names: readonly string[]) {
    const sorted = [...names].sort();
    this.#order = sorted.map((name) => names.indexOf(name));
    this.#prefixes = sorted.map((name, i) => `${i === 0 ? "" : PAIR_SEPARATOR}${name}=`);
  }

  /** Key for the values of a one-label family. */
  key1(value: string): string {
    return this.#prefixes[0] + value;
  }

  /** Key for the values of a two-label family, given in declaration order. */
  key2(first: string, second: string): string {
    return this.#order[0] === 0
      ? this.#prefixes[0] + first + this.#prefixes[1] + second
      : this.#prefixes[0] + second + this.#prefixes[1] + first;
  }

  /** The label object for values given in declaration order. */
  labels(...values: string[]): Labels {
    const labels: Record<string, string> = {};
    this.names.forEach((name, i) => labels[name] = values[i]);
    return labels;
  }
}

/**
 * True when `series` carries every pair of `filter` (an empty filter matches everything).
 *
 * @example
 * ```ts
 * labelsMatch({ method: "INVITE", class: "2xx" }, { method: "INVITE" }); // true
 * ```
 */
export function labelsMatch(series: Labels, filter: Labels): boolean {
  for (const name in filter) {
    if (series[name] !== filter[name]) return false;
  }
  return true;
}

/** A metric name with label filters, as thresholds address metrics. */
export interface MetricSelector {
  readonly name: string;
  readonly tags: Labels;
}

/**
 * Parse `name` or `name{tag:value,tag2:value2}` (`tag="value"` is accepted too).
 *
 * @example
 * ```ts
 * parseSelector("call_setup_time{transport:udp}"); // { name: "call_setup_time", tags: { transport: "udp" } }
 * ```
 */
export function parseSelector(selector: string): MetricSelector {
  const brace = selector.indexOf("{");
  if (brace < 0) return { name: selector.trim(), tags: NO_LABELS };
  if (!selector.endsWith("}")) throw new SyntaxError(`selector "${selector}" lacks a closing }`);
  const tags: Record<string, string> = {};
  for (const part of selector.slice(brace + 1, -1).split(",")) {
    if (part.trim() === "") continue;
    const match = /^\s*([^:=\s]+)\s*[:=]\s*"?([^"]*)"?\s*$/.exec(part);
    if (match === null) throw new SyntaxError(`selector "${selector}": expected tag:value`);
    tags[match[1]] = match[2];
  }
  return { name: selector.slice(0, brace).trim(), tags };
}

/**
 * `name{a="1",b="2"}` for display (`name` alone without labels).
 *
 * @example
 * ```ts
 * formatSeriesName("sip_requests_sent", { method: "INVITE" }); // 'sip_requests_sent{method="INVITE"}'
 * ```
 */
export function formatSeriesName(name: string, labels: Labels = NO_LABELS): string {
  const pairs = Object.keys(labels).sort().map((label) => `${label}="${labels[label]}"`);
  return pairs.length === 0 ? name : `${name}{${pairs.join(",")}}`;
}
