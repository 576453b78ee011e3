/**
 * The diagnostic headers of MS-OCER: `ms-diagnostics` (§2.2.1.1), `ms-diagnostics-public`
 * (§2.2.1.2) and the client's `ms-client-diagnostics` (guide §2.3 [verify section number]).
 *
 * ```
 * ms-diagnostics        = "ms-diagnostics" HCOLON ErrorId *("." SubErrorId) SEMI reason-param
 *                         [SEMI source-param] *(SEMI generic-param)
 * ms-diagnostics-public = "ms-diagnostics-public" HCOLON ErrorId SEMI reason-param
 *                         *(SEMI generic-param)                    ; MUST NOT contain source
 * reason-param = "reason=" quoted-string      source-param = "source=" (quoted-string / host)
 * ErrorId, SubErrorId = unsigned 32-bit integers
 * ```
 * Notes on the material: MS-OCER §2.2.1.1 writes `SEMI source-param` as required, but the
 * diagHeader values of its own §3.1.4.1 example carry none, so a missing source is accepted;
 * the sub-error syntax comes from the guide and the OCS 2007 "Ms-Diagnostics Header" page.
 * Parameters are read in any order with names in any case (RFC 3261 §7.3.1); unknown
 * generic-params (`appName`, ...) survive a parse/format round trip as written. Unparsable
 * values are reported as data, never thrown: guide §6, "treat unparsable diagnostics as absent".
 *
 * @example
 * ```ts
 * const r = parseMsDiagnostics('2141;reason="Delegate version is out of date";source="fe01.contoso.com"');
 * if (r.ok) formatMsDiagnostics(r.value); // the same text
 * ```
 *
 * @module
 */

/** The three diagnostic header names (lowercase, as MS-OCER writes them). */
export type DiagnosticsHeaderName =
  | "ms-diagnostics"
  | "ms-diagnostics-public"
  | "ms-client-diagnostics";

/** A generic-param other than reason and source, kept as written. */
export interface DiagnosticParam {
  name: string;
  /** null for a bare `;name`. */
  value: string | null;
  /** Whether the value was a quoted-string (then `value` has quoted-pairs resolved). */
  quoted: boolean;
}

/** One diagnostic header value. */
export interface MsDiagnostics {
  errorId: number;
  /** The `.SubErrorId` parts after the ErrorId, usually none. */
  subErrorIds: number[];
  /** reason-value (MS-OCER: clients must not drive behaviour from it). */
  reason: string;
  /** source-value: FQDN or IP of the generating server; never in ms-diagnostics-public. */
  source?: string;
  params: DiagnosticParam[];
}

/** Why a value could not be read. */
export type DiagnosticsParseFailure =
  | "missing-error-id"
  | "error-id-out-of-range"
  | "missing-reason"
  | "duplicate-parameter"
  | "source-not-allowed"
  | "malformed";

/** The outcome of {@link parseMsDiagnostics}. */
export type DiagnosticsParseResult =
  | { ok: true; value: MsDiagnostics }
  | { ok: false; failure: DiagnosticsParseFailure; detail: string };

