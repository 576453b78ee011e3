/**
 * The flow escape hatch: a SIPp-like program of steps that sends templated messages, expects
 * responses or requests (some optional), captures values with regular expressions, branches
 * on them and pauses. This module is the pure model: compilation with validation (labels
 * exist, variables are captured before use, keywords are known, loops are bounded), matching
 * of incoming messages against expect steps, captures and jump decisions. The runtime that
 * owns sockets and timers drives a {@link FlowProgram} with these functions.
 *
 * Execution model (what the runtime implements): steps run in order from 0. `send` renders its
 * template ({@link renderTemplate}) and sends it. `expect` waits for a message; an incoming
 * message is matched by {@link matchIncoming} against the current step and, while those are
 * optional, the expect steps after it; a match jumps to that step, captures into variables,
 * then goes to `next` (a label) or the following step. `timeout` fails the iteration unless
 * `onTimeout` names a label to continue at. `pause` waits a sampled duration. `goto` jumps when
 * its condition holds (see {@link shouldJump}). More than `maxSteps` executed steps fail the
 * iteration.
 *
 * @module
 */

import type { DurationDistribution } from "./distributions.ts";
import type { PathIssue } from "./errors.ts";
import { isTemplateKeyword, scanTemplate, TEMPLATE_KEYWORDS } from "./flow_template.ts";
import { rawHeaderValues } from "./raw_headers.ts";
import { didYouMean } from "./suggest.ts";
import type { Transport } from "./types.ts";

/** A capture as written: put group `group` of `regex` into variable `var`. */
export interface CaptureDefinition {
  readonly var: string;
  readonly regex: string;
  /** Search this header's values instead of the whole message. */
  readonly header?: string;
  /** Capture group (default 1 when the regex has groups, else 0: the whole match). */
  readonly group?: number;
}

/** A step as written (labels by name, regexes as text). */
export type FlowStepDefinition =
  | { readonly kind: "send"; readonly template: string; readonly transport?: Transport }
  | {
    readonly kind: "expect";
    /** Status code (200), status class ("2xx") or request method ("INVITE"). */
    readonly expect: number | string;
    readonly optional: boolean;
    readonly timeoutMs?: number;
    readonly onTimeout?: string;
    readonly next?: string;
    readonly captures: readonly CaptureDefinition[];
  }
  | { readonly kind: "pause"; readonly duration: DurationDistribution }
  | { readonly kind: "label"; readonly name: string }
  | {
    readonly kind: "goto";
    readonly label: string;
    readonly condition?: { readonly var: string; readonly matches: string };
    readonly limit?: number;
  };

/** A flow as written. */
export interface FlowDefinition {
  readonly steps: readonly FlowStepDefinition[];
  /** Initial variables. */
  readonly vars: Readonly<Record<string, string>>;
  readonly maxSteps: number;
}

/** What an expect step accepts. */
export type ExpectMatch =
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "class"; readonly hundreds: number }
  | { readonly kind: "method"; readonly method: string };

/** A compiled capture. */
export interface Capture {
  readonly var: string;
  readonly regex: RegExp;
  readonly header?: string;
  readonly group: number;
}

/** A compiled step: labels resolved to step indexes, regexes compiled. */
export type FlowStep =
  | { readonly kind: "send"; readonly template: string; readonly transport?: Transport }
  | {
    readonly kind: "expect";
    readonly match: ExpectMatch;
    readonly optional: boolean;
    readonly timeoutMs?: number;
    readonly onTimeout?: number;
    readonly next?: number;
    readonly captures: readonly Capture[];
  }
  | { readonly kind: "pause"; readonly duration: DurationDistribution }
  | { readonly kind: "label"; readonly name: string }
  | {
    readonly kind: "goto";
    readonly label: string;
    readonly target: number;
    readonly condition?: { readonly var: string; readonly matches: RegExp };
    readonly limit?: number;
  };

/** A validated flow, ready to run. */
export interface FlowProgram {
  readonly steps: readonly FlowStep[];
  readonly labels: ReadonlyMap<string, number>;
  readonly vars: Readonly<Record<string, string>>;
  readonly maxSteps: number;
}

/** The start line of an incoming message; SipRequest / SipResponse fit. */
export type IncomingMessage =
  | { readonly kind: "request"; readonly method: string }
  | { readonly kind: "response"; readonly status: number };

/** The result of {@link compileFlow}: a program, or the problems (paths relative to the flow). */
export type FlowCompilation =
  | { readonly ok: true; readonly program: FlowProgram }
  | { readonly ok: false; readonly issues: readonly PathIssue[] };

/**
 * Validate a flow and resolve it into a program.
 *
 * @example
 * ```ts
 * const result = compileFlow({ steps: [{ kind: "send", template: "OPTIONS ..." }], vars: {}, maxSteps: 100 });
 * if (!result.ok) console.error(result.issues);
 * ```
 */
