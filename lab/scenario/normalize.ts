/**
 * From schema-valid YAML data to a typed {@link Scenario}: defaults filled in, durations in
 * milliseconds, distributions as objects, relative paths resolved, flow compiled, threshold
 * expressions parsed — and the checks a JSON Schema cannot express (cross-field rules), each
 * reported with the path of the field at fault.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import {
  type CountDistribution,
  type DurationDistribution,
  lognormalMedianFromMean,
} from "./distributions.ts";
import { durationMs } from "./duration.ts";
import { formatFieldPath, type PathIssue, type PathSegment } from "./errors.ts";
import { compileFlow, type FlowStepDefinition } from "./flow.ts";
import {
  parseMetricSelector,
  parseThresholdExpression,
  type Threshold,
  ThresholdSyntaxError,
} from "./thresholds.ts";
import type {
  Auth,
  AuthScheme,
  ExternalTarget,
  Flow,
  LabAgents,
  LabAgentSpec,
  LabTarget,
  Load,
  Population,
  Scenario,
  Stage,
  Target,
  TlsTrust,
  Transport,
  UasAgentSpec,
  UserProfile,
  Workload,
} from "./types.ts";

/** A mapping as it comes out of the YAML (already checked against the schema). */
type Raw = Record<string, unknown>;
type Path = readonly PathSegment[];

/** Where relative file names are resolved and how the file is named in the result. */
export interface NormalizeOptions {
  readonly file: string;
  readonly baseDir: string;
}

/** The result: a scenario, or the cross-field problems found. */
export type Normalization =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: readonly PathIssue[] };

const DEFAULT_DOMAIN = "sipfleet.test";
const DEFAULT_PORTS: Readonly<Record<Transport, number>> = {
  udp: 5060,
  tcp: 5060,
  tls: 5061,
  ws: 80,
  wss: 443,
};
const PROFILES: readonly UserProfile[] = ["low", "medium", "high"];
const DEFAULT_ACTIVITY: Readonly<Record<UserProfile, number>> = { low: 0.5, medium: 1, high: 2 };
const DEFAULT_ITERATION_MAX_DURATION_MS = 600_000;

/**
 * Normalize schema-valid data. Call only after `validateScenarioShape` found no problem.
 *
 * @example
 * ```ts
 * const result = normalizeScenario(data, { file: "a.yaml", baseDir: "/scenarios" });
 * if (result.ok) run(result.scenario);
 * ```
 */
export function normalizeScenario(data: unknown, options: NormalizeOptions): Normalization {
  return new Normalizer(options).scenario(data as Raw);
}

/** Sections whose deeper checks do not depend on the rest of the scenario. */
export type SelfContainedSection = "flow" | "thresholds";

/**
 * The deeper checks of self-contained sections (flow programs, threshold expressions), for
 * reporting them together with schema problems found elsewhere in the file. Each section given
 * must itself be schema-valid.
 *
 * @example
 * ```ts
 * checkSections(data, ["thresholds"], options); // [{ path: ["thresholds", "x", 0], ... }]
 * ```
 */
export function checkSections(
  data: unknown,
  sections: readonly SelfContainedSection[],
  options: NormalizeOptions,
): PathIssue[] {
  const normalizer = new Normalizer(options);
  const raw = data as Raw;
  for (const section of sections) {
    if (raw[section] === undefined) continue;
    if (section === "flow") normalizer.flow(raw.flow as Raw);
    else normalizer.thresholds(raw.thresholds as Raw);
  }
  return normalizer.issues;
}

class Normalizer {
  readonly issues: PathIssue[] = [];
  constructor(readonly options: NormalizeOptions) {}

