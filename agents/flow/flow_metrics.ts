/**
 * What a flow records, per flow (`flow` label: the flow's name) and per step (`step` label:
 * `<index>:<what>`, the step's place in `flow.steps` as validation messages number it, then
 * the method, status or expectation — `0:INVITE`, `3:200`, `5:2xx`, `7:BYE`).
 *
 * | metric | kind | labels | meaning |
 * | --- | --- | --- | --- |
 * | `flow_response_time` | latency | `flow`, `step` | request first sent → the response an expect step matched |
 * | `flow_retransmissions` | counter | `flow`, `step` | copies re-sent by the send step: RFC 3261 §17 retransmissions and answers to the peer's retransmissions |
 * | `flow_outcomes` | counter | `flow`, `outcome` | iterations by how they ended: `completed`, `unexpected`, `timeout`, `capture`, `template`, `transport`, `max-steps` |
 * | `flow_stray_messages` | counter | `flow` | received messages whose Call-ID belongs to no iteration (discarded) |
 *
 * The runner adds the iteration counts and durations (`iterations_*{workload}`).
 *
 * @module
 */
import type { CounterSeries, HistogramSeries, MetricsRegistry } from "../../lab/metrics/mod.ts";
import type { ExpectMatch, FlowProgram } from "../../lab/scenario/mod.ts";
import { templateStart } from "./outgoing.ts";

/** How an iteration of a flow ended. */
export type FlowOutcome =
  | "completed"
  | "unexpected"
  | "timeout"
  | "capture"
  | "template"
  | "transport"
  | "max-steps";

/**
 * An expectation as written: `200`, `2xx`, `BYE`.
 *
 * @example
 * ```ts
 * describeExpectation({ kind: "class", hundreds: 1 }); // "1xx"
 * ```
 */
export function describeExpectation(match: ExpectMatch): string {
  switch (match.kind) {
    case "status":
      return String(match.status);
    case "class":
      return `${match.hundreds}xx`;
    case "method":
      return match.method;
  }
}

/**
 * The `step` label of step `index`.
 *
 * @example
 * ```ts
 * stepLabel(program, 0); // "0:INVITE"
 * ```
 */
export function stepLabel(program: FlowProgram, index: number): string {
  const step = program.steps[index];
  switch (step.kind) {
    case "send": {
      const start = templateStart(step.template);
      const what = start === undefined
        ? "send"
        : start.kind === "request"
        ? start.method
        : String(start.status);
      return `${index}:${what}`;
    }
    case "expect":
      return `${index}:${describeExpectation(step.match)}`;
    default:
      return `${index}:${step.kind}`;
  }
}

/**
 * The series of one flow, made when the driver starts (one per step that can use them).
 *
 * @example
 * ```ts
 * const metrics = new FlowMetrics(registry, "options-ping", program);
 * metrics.responseTime(1)?.record(12.5);
 * ```
 */
export class FlowMetrics {
  readonly #responseTime = new Map<number, HistogramSeries>();
  readonly #retransmissions = new Map<number, CounterSeries>();
  readonly #outcomes = new Map<FlowOutcome, CounterSeries>();
  readonly #registry: MetricsRegistry;
  readonly #flow: string;
  /** Messages for no iteration. */
  readonly stray: CounterSeries;

  constructor(registry: MetricsRegistry, flow: string, program: FlowProgram) {
    this.#registry = registry;
    this.#flow = flow;
    const responseTime = registry.latency(
      "flow_response_time",
      "Flow: request first sent → the response an expect step matched, by flow and step.",
    );
    const retransmissions = registry.counter(
      "flow_retransmissions",
      "Flow: copies re-sent by a send step (RFC 3261 §17 retransmissions, answers to the " +
        "peer's retransmissions), by flow and step.",
    );
    program.steps.forEach((step, index) => {
      const labels = { flow, step: stepLabel(program, index) };
      if (step.kind === "expect") this.#responseTime.set(index, responseTime.with(labels));
      if (step.kind === "send") this.#retransmissions.set(index, retransmissions.with(labels));
    });
    this.stray = registry.counter(
      "flow_stray_messages",
      "Flow: received messages whose Call-ID belongs to no iteration (discarded), by flow.",
    ).with({ flow });
  }

  /** Response times at expect step `index`. */
  responseTime(index: number): HistogramSeries | undefined {
    return this.#responseTime.get(index);
  }

  /** Retransmissions of send step `index`. */
  retransmissions(index: number): CounterSeries | undefined {
    return this.#retransmissions.get(index);
  }

  /** Iterations that ended with `outcome`. */
  outcome(outcome: FlowOutcome): CounterSeries {
    let series = this.#outcomes.get(outcome);
    if (series === undefined) {
      series = this.#registry.counter(
        "flow_outcomes",
        "Flow: iterations by how they ended, by flow and outcome.",
      ).with({ flow: this.#flow, outcome });
      this.#outcomes.set(outcome, series);
    }
    return series;
  }
}
