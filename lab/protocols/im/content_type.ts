/**
 * Content-Type values (RFC 3261 §20.15, RFC 2045 §5.1): `type/subtype` plus parameters, the
 * media type compared case-insensitively and parameter values possibly quoted.
 *
 * @module
 */

/** A parsed Content-Type. */
export interface ContentType {
  /** `type/subtype`, lowercase. */
  readonly mediaType: string;
  /** Parameters by lowercase name, values unquoted. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Parses a Content-Type value; undefined when it is not `type/subtype[;param]*`.
 *
 * @example
 * ```ts
 * parseContentType('multipart/alternative; boundary="b1"')?.params.get("boundary"); // "b1"
 * ```
 */
export function parseContentType(value: string): ContentType | undefined {
  const parts = splitParams(value);
  const mediaType = parts[0].trim().toLowerCase();
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) return undefined;
  const params = new Map<string, string>();
  for (const part of parts.slice(1)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    let v = part.slice(eq + 1).trim();
    if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) {
      v = v.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    if (name.length > 0) params.set(name, v);
  }
  return { mediaType, params };
}

/** Splits at semicolons outside quoted strings. */
function splitParams(value: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === ";" && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}
