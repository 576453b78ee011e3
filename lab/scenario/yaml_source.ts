/**
 * A YAML document read with its source positions kept, so a problem found at a path in the
 * data (`load.stages[1].target`) can be reported at the line and column where it was written.
 *
 * @module
 */

import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
} from "yaml";
import type { PathIssue, PathSegment } from "./errors.ts";

/** A 1-based line and column. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

/** A YAML syntax problem at a source position. */
export interface YamlSyntaxProblem extends SourcePosition {
  readonly message: string;
}

/** Where the walk along a path ended: the deepest node found and, for a mapping entry, its key. */
interface Located {
  readonly node: Node | null;
  readonly key: Node | null;
  /** True when every segment of the path was found. */
  readonly complete: boolean;
}

/**
 * A parsed YAML document plus the means to locate any path in it.
 *
 * @example
 * ```ts
 * const source = YamlSource.parse("load:\n  executor: nope\n");
 * source.positionOf({ path: ["load", "executor"], message: "" }); // { line: 2, column: 13 }
 * ```
 */
export class YamlSource {
  readonly #doc: Document.Parsed;
  readonly #lines: LineCounter;
  readonly #text: string;
  /** Syntax errors; when not empty `data` is not meaningful. */
  readonly problems: readonly YamlSyntaxProblem[];

  private constructor(text: string) {
    this.#text = text;
    this.#lines = new LineCounter();
    // YAML 1.2 core schema; duplicate keys are errors; one document per file.
    this.#doc = parseDocument(text, {
      lineCounter: this.#lines,
      prettyErrors: false,
      uniqueKeys: true,
      strict: true,
    });
    this.problems = this.#doc.errors.map((error) => ({
      ...this.#position(error.pos[0]),
      message: firstLine(error.message),
    }));
  }

  /** Parse YAML text; check `problems` before using `data`. */
  static parse(text: string): YamlSource {
    return new YamlSource(text);
  }

  /** The document as plain JavaScript values (aliases expanded). */
  toData(): unknown {
    return this.#doc.toJS({ maxAliasCount: 100 });
  }

  /**
   * Where an issue is in the source: the key or value node at its path, or the deepest
   * existing node when the path goes further (a missing field is reported at its parent).
   */
  positionOf(issue: PathIssue): SourcePosition {
    const located = this.#locate(issue.path);
    const node = issue.on === "key" && located.complete && located.key ? located.key : located.node;
    const start = node?.range?.[0];
    if (start === undefined) return { line: 1, column: 1 };
    const position = this.#position(start);
    if (issue.offset !== undefined && located.complete && isScalar(node)) {
      return this.#offsetInScalar(node, position, issue.offset);
    }
    return position;
  }

  #locate(path: readonly PathSegment[]): Located {
    let node: Node | null = this.#resolve(this.#doc.contents);
    let key: Node | null = null;
    for (const segment of path) {
      let next: Node | null = null;
      let nextKey: Node | null = null;
      if (isMap(node)) {
        for (const pair of node.items) {
          if (!isPair(pair)) continue;
          const pairKey = pair.key as Node | null;
          if (isScalar(pairKey) && String(pairKey.value) === String(segment)) {
            nextKey = pairKey;
            next = this.#resolve(pair.value as Node | null) ?? pairKey;
            break;
          }
        }
      } else if (isSeq(node) && typeof segment === "number") {
        next = this.#resolve(node.items[segment] as Node | null);
      }
      if (next === null) return { node, key, complete: false };
      node = next;
      key = nextKey;
    }
    return { node, key, complete: true };
  }

  #resolve(node: Node | null | undefined): Node | null {
    if (node === null || node === undefined) return null;
    return isAlias(node) ? (node.resolve(this.#doc) ?? node) : node;
  }

  /**
   * Line and column of a character inside a scalar whose source spells the value verbatim:
   * a single-line plain or quoted scalar without escapes, or a literal block scalar (`|`).
   * Otherwise the scalar's start.
   */
  #offsetInScalar(node: Scalar, start: SourcePosition, offset: number): SourcePosition {
    const [from, to] = node.range ?? [0, 0];
    const raw = this.#text.slice(from, to);
    const value = String(node.value);
    if (node.type === Scalar.BLOCK_LITERAL) {
      return this.#offsetInLiteral(from, to, value, offset, start);
    }
    const quoted = node.type === Scalar.QUOTE_SINGLE || node.type === Scalar.QUOTE_DOUBLE;
    if (node.type !== Scalar.PLAIN && !quoted) return start;
    const verbatim = quoted ? raw.slice(1).startsWith(value) : raw.startsWith(value);
    if (raw.includes("\n") || !verbatim) return start;
    return { line: start.line, column: start.column + (quoted ? 1 : 0) + offset };
  }

  /** Literal block: content starts on the line after the `|` header, indented uniformly. */
  #offsetInLiteral(
    from: number,
    to: number,
    value: string,
    offset: number,
    start: SourcePosition,
  ): SourcePosition {
    const headerEnd = this.#text.indexOf("\n", from);
    const header = this.#text.slice(from, headerEnd < 0 ? to : headerEnd).split("#")[0];
    if (headerEnd < 0 || /\d/.test(header)) return start; // explicit indentation: not worth it
    const firstContent = this.#text.slice(headerEnd + 1, to).split("\n").find((l) =>
      l.trim() !== ""
    );
    const indent = firstContent === undefined
      ? 0
      : firstContent.length - firstContent.trimStart().length;
    const before = value.slice(0, offset);
    const lineInBlock = before.split("\n").length - 1;
    const column = offset - (before.lastIndexOf("\n") + 1);
    return { line: start.line + 1 + lineInBlock, column: indent + 1 + column };
  }

  #position(offset: number): SourcePosition {
    const { line, col } = this.#lines.linePos(offset);
    return { line, column: col };
  }
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}