  scenario(raw: Raw): Normalization {
    const seed = (raw.seed as number | undefined) ?? 1;
    const rawTarget = raw.target as Raw;
    const rawPopulation = raw.population as Raw;
    const domain = (rawPopulation.domain as string | undefined) ??
      (rawTarget.domain as string | undefined) ?? DEFAULT_DOMAIN;
    const target = this.target(rawTarget, domain);
    const population = this.population(rawPopulation, domain, seed);
    const workloads = ((raw.workloads ?? []) as Raw[]).map((w, i) =>
      this.workload(w, ["workloads", i])
    );
    const flow = raw.flow === undefined ? undefined : this.flow(raw.flow as Raw);
    if (workloads.length === 0 && raw.flow === undefined) {
      this.issues.push({ path: ["workloads"], message: "missing: give workloads, a flow or both" });
    }
    this.checkUniqueNames(workloads, flow);
    this.checkCallees(workloads, target);
    const load = this.load(raw.load as Raw, population.count);
    const thresholds = this.thresholds((raw.thresholds ?? {}) as Raw);
    if (this.issues.length > 0) return { ok: false, issues: this.issues };
    return {
      ok: true,
      scenario: {
        file: this.options.file,
        name: raw.name as string,
        description: raw.description as string | undefined,
        seed,
        target,
        population,
        workloads,
        flow,
        load,
        thresholds,
      },
    };
  }

  // ----- shared pieces

  path(file: string): string {
    return isAbsolute(file) ? file : resolve(this.options.baseDir, file);
  }

  duration(raw: unknown, fallback: string): number {
    return durationMs((raw as string | undefined) ?? fallback);
  }

  /** A duration distribution (a plain duration is a constant). */
  durationDistribution(raw: unknown, path: Path, fallback: string): DurationDistribution {
    if (raw === undefined || typeof raw === "string") {
      return { kind: "constant", value: durationMs((raw as string | undefined) ?? fallback) };
    }
    const d = raw as Raw;
    switch (d.distribution) {
      case "constant":
        return { kind: "constant", value: durationMs(d.value as string) };
      case "uniform":
        return this.uniform(durationMs(d.min as string), durationMs(d.max as string), path);
      case "exponential":
        return { kind: "exponential", mean: durationMs(d.mean as string) };
      case "poisson": {
        // Poisson arrivals at `rate` per timeUnit: exponential gaps with mean timeUnit / rate.
        const unit = durationMs((d.timeUnit as string | undefined) ?? "1s");
        return { kind: "exponential", mean: unit / (d.rate as number) };
      }
      default:
        return this.lognormal(d, path, (v) => durationMs(v as string));
    }
  }

  /** A count distribution (a plain number is a constant). */
  countDistribution(raw: unknown, path: Path, fallback: number): CountDistribution {
    if (raw === undefined || typeof raw === "number") {
      return { kind: "constant", value: (raw as number | undefined) ?? fallback };
    }
    const d = raw as Raw;
    switch (d.distribution) {
      case "constant":
        return { kind: "constant", value: d.value as number };
      case "uniform":
        return this.uniform(d.min as number, d.max as number, path);
      case "exponential":
        return { kind: "exponential", mean: d.mean as number };
      case "poisson":
        return { kind: "poisson", mean: d.mean as number };
      default:
        return this.lognormal(d, path, (v) => v as number);
    }
  }

  uniform(min: number, max: number, path: Path): DurationDistribution {
    if (min > max) this.issues.push({ path: [...path, "max"], message: "must be >= min" });
    return { kind: "uniform", min, max };
  }

  lognormal(d: Raw, path: Path, value: (raw: unknown) => number): DurationDistribution {
    const sigma = d.sigma as number;
    if ((d.median === undefined) === (d.mean === undefined)) {
      this.issues.push({ path, message: "a lognormal needs exactly one of median or mean" });
      return { kind: "lognormal", median: 1, sigma };
    }
    const median = d.median !== undefined
      ? value(d.median)
      : lognormalMedianFromMean(value(d.mean), sigma);
    return { kind: "lognormal", median, sigma };
  }

  // ----- target

  target(raw: Raw, domain: string): Target {
    return raw.kind === "lab" ? this.labTarget(raw, domain) : this.externalTarget(raw);
  }

