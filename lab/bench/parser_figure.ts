/**
 * Figure: SIP parser throughput, messages per second parsed from bytes (`benchParser` of
 * lab/sip/message/parser_bench.ts) for a typical INVITE with SDP and its 200 OK. No peer parser
 * runs in this process, so there is no same-run peer; the naive ~100-line parser measured
 * before the project started (runtime-bench notes §5, `parse(string)`, Deno) is shown as a
 * reference only.
 *
 * @module
 */
import { benchParser } from "../sip/message/parser_bench.ts";
import { TYPICAL_INVITE, TYPICAL_OK } from "../sip/message/testdata/typical.ts";
import type { BenchContext, BenchFigure, FigureOutcome } from "./figure.ts";

/** /work/shared/notes/runtime-bench.md §5: naive parser, parse(string), Deno 2.9.6, median. */
const NAIVE_PARSER_INVITE_PER_SEC = 266_870;
const NAIVE_PARSER_SOURCE = "runtime-bench.md §5, parse(string)";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The parser figure. */
export const parserFigure: BenchFigure = {
  id: "parser",
  title: "SIP parser: messages/s for a typical INVITE (SDP) and 200 OK",
  run(context: BenchContext): Promise<FigureOutcome> {
    const iterations = context.quick ? 50_000 : 200_000;
    const repetitions = context.quick ? 1 : 3;
    const runs = Array.from({ length: repetitions }, (_, i) => {
      const result = benchParser(iterations);
      context.log(
        `  parser run ${i + 1}/${repetitions}: INVITE ${result.inviteMsgsPerSec}/s, ` +
          `200 OK ${result.okMsgsPerSec}/s`,
      );
      return result;
    });
    const invite = median(runs.map((r) => r.inviteMsgsPerSec));
    const ok = median(runs.map((r) => r.okMsgsPerSec));
    const size = (text: string) => new TextEncoder().encode(text).length;
    return Promise.resolve({
      rows: [
        {
          figure: `parser, ${size(TYPICAL_INVITE)}-byte INVITE (msg/s)`,
          ours: invite,
          peer: {
            kind: "reference",
            name: "naive parser",
            value: NAIVE_PARSER_INVITE_PER_SEC,
            source: NAIVE_PARSER_SOURCE,
          },
          note: `median of ${repetitions} × ${iterations.toLocaleString("en-US")} parses`,
        },
        {
          figure: `parser, ${size(TYPICAL_OK)}-byte 200 OK (msg/s)`,
          ours: ok,
          peer: { kind: "none" },
        },
      ],
      details: { iterations, repetitions, runs },
    });
  },
};