export function compileFlow(definition: FlowDefinition): FlowCompilation {
  const issues: PathIssue[] = [];
  const labels = collectLabels(definition.steps, issues);
  const defined = new Set(Object.keys(definition.vars));
  const steps: FlowStep[] = [];
  let received = false;
  definition.steps.forEach((step, index) => {
    const at = (...rest: (string | number)[]) => ["steps", index, ...rest];
    const resolve = (label: string, field: string): number => {
      const target = labels.get(label);
      if (target === undefined) {
        const names = [...labels.keys()];
        const known = names.length > 0 ? `; labels: ${names.join(", ")}` : "";
        issues.push({
          path: at(field),
          message: `no label '${label}' in this flow${didYouMean(label, names)}${known}`,
        });
        return -1;
      }
      return target;
    };
    switch (step.kind) {
      case "send":
        checkTemplate(step.template, defined, received, at("send"), issues);
        steps.push(step);
        break;
      case "expect": {
        const next = step.next === undefined ? undefined : resolve(step.next, "next");
        const onTimeout = step.onTimeout === undefined
          ? undefined
          : resolve(step.onTimeout, "onTimeout");
        if (step.onTimeout !== undefined && step.timeoutMs === undefined) {
          issues.push({ path: at("onTimeout"), message: "onTimeout needs a timeout on this step" });
        }
        if (step.optional && definition.steps[index + 1]?.kind !== "expect") {
          issues.push({
            path: at("optional"),
            message: "an optional expect must be followed by another expect step",
          });
        }
        const captures = compileCaptures(step.captures, at("capture"), issues);
        for (const capture of step.captures) defined.add(capture.var);
        received = true;
        steps.push({
          kind: "expect",
          match: parseExpectMatch(step.expect),
          optional: step.optional,
          timeoutMs: step.timeoutMs,
          onTimeout,
          next,
          captures,
        });
        break;
      }
      case "goto": {
        const target = resolve(step.label, "goto");
        let condition: { var: string; matches: RegExp } | undefined;
        if (step.condition !== undefined) {
          if (!defined.has(step.condition.var)) {
            issues.push({ path: at("if", "var"), message: undefinedVariable(step.condition.var) });
          }
          const matches = compileRegex(step.condition.matches, at("if", "matches"), issues);
          if (matches) condition = { var: step.condition.var, matches };
        }
        if (target >= 0 && target <= index && step.condition === undefined && !step.limit) {
          issues.push({
            path: at("goto"),
            message: `an unconditional jump back to '${step.label}' loops forever; ` +
              "add limit: N or an if condition",
          });
        }
        steps.push({ kind: "goto", label: step.label, target, condition, limit: step.limit });
        break;
      }
      default:
        steps.push(step);
    }
  });
  if (!definition.steps.some((s) => s.kind === "send" || s.kind === "expect")) {
    issues.push({ path: ["steps"], message: "a flow must send or expect at least one message" });
  }
  if (issues.length > 0) return { ok: false, issues };
  return {
    ok: true,
    program: { steps, labels, vars: definition.vars, maxSteps: definition.maxSteps },
  };
}

function collectLabels(
  steps: readonly FlowStepDefinition[],
  issues: PathIssue[],
): Map<string, number> {
  const labels = new Map<string, number>();
  steps.forEach((step, index) => {
    if (step.kind !== "label") return;
    const earlier = labels.get(step.name);
    if (earlier !== undefined) {
      issues.push({
        path: ["steps", index, "label"],
        message: `label '${step.name}' is already defined at steps[${earlier}]`,
      });
    } else labels.set(step.name, index);
  });
  return labels;
}

function undefinedVariable(name: string): string {
  return `variable $${name} is used before any step defines it (define it in vars or capture it ` +
    "in an earlier expect)";
}

function checkTemplate(
  template: string,
  defined: ReadonlySet<string>,
  received: boolean,
  path: (string | number)[],
  issues: PathIssue[],
): void {
  const firstText = template.search(/\S/);
  const separator = firstText < 0 ? -1 : template.slice(firstText).search(/\r?\n[ \t]*\r?\n/);
  const bodyStart = separator < 0 ? -1 : firstText + separator;
  for (const placeholder of scanTemplate(template)) {
    const at = { path, offset: placeholder.offset };
    if (placeholder.kind === "var" && !defined.has(placeholder.name)) {
      issues.push({ ...at, message: undefinedVariable(placeholder.name) });
    } else if (placeholder.kind === "keyword" && !isTemplateKeyword(placeholder.name)) {
      const names = Object.keys(TEMPLATE_KEYWORDS);
      issues.push({
        ...at,
        message: `unknown keyword [${placeholder.name}]${didYouMean(placeholder.name, names)}; ` +
          `keywords: ${names.join(", ")}, [$var], [last_Header]`,
      });
    } else if (
      placeholder.kind === "keyword" && placeholder.name === "len" && bodyStart >= 0 &&
      placeholder.offset > bodyStart
    ) {
      issues.push({ ...at, message: "[len] belongs in the headers, not the body" });
    } else if (placeholder.kind === "last" && !received) {
      issues.push({
        ...at,
        message: `[last_${placeholder.name}${placeholder.wholeLine ? ":" : ""}] copies from the ` +
          "last received message: put an expect step before this send",
      });
    }
  }
}