  labTarget(raw: Raw, populationDomain: string): LabTarget {
    const rawAgents = raw.agents as Record<string, Raw>;
    const agents: Record<string, LabAgentSpec | UasAgentSpec> = {};
    for (const [kind, spec] of Object.entries(rawAgents)) {
      const base = {
        count: (spec.count as number | undefined) ?? 1,
        port: (spec.port ?? 0) as number,
      };
      agents[kind] = kind === "uas"
        ? {
          ...base,
          ringTime: this.durationDistribution(
            spec.ringTime,
            ["target", "agents", kind, "ringTime"],
            "0s",
          ),
          ...(spec.maxCalls === undefined ? {} : { maxCalls: spec.maxCalls as number }),
        }
        : base;
    }
    return {
      kind: "lab",
      transport: (raw.transport as Transport | undefined) ?? "udp",
      host: (raw.host as string | undefined) ?? "127.0.0.1",
      domain: (raw.domain as string | undefined) ?? populationDomain,
      agents: agents as LabAgents,
    };
  }

  externalTarget(raw: Raw): ExternalTarget {
    const transport = (raw.transport as Transport | undefined) ?? "udp";
    return {
      kind: "external",
      host: raw.host as string,
      port: (raw.port as number | undefined) ?? DEFAULT_PORTS[transport],
      transport,
      domain: raw.domain as string,
      tls: this.tls(raw.tls as Raw | undefined, transport),
      auth: this.auth(raw.auth as Raw | undefined, transport),
    };
  }

  tls(raw: Raw | undefined, transport: Transport): TlsTrust {
    if (raw === undefined) return { kind: "system" };
    if (transport !== "tls" && transport !== "wss") {
      this.issues.push({
        path: ["target", "tls"],
        message: `tls settings apply to transport tls or wss, not ${transport}`,
      });
    }
    const serverName = raw.serverName as string | undefined;
    if (raw.ca !== undefined && raw.insecure === true) {
      this.issues.push({
        path: ["target", "tls", "insecure"],
        message: "give either ca or insecure: true, not both",
      });
    }
    if (raw.ca !== undefined) {
      return { kind: "ca", caFile: this.path(raw.ca as string), serverName };
    }
    if (raw.insecure === true) return { kind: "insecure", serverName };
    return { kind: "system", serverName };
  }

  auth(raw: Raw | undefined, transport: Transport): Auth {
    if (raw === undefined) return { scheme: "none", credentials: { kind: "population" } };
    const scheme = raw.scheme as Auth["scheme"];
    // MS-SIPAE §3.1: TLS-DSK authenticates over the TLS connection itself.
    if (scheme === "tls-dsk" && transport !== "tls") {
      this.issues.push({
        path: ["target", "auth", "scheme"],
        message: `tls-dsk needs transport tls (the target uses ${transport})`,
      });
    }
    const credentials = raw.credentials === undefined || raw.credentials === "population"
      ? { kind: "population" as const }
      : { kind: "csv" as const, file: this.path((raw.credentials as Raw).csv as string) };
    return { scheme, credentials, realm: raw.realm as string | undefined };
  }

  // ----- population

  population(raw: Raw, domain: string, seed: number): Population {
    const generatedFields = ["naming", "firstIndex", "password"].filter((f) =>
      raw[f] !== undefined
    );
    if (raw.csv !== undefined && generatedFields.length > 0) {
      this.issues.push({
        path: ["population", "csv"],
        message: `give either csv or ${generatedFields.join("/")}, not both`,
      });
    }
    const users: Population["users"] = raw.csv !== undefined
      ? { kind: "csv", file: this.path(raw.csv as string) }
      : {
        kind: "generated",
        naming: (raw.naming as string | undefined) ?? "user{index:5}",
        firstIndex: (raw.firstIndex as number | undefined) ?? 1,
        password: (raw.password as string | undefined) ?? "pw-{index}",
        fakerSeed: (raw.seed as number | undefined) ?? seed,
      };
    const profiles = (raw.profiles ?? {}) as Raw;
    const mix = (profiles.mix ?? { medium: 1 }) as Partial<Record<UserProfile, number>>;
    const total = PROFILES.reduce((sum, p) => sum + (mix[p] ?? 0), 0);
    if (total === 0) {
      this.issues.push({
        path: ["population", "profiles", "mix"],
        message: "shares must not all be 0",
      });
    }
    const activity = (profiles.activity ?? {}) as Partial<Record<UserProfile, number>>;
    return {
      count: raw.count as number,
      domain,
      users,
      contacts: this.countDistribution(raw.contacts, ["population", "contacts"], 0),
      endpoints: this.countDistribution(raw.endpoints, ["population", "endpoints"], 1),
      profileMix: Object.fromEntries(
        PROFILES.map((p) => [p, total === 0 ? 0 : (mix[p] ?? 0) / total]),
      ) as Record<UserProfile, number>,
      profileActivity: Object.fromEntries(
        PROFILES.map((p) => [p, activity[p] ?? DEFAULT_ACTIVITY[p]]),
      ) as Record<UserProfile, number>,
    };
  }

