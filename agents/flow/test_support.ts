/**
 * Test helpers for the flow runtime: a tiny stateless SIP responder on a UDP socket (it reads
 * requests as plain text and answers by echoing Via, From, To, Call-ID and CSeq, RFC 3261
 * §8.2.6.2), scenarios around a flow, and a driver with one-iteration runs.
 *
 * @module
 */
import { MetricsRegistry } from "../../lab/metrics/mod.ts";
import { Population } from "../../lab/runner/population.ts";
import type {
  IterationOutcome,
  LabTargetFactory,
  RunContext,
  RunningLabAgents,
} from "../../lab/runner/workload.ts";
import { runnableWorkloads } from "../../lab/runner/availability.ts";
import { parseScenario, type Scenario } from "../../lab/scenario/mod.ts";
import { TimerWheel } from "../../lab/sip/timer/mod.ts";
import type { FlowDriver } from "./flow_driver.ts";
import { type FlowOptions, flowWorkload } from "./flow_workload.ts";

/** One answer of the responder. */
export interface CannedResponse {
  readonly status: number;
  readonly reason: string;
  /** Extra header lines, e.g. `Level: 7`. */
  readonly headers?: readonly string[];
}

/** A request as the responder saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly text: string;
  /** Header value by lowercase long name (first occurrence). */
  header(name: string): string | undefined;
}

/** Options of {@link startUdpResponder}. */
export interface ResponderOptions {
  /**
   * The responses to a request, in order. Default: INVITE → 100, 180, 200; ACK → none;
   * anything else → 200.
   */
  readonly answer?: (request: SeenRequest) => readonly CannedResponse[];
  /** Ignore the first this many datagrams (lost requests, to make the sender retransmit). */
  readonly dropFirst?: number;
}

/** A running responder. */
export interface UdpResponder {
  readonly port: number;
  /** Every datagram received (dropped ones included), in order. */
  readonly seen: SeenRequest[];
  /** The To tag the responder adds for a Call-ID. */
  tagFor(callId: string): string;
  close(): Promise<void>;
}

/** RFC 3261 §7.3.3 compact forms of the headers the responder reads. */
const COMPACT: Record<string, string> = { v: "via", f: "from", t: "to", i: "call-id" };

function headerLines(text: string): { key: string; line: string; value: string }[] {
  const lines = text.split("\r\n");
  const out: { key: string; line: string; value: string }[] = [];
  for (let i = 1; i < lines.length && lines[i] !== ""; i++) {
    const colon = lines[i].indexOf(":");
    if (colon <= 0) continue;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    out.push({
      key: COMPACT[name] ?? name,
      line: lines[i],
      value: lines[i].slice(colon + 1).trim(),
    });
  }
  return out;
}

function seenRequest(text: string): SeenRequest {
  const fields = headerLines(text);
  return {
    method: text.slice(0, text.indexOf(" ")),
    text,
    header: (name) => fields.find((f) => f.key === name)?.value,
  };
}

/** The default answers: a UAS that accepts everything. */
export function acceptAll(request: SeenRequest): readonly CannedResponse[] {
  if (request.method === "ACK") return [];
  if (request.method === "INVITE") {
    return [
      { status: 100, reason: "Trying" },
      { status: 180, reason: "Ringing" },
      { status: 200, reason: "OK" },
    ];
  }
  return [{ status: 200, reason: "OK" }];
}

/**
 * Start the responder on 127.0.0.1 (a free port). It is stateless: every copy of a request
 * gets the answers again.
 *
 * @example
 * ```ts
 * const responder = startUdpResponder({ dropFirst: 1 });
 * try { ... } finally { await responder.close(); }
 * ```
 */
