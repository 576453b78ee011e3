/**
 * The driver of a flow workload: one transport per protocol the flow uses, shared by every
 * iteration (SIPp's single socket), and the demultiplexing of what arrives to the iterations
 * by Call-ID. A request with an unknown Call-ID starts a call for the oldest iteration still
 * waiting for one (a flow that begins with `expect INVITE`, SIPp `uas` style); anything else
 * unknown is counted as a stray and discarded, as SIPp does. For the live dashboard it reports
 * its iterations per step (`stateCounts`) and keeps recent users' steps, transactions and
 * messages ({@link FlowUserLog}).
 *
 * @module
 */
import type {
  IterationOutcome,
  MachineStateCounts,
  PopulationUser,
  WorkloadDriver,
} from "../../lab/runner/workload.ts";
import type { FlowProgram } from "../../lab/scenario/mod.ts";
import { type AnySipMessage, messageToString } from "../../lab/sip/message/mod.ts";
import type { TimerWheel } from "../../lab/sip/timer/mod.ts";
import {
  type Destination,
  type LocalAddress,
  TransportManager,
  type TransportMetricsSink,
  type TransportProtocol,
} from "../../lab/sip/transport/mod.ts";
import { FlowIteration, type FlowRuntime } from "./flow_iteration.ts";
import type { FlowMetrics } from "./flow_metrics.ts";
import type { RetransmitSettings } from "./retransmission.ts";
import { FlowUserLog } from "./flow_users.ts";

/** Everything {@link FlowDriver.open} needs. */
export interface FlowDriverSetup {
  readonly program: FlowProgram;
  readonly wheel: TimerWheel;
  readonly metrics: FlowMetrics;
  /** Receives the transports' byte and message counts. */
  readonly transportMetrics?: TransportMetricsSink;
  readonly retransmit: RetransmitSettings;
  /** How long an ended call keeps answering retransmissions over UDP. */
  readonly lingerMs: number;
  readonly service: string;
  /** The target; its protocol is the default of every send. */
  readonly remote: Destination & { readonly protocol: TransportProtocol };
  /** Every protocol the flow sends over (the target's and the steps' `transport`). */
  readonly protocols: readonly TransportProtocol[];
  /** Local address to bind (bare IP). */
  readonly localHost: string;
  /** Local port to bind, the same for every protocol (0: any free one each). */
  readonly localPort: number;
  /** The name its iterations' states are reported under (default `flow`). */
  readonly machine?: string;
}

/** True when the first message step of the program is an expect: the peer starts the call. */
function waitsForCall(program: FlowProgram): boolean {
  const first = program.steps.find((s) => s.kind === "send" || s.kind === "expect");
  return first?.kind === "expect";
}

/**
 * Runs the iterations of one flow.
 *
 * @example
 * ```ts
 * const driver = await FlowDriver.open(setup);
 * driver.startIteration(user, (outcome) => console.log(outcome));
 * await driver.stop({ graceful: true });
 * ```
 */
export class FlowDriver implements WorkloadDriver {
  /** Recent users: where their iteration is, their transactions and (inspected) messages. */
  readonly users: FlowUserLog;
  readonly #setup: FlowDriverSetup;
  readonly #manager: TransportManager;
  readonly #locals = new Map<TransportProtocol, LocalAddress>();
  /** Iterations by every Call-ID they use. */
  readonly #byCallId = new Map<string, FlowIteration>();
  readonly #callIds = new Map<FlowIteration, string[]>();
  /** Iterations waiting for the peer to start their call, oldest first. */
  readonly #unclaimed = new Set<FlowIteration>();
  readonly #runtime: FlowRuntime;
  readonly #waitsForCall: boolean;
  #active = 0;
  #callNumber = 0;
  #stopped = false;

