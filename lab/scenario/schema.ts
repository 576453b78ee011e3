/**
 * Structural validation of a scenario against `schema.json` (JSON Schema draft 2020-12, ajv 8)
 * and translation of ajv's errors into plain-language issues located by document path.
 *
 * The schema carries two annotation keywords of its own: `x-expected` (a noun phrase saying
 * what a value must be, used in messages: "must be a duration like 30s, 2m, 500ms or 1m30s")
 * and `x-status` (whether a workload kind is `available` or `planned`).
 *
 * @module
 */

import { Ajv2020, type ErrorObject } from "ajv/dist/2020.js";
import schemaJson from "./schema.json" with { type: "json" };
import type { PathIssue, PathSegment } from "./errors.ts";
import { closestMatch, didYouMean } from "./suggest.ts";

/** The scenario JSON Schema as shipped (for editors: `# yaml-language-server: $schema=...`). */
export const scenarioSchema: Readonly<Record<string, unknown>> = schemaJson;

type SchemaObject = Record<string, unknown>;

const ajv = new Ajv2020({
  allErrors: true,
  verbose: true,
  discriminator: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
});
ajv.addKeyword({ keyword: "x-expected", schemaType: "string" });
ajv.addKeyword({ keyword: "x-status", schemaType: "string" });
const validate = ajv.compile(schemaJson);

/**
 * Check a parsed scenario document against the schema. Returns every problem (empty when
 * valid), each with the path of the offending field and a message saying what was expected.
 *
 * A misspelt discriminator (`executor: constant-arival-rate`) hides the rest of its object
 * from the schema; when the misspelling has a likely correction, the object is checked again
 * as if corrected so its other problems are reported in the same pass.
 *
 * @example
 * ```ts
 * validateScenarioShape({ name: "x" });
 * // [{ path: ["target"], message: "missing required field" }, ...]
 * ```
 */
export function validateScenarioShape(data: unknown): PathIssue[] {
  const first = check(data);
  if (first.corrections.length === 0) return first.issues;
  const corrected = structuredClone(data);
  for (const { path, tag, value } of first.corrections) {
    (valueAt(corrected, path) as Record<string, unknown>)[tag] = value;
  }
  const issues = [...first.issues];
  const known = new Set(issues.map(issueKey));
  for (const issue of check(corrected).issues) {
    const inside = first.corrections.some(({ path, tag }) =>
      startsWith(issue.path, path) && issue.path[path.length] !== tag
    );
    if (inside && !known.has(issueKey(issue))) issues.push(issue);
  }
  return issues;
}

/** A discriminator value to assume when re-checking (the did-you-mean candidate). */
interface Correction {
  readonly path: readonly PathSegment[];
  readonly tag: string;
  readonly value: string;
}

function check(data: unknown): { issues: PathIssue[]; corrections: Correction[] } {
  if (validate(data)) return { issues: [], corrections: [] };
  const errors = validate.errors ?? [];
  const issues: PathIssue[] = [];
  const corrections: Correction[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const issue = translate(error, errors, data);
    if (issue === undefined) continue;
    const key = issueKey(issue);
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
    const correction = correctionFor(error, data);
    if (correction) corrections.push(correction);
  }
  return { issues, corrections };
}

function issueKey(issue: PathIssue): string {
  return `${issue.path.join("\u0000")}|${issue.on ?? ""}|${issue.message}`;
}

function startsWith(path: readonly PathSegment[], prefix: readonly PathSegment[]): boolean {
  return prefix.every((segment, i) => path[i] === segment);
}

function correctionFor(error: ErrorObject, data: unknown): Correction | undefined {
  const params = error.params as Record<string, unknown>;
  if (error.keyword !== "discriminator" || params.error !== "mapping") return undefined;
  const path = pointerToPath(error.instancePath, data);
  const tag = String(params.tag);
  const given = valueAt(data, [...path, tag]);
  if (typeof given !== "string") return undefined;
  const value = closestMatch(given, discriminatorValues(error.parentSchema as SchemaObject, tag));
  return value === undefined ? undefined : { path, tag, value };
}