const MAX_UINT32 = 0xffffffff;
// RFC 3261 §25.1 token characters.
const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;
// gen-value = token / host / quoted-string; host adds ":" and "[" "]" (IPv6 references).
const GEN_VALUE_CHAR = /[A-Za-z0-9\-.!%*_+`'~:[\]]/;

class Fail {
  constructor(readonly failure: DiagnosticsParseFailure, readonly detail: string) {}
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}

  skipWs(): void {
    while (this.s[this.i] === " " || this.s[this.i] === "\t") this.i++;
  }

  run(pattern: RegExp): string {
    const start = this.i;
    while (this.i < this.s.length && pattern.test(this.s[this.i])) this.i++;
    return this.s.slice(start, this.i);
  }

  digits(): string {
    return this.run(/[0-9]/);
  }

  quoted(): string {
    let out = "";
    this.i++;
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === '"') return out;
      if (c === "\\" && this.i < this.s.length) out += this.s[this.i++];
      else out += c;
    }
    throw new Fail("malformed", "unterminated quoted-string");
  }
}

function uint32(text: string, what: string): number {
  if (text.length === 0) throw new Fail("missing-error-id", `no ${what}`);
  const value = Number(text);
  if (text.length > 10 || value > MAX_UINT32) {
    throw new Fail("error-id-out-of-range", `${what} ${text} exceeds 2^32-1`);
  }
  return value;
}

function read(text: string, header: DiagnosticsHeaderName): MsDiagnostics {
  const r = new Reader(text.trim());
  const errorId = uint32(r.digits(), "ErrorId");
  const subErrorIds: number[] = [];
  while (r.s[r.i] === ".") {
    r.i++;
    subErrorIds.push(uint32(r.digits(), "SubErrorId"));
  }
  let reason: string | undefined;
  let source: string | undefined;
  const params: DiagnosticParam[] = [];
  for (;;) {
    r.skipWs();
    if (r.i >= r.s.length) break;
    if (r.s[r.i] !== ";") throw new Fail("malformed", `unexpected "${r.s[r.i]}" at ${r.i}`);
    r.i++;
    r.skipWs();
    const name = r.run(TOKEN_CHAR);
    if (name.length === 0) throw new Fail("malformed", `empty parameter name at ${r.i}`);
    r.skipWs();
    let value: string | null = null;
    let quoted = false;
    if (r.s[r.i] === "=") {
      r.i++;
      r.skipWs();
      if (r.s[r.i] === '"') {
        value = r.quoted();
        quoted = true;
      } else {
        value = r.run(GEN_VALUE_CHAR);
        if (value.length === 0) throw new Fail("malformed", `empty value for ${name}`);
      }
    }
    const key = name.toLowerCase();
    if (key === "reason" || key === "source") {
      if (value === null) throw new Fail("malformed", `${key} without a value`);
      if ((key === "reason" ? reason : source) !== undefined) {
        throw new Fail("duplicate-parameter", `${key} given twice`);
      }
      if (key === "reason") reason = value;
      else source = value;
    } else {
      params.push({ name, value, quoted });
    }
  }
  if (reason === undefined) throw new Fail("missing-reason", "reason-param is required");
  if (source !== undefined && header === "ms-diagnostics-public") {
    // MS-OCER §2.2.1.2: ms-diagnostics-public MUST NOT contain the source parameter.
    throw new Fail("source-not-allowed", "ms-diagnostics-public carries source");
  }
  const value: MsDiagnostics = { errorId, subErrorIds, reason, params };
  if (source !== undefined) value.source = source;
  return value;
}

/**
 * Reads one diagnostic header value; failures come back as data.
 *
 * @example
 * ```ts
 * parseMsDiagnostics("99999999999;reason=\"x\""); // { ok: false, failure: "error-id-out-of-range", ... }
 * ```
 */
export function parseMsDiagnostics(
  text: string,
  header: DiagnosticsHeaderName = "ms-diagnostics",
): DiagnosticsParseResult {
  try {
    return { ok: true, value: read(text, header) };
  } catch (e) {
    if (e instanceof Fail) return { ok: false, failure: e.failure, detail: e.detail };
    throw e;
  }
}

/** quoted-string with `"` and `\` escaped (RFC 3261 §25.1 quoted-pair). */
function quote(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => "\\" + c)}"`;
}

/**
 * Writes a value: `ErrorId[.Sub...];reason="...";source="..."` then the other parameters in
 * their order — the layout of the MS-OCER examples. Throws RangeError for an ErrorId outside
 * 32 bits, and for a source in ms-diagnostics-public (MS-OCER §2.2.1.2).
 *
 * @example
 * ```ts
 * formatMsDiagnostics({ errorId: 12006, subErrorIds: [], reason: "Trying next hop",
 *   params: [{ name: "appName", value: "OutboundRouting", quoted: true }] });
 * // '12006;reason="Trying next hop";appName="OutboundRouting"'
 * ```
 */
export function formatMsDiagnostics(
  d: MsDiagnostics,
  header: DiagnosticsHeaderName = "ms-diagnostics",
): string {
  for (const id of [d.errorId, ...d.subErrorIds]) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_UINT32) {
      throw new RangeError(`ErrorId ${id} is not an unsigned 32-bit integer`);
    }
  }
  if (d.source !== undefined && header === "ms-diagnostics-public") {
    throw new RangeError("ms-diagnostics-public must not carry source (MS-OCER §2.2.1.2)");
  }
  let out = [d.errorId, ...d.subErrorIds].join(".") + `;reason=${quote(d.reason)}`;
  if (d.source !== undefined) out += `;source=${quote(d.source)}`;
  for (const p of d.params) {
    if (p.value === null) out += `;${p.name}`;
    else out += `;${p.name}=${p.quoted ? quote(p.value) : p.value}`;
  }
  return out;
}

/**
 * A diagnostics value with no sub-errors or extra parameters.
 *
 * @example
 * ```ts
 * formatMsDiagnostics(msDiagnostics(4005,
 *   "Destination URI either not enabled for SIP or does not exist", "pool01.contoso.com"));
 * ```
 */
export function msDiagnostics(errorId: number, reason: string, source?: string): MsDiagnostics {
  const d: MsDiagnostics = { errorId, subErrorIds: [], reason, params: [] };
  if (source !== undefined) d.source = source;
  return d;
}
