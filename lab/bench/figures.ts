/**
 * Every figure `deno task bench` runs, in order. A new figure (sign-in/s against Microsoft's
 * published ~12/s, presence fan-out, ...) is one more {@link BenchFigure}
 * module listed here; `--only` picks figures by their `id`.
 *
 * @module
 */
import { dashboardCostFigure } from "./dashboard_cost_figure.ts";
import { e2eUdpFigure } from "./e2e_udp_figure.ts";
import { imFigure } from "./im_figure.ts";
import type { BenchFigure } from "./figure.ts";
import { parserFigure } from "./parser_figure.ts";
import { presenceFigure } from "./presence_figure.ts";
import { runnerFigure } from "./runner_figure.ts";
import { signInFigure } from "./signin_figure.ts";

/** The figures, in the order they run and print. */
export const FIGURES: readonly BenchFigure[] = [
  parserFigure,
  e2eUdpFigure,
  runnerFigure,
  dashboardCostFigure,
  signInFigure,
  imFigure,
  presenceFigure,
];