/** One ajv error as an issue, or undefined for errors that only restate another one. */
function translate(
  error: ErrorObject,
  all: readonly ErrorObject[],
  data: unknown,
): PathIssue | undefined {
  const path = pointerToPath(error.instancePath, data);
  const parent = (error.parentSchema ?? {}) as SchemaObject;
  const expected = typeof parent["x-expected"] === "string" ? parent["x-expected"] : undefined;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "propertyNames") return undefined; // the key's own error says more
  if (error.propertyName !== undefined) {
    // A bad mapping key (propertyNames): point at the key itself.
    const message = expected ? `must be ${expected}` : `key ${error.message}`;
    return { path: [...path, error.propertyName], on: "key", message };
  }
  switch (error.keyword) {
    case "if":
      return undefined; // the failing then/else branch reports the real problem
    case "oneOf":
    case "anyOf":
      return hasDeeperError(error, all) ? undefined : { path, message: error.message ?? "invalid" };
    case "discriminator": {
      const tag = String(params.tag);
      const tagMissing = isObject(valueAt(data, path)) && !(tag in (valueAt(data, path) as object));
      if (tagMissing) return undefined; // "required" reports it
      const values = discriminatorValues(parent, tag);
      const given = valueAt(data, [...path, tag]);
      const hint = typeof given === "string" ? didYouMean(given, values) : "";
      return { path: [...path, tag], message: `must be one of ${values.join(", ")}${hint}` };
    }
    case "required":
      return { path: [...path, String(params.missingProperty)], message: `missing required field` };
    case "additionalProperties": {
      const field = String(params.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as SchemaObject);
      const hint = didYouMean(field, known);
      const list = known.length > 0 ? `; expected one of: ${known.join(", ")}` : "";
      return { path: [...path, field], on: "key", message: `unknown field${hint}${list}` };
    }
    case "type":
      return { path, message: `must be ${expected ?? describeType(params.type)}` };
    case "pattern":
    case "format":
    case "not":
      return { path, message: expected ? `must be ${expected}` : error.message ?? "invalid" };
    case "enum": {
      const values = (params.allowedValues as unknown[]).map(String);
      const given = valueAt(data, path);
      const hint = typeof given === "string" ? didYouMean(given, values) : "";
      return { path, message: `must be one of ${values.join(", ")}${hint}` };
    }
    case "const":
      return { path, message: `must be ${String(params.allowedValue)}` };
    case "minItems":
      return { path, message: `must have at least ${params.limit} item(s)` };
    case "minProperties":
      return { path, message: `must have at least ${params.limit} field(s)` };
    case "minLength":
      return { path, message: "must not be empty" };
    case "uniqueItems":
      return {
        path,
        message: `must not repeat items (items ${params.j} and ${params.i} are equal)`,
      };
    default:
      return { path, message: error.message ?? `fails ${error.keyword}` };
  }
}

/** True when another error lies at or below this one's instance path (it says more). */
function hasDeeperError(error: ErrorObject, all: readonly ErrorObject[]): boolean {
  return all.some((other) =>
    other !== error && other.keyword !== "if" && other.keyword !== error.keyword &&
    (other.instancePath === error.instancePath ||
      other.instancePath.startsWith(`${error.instancePath}/`))
  );
}

/** The tag values a discriminated `oneOf` accepts, in schema order. */
function discriminatorValues(parent: SchemaObject, tag: string): string[] {
  const branches = (parent.oneOf ?? []) as SchemaObject[];
  return branches.map((branch) => {
    const resolved = resolveRef(branch);
    const property = ((resolved.properties ?? {}) as Record<string, SchemaObject>)[tag] ?? {};
    return String(property.const);
  });
}

function resolveRef(schema: SchemaObject): SchemaObject {
  const ref = schema.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema;
  let node: unknown = schemaJson;
  for (const part of ref.slice(2).split("/")) node = (node as SchemaObject)[part];
  return node as SchemaObject;
}

function describeType(type: unknown): string {
  const names: Record<string, string> = {
    integer: "a whole number",
    number: "a number",
    string: "a string",
    boolean: "true or false",
    object: "a mapping of fields (key: value)",
    array: "a list",
    null: "empty",
  };
  const types = Array.isArray(type) ? type : [type];
  return types.map((t) => names[String(t)] ?? String(t)).join(" or ");
}

/** JSON Pointer (RFC 6901) → path; segments that index a list become numbers. */
function pointerToPath(pointer: string, data: unknown): PathSegment[] {
  if (pointer === "") return [];
  const path: PathSegment[] = [];
  let node = data;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const segment: PathSegment = Array.isArray(node) ? Number(key) : key;
    path.push(segment);
    node = isObject(node) || Array.isArray(node)
      ? (node as Record<string, unknown>)[String(segment)]
      : undefined;
  }
  return path;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let node = data;
  for (const segment of path) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[String(segment)];
  }
  return node;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