export function startUdpResponder(options: ResponderOptions = {}): UdpResponder {
  const socket = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
  const seen: SeenRequest[] = [];
  const tags = new Map<string, string>();
  const tagFor = (callId: string) => {
    let tag = tags.get(callId);
    if (tag === undefined) tags.set(callId, tag = `resp${tags.size + 1}`);
    return tag;
  };
  const answer = options.answer ?? acceptAll;
  const encoder = new TextEncoder();
  const loop = (async () => {
    for (;;) {
      let datagram: Uint8Array;
      let from: Deno.NetAddr;
      try {
        const [data, addr] = await socket.receive();
        datagram = data;
        from = addr as Deno.NetAddr;
      } catch {
        return; // closed
      }
      const request = seenRequest(new TextDecoder().decode(datagram));
      seen.push(request);
      if (seen.length <= (options.dropFirst ?? 0)) continue;
      const fields = headerLines(request.text);
      const echoed = (key: string) => fields.filter((f) => f.key === key).map((f) => f.line);
      for (const response of answer(request)) {
        // §8.2.6.2: the UAS adds a To tag to every response but a 100 Trying.
        const to = echoed("to").map((line) =>
          response.status === 100 || /;\s*tag=/i.test(line)
            ? line
            : `${line};tag=${tagFor(request.header("call-id") ?? "")}`
        );
        const text = [
          `SIP/2.0 ${response.status} ${response.reason}`,
          ...echoed("via"),
          ...echoed("from"),
          ...to,
          ...echoed("call-id"),
          ...echoed("cseq"),
          ...(response.headers ?? []),
          "Content-Length: 0",
          "",
          "",
        ].join("\r\n");
        try {
          await socket.send(encoder.encode(text), from);
        } catch {
          return; // closed
        }
      }
    }
  })();
  return {
    port: (socket.addr as Deno.NetAddr).port,
    seen,
    tagFor,
    async close() {
      socket.close();
      await loop;
    },
  };
}

/** A one-flow scenario's YAML against `target` (YAML of the target mapping's fields). */
export function flowScenarioYaml(target: string, flow: string, load?: string): string {
  return [
    "name: flow-test",
    "seed: 3",
    "target:",
    target,
    "population:",
    "  count: 5",
    "  domain: example.test",
    '  naming: "user{index}"',
    "flow:",
    flow,
    "load:",
    load ?? "  executor: shared-iterations\n  users: 1\n  iterations: 1",
    "",
  ].join("\n");
}

/** The target fields of an external UDP or TCP target on 127.0.0.1:`port`. */
export function externalTarget(port: number, transport: "udp" | "tcp" = "udp"): string {
  return [
    "  kind: external",
    "  host: 127.0.0.1",
    `  port: ${port}`,
    `  transport: ${transport}`,
    "  domain: example.test",
  ].join("\n");
}

/** A flow driver made by the factory from a scenario, with its context. */
export interface FlowHarness {
  readonly scenario: Scenario;
  readonly metrics: MetricsRegistry;
  readonly wheel: TimerWheel;
  readonly driver: FlowDriver;
  /** Run one iteration for user `position` (default 0) and return how it ended. */
  run(position?: number): Promise<IterationOutcome>;
  /** A counter's total over the series whose labels include `labels`. */
  counter(name: string, labels?: Readonly<Record<string, string>>): number;
  /** Samples of a latency over the series whose labels include `labels`. */
  samples(name: string, labels?: Readonly<Record<string, string>>): number;
  close(): Promise<void>;
}

/**
 * Make the flow driver of `yaml` through `flowWorkload(options)`, as the runner would.
 *
 * @example
 * ```ts
 * const harness = await flowHarness(flowScenarioYaml(externalTarget(port), flow));
 * const outcome = await harness.run();
 * ```
 */
export async function flowHarness(
  yaml: string,
  options: FlowOptions = {},
  labAgents?: RunningLabAgents,
): Promise<FlowHarness> {
  const scenario = parseScenario(yaml, "flow-test.yaml");
  const population = await Population.build(scenario, { scenarioText: yaml });
  const metrics = new MetricsRegistry();
  const wheel = new TimerWheel({ resolutionMs: 1 });
  const ctx: RunContext = { scenario, population, metrics, wheel, labAgents, log: () => {} };
  const workload = runnableWorkloads(scenario).find((w) => w.kind === "flow")!;
  let driver: FlowDriver;
  try {
    driver = await flowWorkload(options).create(ctx, workload) as FlowDriver;
  } catch (error) {
    wheel.stop();
    throw error;
  }
  const matching = (labels: Readonly<Record<string, string>>) => (l: Record<string, string>) =>
    Object.entries(labels).every(([k, v]) => l[k] === v);
  return {
    scenario,
    metrics,
    wheel,
    driver,
    run: (position = 0) =>
      new Promise((resolve) => driver.startIteration(population.user(position), resolve)),
    counter: (name, labels = {}) =>
      metrics.snapshot().counters.filter((c) => c.name === name && matching(labels)(c.labels))
        .reduce((sum, c) => sum + c.total, 0),
    samples: (name, labels = {}) =>
      metrics.snapshot().latencies.filter((l) => l.name === name && matching(labels)(l.labels))
        .reduce((sum, l) => sum + l.cumulative.count, 0),
    async close() {
      await driver.stop({ graceful: false });
      wheel.stop();
    },
  };
}

/** A lab target factory that hands out already running agents (for runScenario tests). */
export function fixedLabTarget(agents: RunningLabAgents): LabTargetFactory {
  return { start: () => Promise.resolve(agents) };
}
