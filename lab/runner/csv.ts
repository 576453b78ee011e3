/**
 * A small CSV reader (RFC 4180): comma-separated fields, fields in double quotes may hold
 * commas, line breaks and doubled quotes; CRLF or LF line ends; empty lines are skipped. Each
 * row keeps the line it starts on, for error messages.
 *
 * @module
 */

/** One record and the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly fields: readonly string[];
}

/**
 * A malformed CSV text; `line` and `column` are 1-based.
 *
 * @example
 * ```ts
 * try { parseCsv('a,"open'); } catch (e) { if (e instanceof CsvSyntaxError) e.line; } // 1
 * ```
 */
export class CsvSyntaxError extends Error {
  constructor(message: string, readonly line: number, readonly column: number) {
    super(message);
    this.name = "CsvSyntaxError";
  }
}

/**
 * Parse CSV text into rows.
 *
 * @example
 * ```ts
 * parseCsv('user,password\nalice,"a,b"\n');
 * // [{ line: 1, fields: ["user", "password"] }, { line: 2, fields: ["alice", "a,b"] }]
 * ```
 */
export function parseCsv(text: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let column = 1;
  let rowLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte order mark is not data
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== "") rows.push({ line: rowLine, fields });
    fields = [];
    field = "";
  };
  while (i < text.length) {
    const c = text[i];
    if (c === '"' && field === "") {
      const openLine = line;
      const openColumn = column;
      i++;
      column++;
      for (;;) {
        if (i >= text.length) {
          throw new CsvSyntaxError("unclosed quoted field", openLine, openColumn);
        }
        const q = text[i];
        if (q === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            column += 2;
            continue;
          }
          i++;
          column++;
          break;
        }
        if (q === "\n") {
          line++;
          column = 1;
        } else column++;
        field += q;
        i++;
      }
      const next = text[i];
      if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
        throw new CsvSyntaxError(
          "expected a comma or the end of the line after a quoted field",
          line,
          column,
        );
      }
      continue;
    }
    if (c === ",") {
      fields.push(field);
      field = "";
      i++;
      column++;
    } else if (c === "\r" || c === "\n") {
      endRow();
      i += c === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
      column = 1;
      rowLine = line;
    } else {
      field += c;
      i++;
      column++;
    }
  }
  if (field !== "" || fields.length > 0) endRow();
  return rows;
}