  // ----- workloads

  workload(raw: Raw, path: Path): Workload {
    const dd = (field: string, fallback: string) =>
      this.durationDistribution(raw[field], [...path, field], fallback);
    const cd = (field: string, fallback: number) =>
      this.countDistribution(raw[field], [...path, field], fallback);
    const text = <T extends string>(field: string, fallback: T) =>
      (raw[field] as T | undefined) ?? fallback;
    const flag = (field: string, fallback: boolean) =>
      (raw[field] as boolean | undefined) ?? fallback;
    const kind = raw.kind as Workload["kind"];
    const base = {
      name: (raw.name as string | undefined) ?? kind,
      weight: (raw.weight as number | undefined) ?? 1,
      thinkTime: dd("thinkTime", "0s"),
    };
    switch (kind) {
      case "call": {
        const callee = text("callee", "uas");
        return {
          ...base,
          kind,
          callee: callee === "uas" || callee === "population"
            ? { kind: callee }
            : { kind: "uri", pattern: callee },
          holdTime: dd("holdTime", "30s"),
          answerTimeoutMs: this.duration(raw.answerTimeout, "32s"),
          sdp: flag("sdp", true),
        };
      }
      case "sign-in":
        return {
          ...base,
          kind,
          expiresMs: this.duration(raw.expires, "1h"),
          stayTime: dd("stayTime", "0s"),
          signOut: flag("signOut", true),
          ...(raw.auth === undefined ? {} : { auth: raw.auth as Exclude<AuthScheme, "none"> }),
          compression: flag("compression", false),
        };
      case "presence":
        return {
          ...base,
          kind,
          publishInterval: dd("publishInterval", "5m"),
          states: (raw.states as PresenceStates | undefined) ?? ["online", "busy", "away"],
          subscribeContacts: flag("subscribeContacts", true),
          sessionTime: dd("sessionTime", "30m"),
        };
      case "im":
        return {
          ...base,
          kind,
          to: text("to", "contact"),
          messages: cd("messages", 5),
          messageInterval: dd("messageInterval", "10s"),
          messageSize: cd("messageSize", 100),
          signInPeers: flag("signInPeers", true),
        };
      case "pstn-call":
        return {
          ...base,
          kind,
          direction: text("direction", "outbound"),
          number: text("number", "+1555{index:7}"),
          holdTime: dd("holdTime", "30s"),
          answerTimeoutMs: this.duration(raw.answerTimeout, "32s"),
        };
      case "voicemail":
        return {
          ...base,
          kind,
          action: text("action", "deposit"),
          messageLength: dd("messageLength", "20s"),
        };
      case "park":
        return { ...base, kind, parkTime: dd("parkTime", "10s"), holdTime: dd("holdTime", "30s") };
      case "chat":
        return {
          ...base,
          kind,
          room: text("room", "room-{index}"),
          messages: cd("messages", 5),
          messageInterval: dd("messageInterval", "10s"),
        };
      case "conference":
        return {
          ...base,
          kind,
          participants: cd("participants", 3),
          duration: dd("duration", "5m"),
          modalities: (raw.modalities as ConferenceModalities | undefined) ?? ["audio"],
        };
      case "location":
        return { ...base, kind };
      case "response-group":
        return {
          ...base,
          kind,
          role: text("role", "caller"),
          group: text("group", "default"),
          holdTime: dd("holdTime", "30s"),
        };
      case "qoe":
        return { ...base, kind, callTime: dd("callTime", "1m") };
      case "noop":
        return { ...base, kind, duration: dd("duration", "0s") };
    }
  }