  private constructor(setup: FlowDriverSetup, manager: TransportManager) {
    this.#setup = setup;
    this.users = new FlowUserLog(setup.machine ?? "flow");
    this.#manager = manager;
    this.#waitsForCall = waitsForCall(setup.program);
    this.#runtime = {
      program: setup.program,
      wheel: setup.wheel,
      metrics: setup.metrics,
      retransmit: setup.retransmit,
      lingerMs: setup.protocols.includes("udp") ? setup.lingerMs : 0,
      service: setup.service,
      remote: setup.remote,
      local: (protocol) => this.#local(protocol),
      send: (bytes, dest) => this.#manager.send(bytes, dest),
      bind: (callId, iteration) => {
        this.#byCallId.set(callId, iteration);
        this.#callIds.get(iteration)?.push(callId);
      },
      claimed: (iteration) => this.#unclaimed.delete(iteration),
      release: (iteration) => this.#release(iteration),
    };
  }

  /** Bind the transports and make the driver. */
  static async open(setup: FlowDriverSetup): Promise<FlowDriver> {
    let driver: FlowDriver | undefined;
    const manager = new TransportManager({
      events: {
        onMessage: (message, source) => driver?.receive(message, source),
      },
      metrics: setup.transportMetrics,
    });
    try {
      const locals = new Map<TransportProtocol, LocalAddress>();
      for (const protocol of setup.protocols) {
        const transport = manager.add(protocol);
        locals.set(
          protocol,
          await transport.listen({ hostname: setup.localHost, port: setup.localPort }),
        );
      }
      driver = new FlowDriver(setup, manager);
      for (const [protocol, local] of locals) driver.#locals.set(protocol, local);
      return driver;
    } catch (error) {
      await manager.close();
      throw error;
    }
  }

  /** Iterations started and not done. */
  get active(): number {
    return this.#active;
  }

  /** Where the transport of `protocol` listens. */
  localAddress(protocol: TransportProtocol): LocalAddress | undefined {
    return this.#locals.get(protocol);
  }

  /** Iterations per step (`expect 2:180`, `pause 4:pause`, `lingering`) under the machine name. */
  stateCounts(): MachineStateCounts {
    const counts: Record<string, number> = {};
    for (const iteration of this.#callIds.keys()) {
      const state = iteration.stateName;
      counts[state] = (counts[state] ?? 0) + 1;
    }
    return { [this.users.machine]: counts };
  }

  startIteration(user: PopulationUser, done: (outcome: IterationOutcome) => void): void {
    if (this.#stopped) return;
    this.#active++;
    let reported = false;
    let iteration: FlowIteration | undefined = undefined;
    const activity = this.users.started(user.name, () => iteration?.stateName ?? "running");
    iteration = new FlowIteration(this.#runtime, user, ++this.#callNumber, (outcome) => {
      if (reported || this.#stopped) return;
      reported = true;
      this.#active--;
      this.users.ended(
        user.name,
        outcome.ok ? "completed" : `failed${outcome.status ? ` ${outcome.status}` : ""}`,
      );
      done(outcome);
    }, activity);
    this.#callIds.set(iteration, []);
    if (this.#waitsForCall) this.#unclaimed.add(iteration);
    try {
      iteration.start();
    } catch (error) {
      // A bug, not a protocol failure: end this iteration, keep the run going.
      iteration.abort();
      this.#release(iteration);
      if (!reported) {
        reported = true;
        this.#active--;
        this.users.ended(user.name, "failed");
        done({ ok: false, reason: `flow runtime error: ${errorText(error)}` });
      }
    }
  }

  /** A message from the transports (exposed for the transport events). */
  receive(message: AnySipMessage, source: Destination): void {
    if (this.#stopped) return;
    let callId: string;
    try {
      callId = message.callId;
    } catch {
      this.#setup.metrics.stray.inc();
      return;
    }
    let iteration = this.#byCallId.get(callId);
    if (iteration === undefined && message.kind === "request") {
      iteration = this.#claimFor(callId);
    }
    if (iteration === undefined) {
      this.#setup.metrics.stray.inc();
      return;
    }
    iteration.receive(message, messageToString(message), source);
  }

  /**
   * Stop at once: every iteration is dropped (their `done` is not called any more), timers
   * cancelled, transports closed. Nothing is left to sign out, so graceful or not is the same.
   */
  async stop(_options: { graceful: boolean }): Promise<void> {
    this.#stopped = true;
    for (const iteration of this.#callIds.keys()) iteration.abort();
    this.#byCallId.clear();
    this.#callIds.clear();
    this.#unclaimed.clear();
    this.#active = 0;
    await this.#manager.close();
  }

  /** The oldest iteration waiting for a call takes `callId`. */
  #claimFor(callId: string): FlowIteration | undefined {
    for (const iteration of this.#unclaimed) {
      if (!iteration.waiting) continue;
      this.#unclaimed.delete(iteration);
      iteration.adoptCallId(callId);
      return iteration;
    }
    return undefined;
  }

  #local(protocol: TransportProtocol): LocalAddress {
    const local = this.#locals.get(protocol);
    if (local === undefined) throw new Error(`the flow has no ${protocol} transport`);
    return local;
  }

  #release(iteration: FlowIteration): void {
    for (const callId of this.#callIds.get(iteration) ?? []) {
      if (this.#byCallId.get(callId) === iteration) this.#byCallId.delete(callId);
    }
    this.#callIds.delete(iteration);
    this.#unclaimed.delete(iteration);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
