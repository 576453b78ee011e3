/**
 * The `flow` workload factory: runs a scenario's SIPp-like `flow` (issue #5) against its
 * target — an external server at `target.host:port`, or the lab UAS when the target is
 * `kind: lab` — over UDP or TCP, without the transaction layer.
 *
 * @module
 */
import type {
  RunContext,
  RunnableWorkload,
  WorkloadDriver,
  WorkloadFactory,
} from "../../lab/runner/workload.ts";
import type { FlowProgram } from "../../lab/scenario/mod.ts";
import type { Destination, TransportProtocol } from "../../lab/sip/transport/mod.ts";
import { bareHost, protocolOf, sipHost } from "../../lab/sip/transport/mod.ts";
import { FlowDriver } from "./flow_driver.ts";
import { FlowMetrics } from "./flow_metrics.ts";
import { localHostFor } from "./local_host.ts";

/** Tuning of the flow runtime; every field has a SIPp-like default. */
export interface FlowOptions {
  /** T1, ms: first retransmission interval (RFC 3261 §17.1.1.1; SIPp `-t1`). Default 500. */
  readonly t1Ms?: number;
  /** T2, ms: cap of non-INVITE and response intervals. Default 4000. */
  readonly t2Ms?: number;
  /** Give up on an unanswered message this long after its first send. Default 64·T1. */
  readonly timeoutMs?: number;
  /** At most this many retransmissions per message (SIPp `-max_retrans`). Default: no cap. */
  readonly maxRetransmissions?: number;
  /** Over UDP, an ended call answers late retransmissions this long (RFC 3261 T4). Default 5000. */
  readonly lingerMs?: number;
  /** `[service]`, the called user part (SIPp `-s`). Default `service`. */
  readonly service?: string;
  /** Local address to bind; default: loopback for a loopback target, else an interface's. */
  readonly localHost?: string;
  /** Local port (SIPp `-p`). Default 0: any free port. */
  readonly localPort?: number;
}

/** The transports the flow runtime can use today. */
const FLOW_PROTOCOLS: readonly TransportProtocol[] = ["udp", "tcp"];

/**
 * Where the flow sends requests: the external target, or the lab UAS.
 *
 * @example
 * ```ts
 * flowTarget(ctx); // { protocol: "udp", host: "127.0.0.1", port: 5060 }
 * ```
 */
export function flowTarget(ctx: RunContext): Destination & { protocol: TransportProtocol } {
  const target = ctx.scenario.target;
  if (target.kind === "external") {
    return { protocol: target.transport, host: sipHost(target.host), port: target.port };
  }
  const uas = ctx.labAgents?.addresses["uas"];
  if (uas === undefined) {
    throw new Error(
      "a flow against a kind: lab target needs the lab UAS (target.agents.uas), " +
        "or use a kind: external target",
    );
  }
  const protocol = protocolOf(uas);
  if (protocol === undefined) {
    throw new Error(`the lab UAS uses an unknown transport ${uas.protocol}`);
  }
  return { protocol, host: sipHost(uas.host), port: uas.port };
}

/** Every protocol the program sends over. */
function protocolsOf(program: FlowProgram, main: TransportProtocol): TransportProtocol[] {
  const protocols = new Set<TransportProtocol>([main]);
  for (const step of program.steps) {
    if (step.kind === "send" && step.transport !== undefined) protocols.add(step.transport);
  }
  return [...protocols];
}

/**
 * The factory of `flow` drivers, for `runScenario`'s `workloads`.
 *
 * @example
 * ```ts
 * await runScenario(scenario, { workloads: [flowWorkload()], labTarget: labTarget() });
 * ```
 */
export function flowWorkload(options: FlowOptions = {}): WorkloadFactory {
  return {
    kind: "flow",
    async create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
      if (workload.kind !== "flow") {
        throw new TypeError(`the flow factory cannot drive '${workload.kind}'`);
      }
      const program = workload.flow.program;
      const remote = flowTarget(ctx);
      const protocols = protocolsOf(program, remote.protocol);
      const unsupported = protocols.filter((p) => !FLOW_PROTOCOLS.includes(p));
      if (unsupported.length > 0) {
        throw new Error(
          `flow '${workload.name}': transport ${unsupported.join(", ")} is not available to ` +
            `flows yet (they run over ${FLOW_PROTOCOLS.join(", ")})`,
        );
      }
      const t1Ms = options.t1Ms ?? 500;
      return await FlowDriver.open({
        program,
        wheel: ctx.wheel,
        metrics: new FlowMetrics(ctx.metrics, workload.name, program),
        transportMetrics: ctx.metrics,
        retransmit: {
          t1Ms,
          t2Ms: options.t2Ms ?? 4000,
          // RFC 3261 §17.1.1.2 Timer B, §17.1.2.2 Timer F, §17.2.1 Timer H: 64·T1.
          timeoutMs: options.timeoutMs ?? 64 * t1Ms,
          maxRetransmissions: options.maxRetransmissions,
        },
        // RFC 3261 §17.1.2.2: T4 (5 s) is how long the network may still deliver a copy.
        lingerMs: options.lingerMs ?? 5000,
        service: options.service ?? "service",
        remote,
        protocols,
        localHost: bareHost(options.localHost ?? localHostFor(remote.host)),
        localPort: options.localPort ?? 0,
        machine: `flow:${workload.name}`,
      });
    },
  };
}