function compileCaptures(
  captures: readonly CaptureDefinition[],
  path: (string | number)[],
  issues: PathIssue[],
): Capture[] {
  const compiled: Capture[] = [];
  captures.forEach((capture, index) => {
    const regex = compileRegex(capture.regex, [...path, index, "regex"], issues);
    if (regex === undefined) return;
    const groups = countGroups(regex);
    const group = capture.group ?? (groups > 0 ? 1 : 0);
    if (group > groups) {
      issues.push({
        path: [...path, index, "group"],
        message: `group ${group} does not exist: the regex has ${groups} group(s)`,
      });
      return;
    }
    compiled.push({ var: capture.var, regex, header: capture.header, group });
  });
  return compiled;
}

function compileRegex(
  source: string,
  path: (string | number)[],
  issues: PathIssue[],
): RegExp | undefined {
  try {
    return new RegExp(source);
  } catch (error) {
    issues.push({ path, message: `not a valid regular expression: ${(error as Error).message}` });
    return undefined;
  }
}

/** Number of capture groups: matching the empty alternative yields one slot per group. */
function countGroups(regex: RegExp): number {
  return new RegExp(`${regex.source}|`).exec("")!.length - 1;
}

/**
 * What an `expect:` value means: 200 → that status, "2xx" → any 2xx, "BYE" → a BYE request.
 *
 * @example
 * ```ts
 * parseExpectMatch("1xx"); // { kind: "class", hundreds: 1 }
 * ```
 */
export function parseExpectMatch(expect: number | string): ExpectMatch {
  if (typeof expect === "number") return { kind: "status", status: expect };
  const classMatch = /^([1-6])xx$/.exec(expect);
  if (classMatch) return { kind: "class", hundreds: Number(classMatch[1]) };
  return { kind: "method", method: expect };
}

/**
 * True when an incoming message satisfies an expectation. Methods are case-sensitive
 * (RFC 3261 §7.1).
 *
 * @example
 * ```ts
 * expectationMatches({ kind: "class", hundreds: 1 }, { kind: "response", status: 183 }); // true
 * ```
 */
export function expectationMatches(match: ExpectMatch, message: IncomingMessage): boolean {
  switch (match.kind) {
    case "status":
      return message.kind === "response" && message.status === match.status;
    case "class":
      return message.kind === "response" && Math.floor(message.status / 100) === match.hundreds;
    case "method":
      return message.kind === "request" && message.method === match.method;
  }
}

/**
 * The expect step an incoming message belongs to when the flow stands at `position`: the
 * step itself if it matches, else — while the steps are optional expects — the following
 * expect steps up to and including the first mandatory one. Undefined when the message is
 * unexpected there.
 *
 * @example
 * ```ts
 * // steps: expect 100 (optional), expect 180 (optional), expect 200
 * matchIncoming(program, 0, { kind: "response", status: 200 }); // 2
 * ```
 */
export function matchIncoming(
  program: FlowProgram,
  position: number,
  message: IncomingMessage,
): number | undefined {
  for (let index = position; index < program.steps.length; index++) {
    const step = program.steps[index];
    if (step.kind !== "expect") return undefined;
    if (expectationMatches(step.match, message)) return index;
    if (!step.optional) return undefined;
  }
  return undefined;
}

/** Captured values, and the variables whose regex found nothing. */
export interface CaptureResult {
  readonly values: Readonly<Record<string, string>>;
  readonly missing: readonly string[];
}

/**
 * Apply captures to a received message's text. A capture with `header` searches each value of
 * that header (first match wins); otherwise the whole message.
 *
 * @example
 * ```ts
 * captureVariables([{ var: "tag", regex: /;tag=([^;>]+)/, header: "To", group: 1 }], text);
 * // { values: { tag: "8321234356" }, missing: [] }
 * ```
 */
export function captureVariables(captures: readonly Capture[], text: string): CaptureResult {
  const values: Record<string, string> = {};
  const missing: string[] = [];
  for (const capture of captures) {
    const haystacks = capture.header === undefined ? [text] : rawHeaderValues(text, capture.header);
    let value: string | undefined;
    for (const haystack of haystacks) {
      const found = capture.regex.exec(haystack);
      if (found !== null && found[capture.group] !== undefined) {
        value = found[capture.group];
        break;
      }
    }
    if (value === undefined) missing.push(capture.var);
    else values[capture.var] = value;
  }
  return { values, missing };
}

/**
 * Whether a goto step jumps: its condition holds (or it has none) and it has been taken fewer
 * than `limit` times in this iteration.
 *
 * @example
 * ```ts
 * shouldJump(step, { status: "486" }, 0); // true when step.condition.matches /^4/
 * ```
 */
export function shouldJump(
  step: Extract<FlowStep, { kind: "goto" }>,
  vars: Readonly<Record<string, string>>,
  timesTaken: number,
): boolean {
  if (step.limit !== undefined && timesTaken >= step.limit) return false;
  if (step.condition === undefined) return true;
  const value = vars[step.condition.var];
  return value !== undefined && step.condition.matches.test(value);
}
