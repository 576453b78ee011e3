/**
 * The `call` workload: each iteration one simulated user places one basic call (RFC 3261 §13,
 * §15) to the lab UAS, to a URI pattern, or (with a front end, issue 3) to another user. One
 * {@link BasicCaller} endpoint serves every user of the workload. For the live dashboard the
 * driver reports its calls per state of the caller's chart (`uacCall`) and keeps each recently
 * active user's call state, last transactions and (while inspected) messages for the
 * drill-down ({@link CallUserLog}). A failed call's ms-diagnostics goes into its outcome.
 *
 * @example
 * ```ts
 * const factories = [callWorkload()];
 * // runScenario(scenario, { workloads: factories, labTarget: labTarget() })
 * ```
 *
 * @module
 */
import type {
  IterationOutcome,
  MachineStateCounts,
  PopulationUser,
  RunContext,
  RunnableWorkload,
  WorkloadDriver,
  WorkloadFactory,
} from "../lab/runner/workload.ts";
import { type CallWorkload, createSampler, deriveSeed, Xoshiro128 } from "../lab/scenario/mod.ts";
import { BasicCaller } from "./uac/caller.ts";
import { basicCallUacChart } from "./uac/basic_call_chart.ts";
import { CallUserLog } from "./call_workload_users.ts";
import { labTlsMaterial } from "./lab_trust.ts";
import type { ListenAddress, TlsMaterial } from "./sip_endpoint.ts";

/** Where the calls of a workload go: the next hop and the Request-URI of each call. */
interface CallTarget {
  hop: ListenAddress;
  calleeUri: (user: PopulationUser) => string | undefined;
}

function callTarget(ctx: RunContext, workload: CallWorkload): CallTarget {
  const target = ctx.scenario.target;
  if (workload.callee.kind === "population") {
    throw new Error(
      `workload '${workload.name}': callee 'population' needs a registrar to find the callee; ` +
        "it arrives with the front end (sign-in). Use callee: uas or a sip: URI pattern.",
    );
  }
  let hop: ListenAddress;
  if (target.kind === "lab") {
    const uas = ctx.labAgents?.addresses["uas"];
    if (!uas) throw new Error(`workload '${workload.name}': the lab target starts no uas agent`);
    hop = { protocol: uas.protocol as ListenAddress["protocol"], host: uas.host, port: uas.port };
  } else {
    hop = { protocol: target.transport, host: target.host, port: target.port };
  }
  const callee = workload.callee;
  return {
    hop,
    calleeUri: callee.kind === "uri"
      ? (user) => callee.pattern.replaceAll("{index}", String(user.index))
      : () => undefined,
  };
}

/** The caller chart's machine id, the key its counts are reported under. */
const UAC_MACHINE = basicCallUacChart.id;

class CallDriver implements WorkloadDriver {
  readonly users = new CallUserLog();
  #stopped = false;
  constructor(readonly caller: BasicCaller, readonly target: CallTarget) {}

  get active(): number {
    return this.caller.active;
  }

  stateCounts(): MachineStateCounts {
    return { [UAC_MACHINE]: this.caller.stateCounts() };
  }

  startIteration(user: PopulationUser, done: (o: IterationOutcome) => void): void {
    if (this.#stopped) return;
    const logged = this.users.started(user.name);
    const handle = this.caller.call(
      { aor: user.aor, displayName: user.displayName, calleeUri: this.target.calleeUri(user) },
      (outcome) => {
        this.users.ended(user.name, logged, outcome);
        done({
          ok: outcome.ok,
          status: outcome.status,
          reason: outcome.reason,
          ...(outcome.diagnostics === undefined ? {} : { diagnostics: outcome.diagnostics }),
        });
      },
      logged,
    );
    logged.attach(handle);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.caller.stop();
  }
}

/** The factory of `call` workloads. */
export function callWorkload(): WorkloadFactory {
  return {
    kind: "call",
    async create(ctx: RunContext, workload: RunnableWorkload): Promise<WorkloadDriver> {
      if (workload.kind !== "call") {
        throw new Error(`call factory got a '${workload.kind}' workload`);
      }
      const target = callTarget(ctx, workload);
      const random = Xoshiro128.fromSeed(
        deriveSeed(ctx.scenario.seed, "workload", workload.name, "hold"),
      );
      const hold = createSampler(workload.holdTime, random);
      const localHost = localHostFor(target.hop.host);
      const caller = await BasicCaller.start({
        listen: { protocol: target.hop.protocol, host: localHost, port: 0 },
        target: target.hop,
        holdTimeMs: hold,
        answerTimeoutMs: workload.answerTimeoutMs,
        sdp: workload.sdp,
        wheel: ctx.wheel,
        metrics: ctx.metrics,
        kpi: ctx.metrics.kpi,
        tls: await callerTls(ctx, target.hop, localHost),
      });
      return new CallDriver(caller, target);
    },
  };
}

/**
 * TLS/WSS material of the calling endpoint: its own certificate (it accepts connections too)
 * from the lab CA, and the CA it trusts — the lab CA for a lab target (same process), the
 * scenario's CA file for an external one, the system roots for `tls: system`.
 */
async function callerTls(
  ctx: RunContext,
  hop: ListenAddress,
  localHost: string,
): Promise<TlsMaterial | undefined> {
  if (hop.protocol !== "tls" && hop.protocol !== "wss") return undefined;
  const own = await labTlsMaterial(localHost);
  const target = ctx.scenario.target;
  if (target.kind === "lab") return own;
  switch (target.tls.kind) {
    case "ca":
      return { ...own, caPem: await Deno.readTextFile(target.tls.caFile) };
    case "system":
      return { certPem: own.certPem, keyPem: own.keyPem };
    case "insecure":
      throw new Error(
        "target.tls: insecure is not supported: Deno verifies server certificates; " +
          "give the server's CA with tls: { ca: <file> }",
      );
  }
}

/** The local address to bind for calls toward `remote` (loopback stays on loopback). */
function localHostFor(remote: string): string {
  if (remote.startsWith("127.") || remote === "localhost") return "127.0.0.1";
  if (remote === "[::1]" || remote === "::1") return "[::1]";
  return remote.includes(":") ? "[::]" : "0.0.0.0";
}