  checkUniqueNames(workloads: readonly Workload[], flow: Flow | undefined): void {
    const seen = new Map<string, PathSegment[]>();
    const named: [string, PathSegment[]][] = workloads.map((w, i) => [w.name, ["workloads", i]]);
    if (flow) named.push([flow.name, ["flow"]]);
    for (const [name, path] of named) {
      const earlier = seen.get(name);
      if (earlier) {
        this.issues.push({
          path: [...path, "name"],
          message: `name '${name}' is already used by ${formatFieldPath(earlier)}; ` +
            "give each workload a distinct name",
        });
      } else seen.set(name, path);
    }
  }

  checkCallees(workloads: readonly Workload[], target: Target): void {
    workloads.forEach((w, i) => {
      if (w.kind !== "call" || w.callee.kind !== "uas") return;
      const uasCount = target.kind === "lab" ? target.agents.uas?.count ?? 0 : 0;
      if (uasCount === 0) {
        this.issues.push({
          path: ["workloads", i, "callee"],
          message: target.kind === "lab"
            ? "callee uas needs target.agents.uas with count >= 1"
            : "callee uas is a lab agent; an external target needs population or a URI",
        });
      }
    });
  }

  // ----- flow

  /** The flow, or undefined when it does not compile (its problems are recorded). */
  flow(raw: Raw): Flow | undefined {
    const steps = (raw.steps as Raw[]).map((step, i) => this.flowStep(step, ["flow", "steps", i]));
    const vars = Object.fromEntries(
      Object.entries((raw.vars ?? {}) as Record<string, string | number>).map((
        [k, v],
      ) => [k, String(v)]),
    );
    const compiled = compileFlow({
      steps,
      vars,
      maxSteps: (raw.maxSteps as number | undefined) ?? 10_000,
    });
    if (!compiled.ok) {
      for (const issue of compiled.issues) {
        this.issues.push({ ...issue, path: ["flow", ...issue.path] });
      }
      return undefined;
    }
    return {
      name: (raw.name as string | undefined) ?? "flow",
      weight: (raw.weight as number | undefined) ?? 1,
      program: compiled.program,
    };
  }

  flowStep(raw: Raw, path: Path): FlowStepDefinition {
    if (raw.send !== undefined) {
      return { kind: "send", template: raw.send as string, transport: raw.transport as Transport };
    }
    if (raw.expect !== undefined) {
      return {
        kind: "expect",
        expect: raw.expect as number | string,
        optional: (raw.optional as boolean | undefined) ?? false,
        timeoutMs: raw.timeout === undefined ? undefined : durationMs(raw.timeout as string),
        onTimeout: raw.onTimeout as string | undefined,
        next: raw.next as string | undefined,
        captures: ((raw.capture ?? []) as Raw[]).map((c) => ({
          var: c.var as string,
          regex: c.regex as string,
          header: c.header as string | undefined,
          group: c.group as number | undefined,
        })),
      };
    }
    if (raw.pause !== undefined) {
      return {
        kind: "pause",
        duration: this.durationDistribution(raw.pause, [...path, "pause"], "0s"),
      };
    }
    if (raw.label !== undefined) return { kind: "label", name: raw.label as string };
    const condition = raw.if as Raw | undefined;
    return {
      kind: "goto",
      label: raw.goto as string,
      condition: condition &&
        { var: condition.var as string, matches: condition.matches as string },
      limit: raw.limit as number | undefined,
    };
  }

  // ----- load

