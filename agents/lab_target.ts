/**
 * Starts the lab agents of a `target: kind: lab` scenario. Today: the UAS (`agents.uas`,
 * `count` instances on `port + i`, their calls per state summed under `uasCall` for the live
 * state chart) and the front end (`agents.frontend`, `count` instances on `port + i`, named
 * `frontend`, `frontend-2` …, serving the scenario's population with its passwords, TLS with the
 * lab CA when the target's transport is tls, each hosting the MS-PRES presence server whose
 * fan-out latency goes to `presence_fanout`); the gateways, UM, chat, conferencing and web
 * services join as their issues land, and asking for one before then is a clear error.
 *
 * @example
 * ```ts
 * // runScenario(scenario, { workloads: [callWorkload()], labTarget: labTarget() })
 * ```
 *
 * @module
 */
import type { LabTargetFactory, RunContext, RunningLabAgents } from "../lab/runner/workload.ts";
import { createSampler, deriveSeed, type LabTarget, Xoshiro128 } from "../lab/scenario/mod.ts";
import type { Population } from "../lab/runner/population.ts";
import type { MetricsRegistry } from "../lab/metrics/mod.ts";
import { FrontendAgent } from "./frontend/mod.ts";
import { type FanoutLatencySink, presenceService } from "./presence/mod.ts";
import { labTlsMaterial } from "./lab_trust.ts";
import { UasAgent } from "./uas/uas_agent.ts";
import { basicCallUasChart } from "./uas/basic_call_chart.ts";

/** The answering chart's machine id, the key the UAS calls per state are reported under. */
const UAS_MACHINE = basicCallUasChart.id;

/** The lab target factory. */
export function labTarget(): LabTargetFactory {
  return {
    async start(target: LabTarget, ctx: Omit<RunContext, "labAgents">): Promise<RunningLabAgents> {
      for (const kind of Object.keys(target.agents)) {
        if (kind !== "uas" && kind !== "frontend") {
          throw new Error(
            `lab agent '${kind}' is not available yet (this build starts: uas, frontend)`,
          );
        }
      }
      const spec = target.agents.uas;
      const started: UasAgent[] = [];
      const frontends: FrontendAgent[] = [];
      const addresses: Record<string, { protocol: string; host: string; port: number }> = {};
      const frontendSpec = target.agents.frontend;
      if (frontendSpec) {
        const secure = target.transport === "tls" || target.transport === "wss";
        const tls = secure ? await labTlsMaterial(target.host) : undefined;
        const users = populationPasswords(ctx.population);
        try {
          for (let i = 0; i < frontendSpec.count; i++) {
            const agent = await FrontendAgent.start({
              listen: {
                protocol: target.transport,
                host: target.host,
                port: frontendSpec.port === 0 ? 0 : frontendSpec.port + i,
              },
              domain: target.domain,
              users: (name) => {
                const password = users(name);
                return password === undefined ? undefined : { password };
              },
              wheel: ctx.wheel,
              tls,
              // MS-PRES: every lab front end hosts the presence server.
              services: [
                presenceService({ wheel: ctx.wheel, latency: fanoutMetrics(ctx.metrics) }),
              ],
            });
            frontends.push(agent);
            addresses[i === 0 ? "frontend" : `frontend-${i + 1}`] = agent.address;
            ctx.log(
              `lab frontend listening on ${agent.address.protocol}:${agent.address.host}:${agent.address.port}`,
            );
          }
        } catch (error) {
          await Promise.all(frontends.map((a) => a.stop()));
          throw error;
        }
      }
      if (spec) {
        const secure = target.transport === "tls" || target.transport === "wss";
        const tls = secure ? await labTlsMaterial(target.host) : undefined;
        try {
          for (let i = 0; i < spec.count; i++) {
            const random = Xoshiro128.fromSeed(deriveSeed(ctx.scenario.seed, "uas", i, "ring"));
            const agent = await UasAgent.start({
              listen: {
                protocol: target.transport,
                host: target.host,
                port: spec.port === 0 ? 0 : spec.port + i,
              },
              ringTimeMs: createSampler(spec.ringTime, random),
              maxCalls: spec.maxCalls,
              wheel: ctx.wheel,
              tls,
            });
            started.push(agent);
            addresses[i === 0 ? "uas" : `uas-${i + 1}`] = agent.address;
            ctx.log(
              `lab uas listening on ${agent.address.protocol}:${agent.address.host}:${agent.address.port}`,
            );
          }
        } catch (error) {
          await Promise.all([...started, ...frontends].map((a) => a.stop()));
          throw error;
        }
      }
      return {
        addresses,
        stop: async () => {
          await Promise.all([...started, ...frontends].map((a) => a.stop()));
        },
        stateCounts: () => {
          const total: Record<string, number> = {};
          for (const agent of started) {
            for (const [state, n] of Object.entries(agent.stateCounts())) {
              total[state] = (total[state] ?? 0) + n;
            }
          }
          return { [UAS_MACHINE]: total };
        },
      };
    },
  };
}

/**
 * The presence server's fan-out latency (publication accepted → NOTIFY / BENOTIFY sent, per
 * watcher) as the `presence_fanout` histogram, by method and subscription kind.
 */
function fanoutMetrics(metrics: MetricsRegistry): FanoutLatencySink {
  const fanout = metrics.latency("presence_fanout");
  return {
    notificationSent: (event) =>
      fanout.record(event.sentAt - event.acceptedAt, { method: event.method, kind: event.kind }),
  };
}

/**
 * The population's passwords by user name, for the front end's user store: names are indexed
 * on first use (cheap), a user's record (and password) is made when it signs in.
 */
function populationPasswords(population: Population): (name: string) => string | undefined {
  let positions: Map<string, number> | undefined;
  return (name) => {
    if (positions === undefined) {
      positions = new Map();
      for (let i = 0; i < population.count; i++) positions.set(population.nameAt(i), i);
    }
    const position = positions.get(name);
    return position === undefined ? undefined : population.user(position).password;
  };
}