  load(raw: Raw, populationCount: number): Load {
    const gracefulStopMs = this.duration(raw.gracefulStop, "30s");
    const maxDuration = (scheduleMs: number) =>
      raw.maxDuration === undefined
        ? scheduleMs + gracefulStopMs
        : durationMs(raw.maxDuration as string);
    const stages = () =>
      (raw.stages as Raw[]).map((s): Stage => ({
        target: s.target as number,
        durationMs: durationMs(s.duration as string),
      }));
    const stagesMs = (list: readonly Stage[]) => list.reduce((sum, s) => sum + s.durationMs, 0);
    const users = (field: string, count: number) => {
      if (count > populationCount) {
        this.issues.push({
          path: ["load", field],
          message: `${count} virtual users exceed population.count (${populationCount}); ` +
            "each virtual user is one member of the population",
        });
      }
      return count;
    };
    const arrival = () => {
      const preAllocatedUsers = raw.preAllocatedUsers as number;
      const maxUsers = (raw.maxUsers as number | undefined) ?? preAllocatedUsers;
      if (preAllocatedUsers > maxUsers) {
        this.issues.push({ path: ["load", "maxUsers"], message: "must be >= preAllocatedUsers" });
      }
      users(raw.maxUsers === undefined ? "preAllocatedUsers" : "maxUsers", maxUsers);
      return {
        preAllocatedUsers,
        maxUsers,
        timeUnitMs: this.duration(raw.timeUnit, "1s"),
        arrivals: (raw.arrivals as "uniform" | "poisson" | undefined) ?? "uniform",
      };
    };
    switch (raw.executor as Load["executor"]) {
      case "constant-arrival-rate": {
        const durationMs = this.duration(raw.duration, "0s");
        return {
          executor: "constant-arrival-rate",
          rate: raw.rate as number,
          durationMs,
          ...arrival(),
          gracefulStopMs,
          maxDurationMs: maxDuration(durationMs),
        };
      }
      case "ramping-arrival-rate": {
        const list = stages();
        return {
          executor: "ramping-arrival-rate",
          startRate: (raw.startRate as number | undefined) ?? 0,
          stages: list,
          ...arrival(),
          gracefulStopMs,
          maxDurationMs: maxDuration(stagesMs(list)),
        };
      }
      case "constant-users": {
        const durationMs = this.duration(raw.duration, "0s");
        return {
          executor: "constant-users",
          users: users("users", raw.users as number),
          durationMs,
          gracefulStopMs,
          maxDurationMs: maxDuration(durationMs),
        };
      }
      case "ramping-users": {
        const list = stages();
        const startUsers = users("startUsers", (raw.startUsers as number | undefined) ?? 0);
        list.forEach((stage, i) => {
          if (stage.target > populationCount) {
            this.issues.push({
              path: ["load", "stages", i, "target"],
              message: `${stage.target} virtual users exceed population.count (${populationCount})`,
            });
          }
        });
        return {
          executor: "ramping-users",
          startUsers,
          stages: list,
          gracefulRampDownMs: this.duration(raw.gracefulRampDown, "30s"),
          gracefulStopMs,
          maxDurationMs: maxDuration(stagesMs(list)),
        };
      }
      case "per-user-iterations":
      case "shared-iterations":
        return {
          executor: raw.executor as "per-user-iterations" | "shared-iterations",
          users: users("users", raw.users as number),
          iterations: raw.iterations as number,
          gracefulStopMs,
          maxDurationMs: raw.maxDuration === undefined
            ? DEFAULT_ITERATION_MAX_DURATION_MS
            : durationMs(raw.maxDuration as string),
        };
    }
  }

  // ----- thresholds

  thresholds(raw: Raw): Threshold[] {
    const out: Threshold[] = [];
    for (const [metric, entries] of Object.entries(raw)) {
      let selector;
      try {
        selector = parseMetricSelector(metric);
      } catch (error) {
        this.issues.push({
          path: ["thresholds", metric],
          on: "key",
          message: (error as Error).message,
        });
        continue;
      }
      const list = typeof entries === "string" ? [entries] : (entries as (string | Raw)[]);
      list.forEach((entry, i) => {
        const path: PathSegment[] = typeof entries === "string"
          ? ["thresholds", metric]
          : typeof entry === "string"
          ? ["thresholds", metric, i]
          : ["thresholds", metric, i, "threshold"];
        const source = typeof entry === "string" ? entry : entry.threshold as string;
        try {
          const expression = parseThresholdExpression(source);
          const options = typeof entry === "string" ? {} : entry;
          out.push({
            metric,
            selector,
            expression,
            abortOnFail: (options.abortOnFail as boolean | undefined) ?? false,
            delayAbortEvalMs: this.duration(options.delayAbortEval, "0s"),
          });
        } catch (error) {
          if (!(error instanceof ThresholdSyntaxError)) throw error;
          this.issues.push({ path, offset: error.offset, message: error.message });
        }
      });
    }
    return out;
  }
}

type PresenceStates = Extract<Workload, { kind: "presence" }>["states"];
type ConferenceModalities = Extract<Workload, { kind: "conference" }>["modalities"];
