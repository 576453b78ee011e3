/**
 * The normalized scenario: what `loadScenario` returns once the YAML is valid. Durations are
 * milliseconds, distributions are objects, defaults are filled in, relative paths are resolved
 * against the scenario file's folder. `scenarios/README.md` documents the YAML form.
 *
 * @module
 */

import type { CountDistribution, DurationDistribution } from "./distributions.ts";
import type { Threshold } from "./thresholds.ts";
import type { FlowProgram } from "./flow.ts";

/** SIP transports a target can use (RFC 3261 §18; RFC 7118 for WebSocket). */
export type Transport = "udp" | "tcp" | "tls" | "ws" | "wss";

/** A whole scenario. */
export interface Scenario {
  /** The file it was read from (as given to the loader). */
  readonly file: string;
  readonly name: string;
  readonly description?: string;
  /** Root of every random choice in the run (default 1). */
  readonly seed: number;
  readonly target: Target;
  readonly population: Population;
  /** Weighted behaviours; may be empty when `flow` is given. */
  readonly workloads: readonly Workload[];
  /** The SIPp-like escape hatch; takes part in the weighted pick like a workload. */
  readonly flow?: Flow;
  readonly load: Load;
  readonly thresholds: readonly Threshold[];
}

// ---------------------------------------------------------------------------------------------
// target

/** Where the traffic goes. */
export type Target = LabTarget | ExternalTarget;

/** In-lab agents that `lab serve` / the runner can start. */
export type LabAgentKind =
  | "frontend"
  | "uas"
  | "pstn-gateway"
  | "um-server"
  | "chat-server"
  | "conferencing"
  | "web-services";

/** Every lab agent kind, in the order the schema lists them. */
export const LAB_AGENT_KINDS: readonly LabAgentKind[] = [
  "frontend",
  "uas",
  "pstn-gateway",
  "um-server",
  "chat-server",
  "conferencing",
  "web-services",
];

/** How many of one agent to start and where. */
export interface LabAgentSpec {
  readonly count: number;
  /** First listening port; instance i uses port + i. 0 means an ephemeral port each. */
  readonly port: number;
}

/** The lab's own UAS: answers INVITE with 180 then, after `ringTime`, 200. */
export interface UasAgentSpec extends LabAgentSpec {
  readonly ringTime: DurationDistribution;
  /** Calls in progress beyond which an INVITE is refused with 503 (absent: no limit). */
  readonly maxCalls?: number;
}

/** The agents of a lab target; absent kinds are not started. */
export interface LabAgents {
  readonly frontend?: LabAgentSpec;
  readonly uas?: UasAgentSpec;
  readonly "pstn-gateway"?: LabAgentSpec;
  readonly "um-server"?: LabAgentSpec;
  readonly "chat-server"?: LabAgentSpec;
  readonly conferencing?: LabAgentSpec;
  readonly "web-services"?: LabAgentSpec;
}

/** Start the lab's own servers and aim at them. */
export interface LabTarget {
  readonly kind: "lab";
  readonly transport: Transport;
  /** Address the lab agents listen on (default 127.0.0.1). */
  readonly host: string;
  /** SIP domain the lab servers are authoritative for (default: the population's). */
  readonly domain: string;
  readonly agents: LabAgents;
}

/** Which certificates a TLS/WSS client trusts. */
export type TlsTrust =
  | { readonly kind: "system"; readonly serverName?: string }
  | { readonly kind: "ca"; readonly caFile: string; readonly serverName?: string }
  | { readonly kind: "insecure"; readonly serverName?: string };

/** SIP authentication schemes (RFC 3261 §22 digest; MS-SIPAE NTLM / Kerberos / TLS-DSK). */
export type AuthScheme = "none" | "digest" | "ntlm" | "kerberos" | "tls-dsk";

/** Where user passwords come from. */
export type CredentialsSource =
  | { readonly kind: "population" }
  | { readonly kind: "csv"; readonly file: string };

/** How the simulated users authenticate. */
export interface Auth {
  readonly scheme: AuthScheme;
  readonly credentials: CredentialsSource;
  /** Digest or Kerberos realm when it is not the target domain. */
  readonly realm?: string;
}

/** A server somewhere else (another product, a SIP service). */
export interface ExternalTarget {
  readonly kind: "external";
  readonly host: string;
  /** Given, or the transport's default (5060 udp/tcp, 5061 tls, 80 ws, 443 wss). */
  readonly port: number;
  readonly transport: Transport;
  readonly domain: string;
  readonly tls: TlsTrust;
  readonly auth: Auth;
}

// ---------------------------------------------------------------------------------------------
// population

/** Activity levels after Microsoft's Lync stress tool user profiles. */
export type UserProfile = "low" | "medium" | "high";

/** Users made from patterns (`{index}` / `{index:5}` placeholders) and a faker seed. */
export interface GeneratedUsers {
  readonly kind: "generated";
  /** User part of each address, e.g. "user{index:5}". */
  readonly naming: string;
  readonly firstIndex: number;
  /**
   * Password pattern for lab users, e.g. "pw-{index}"; `{secret}` stands for a value derived
   * from `fakerSeed` and the index (formula in scenarios/README.md).
   */
  readonly password: string;
  /** Seed for faker (display names and other details) and for `{secret}` in passwords. */
  readonly fakerSeed: number;
}

/** Users listed in a CSV file (header row: user,password[,displayName][,profile]). */
export interface CsvUsers {
  readonly kind: "csv";
  readonly file: string;
}

/** Who the simulated users are. */
export interface Population {
  readonly count: number;
  readonly domain: string;
  readonly users: GeneratedUsers | CsvUsers;
  /** Contact-list size per user. */
  readonly contacts: CountDistribution;
  /** Endpoints (devices) signed in per user. */
  readonly endpoints: CountDistribution;
  /** Share of users per profile, summing to 1. */
  readonly profileMix: Readonly<Record<UserProfile, number>>;
  /** Multiplier on a user's activity rate per profile (think times are divided by it). */
  readonly profileActivity: Readonly<Record<UserProfile, number>>;
}

// ---------------------------------------------------------------------------------------------
// workloads

/** Fields every workload has. */
export interface WorkloadBase {
  /** Unique within the scenario; defaults to the kind. */
  readonly name: string;
  /** Relative share of iterations. */
  readonly weight: number;
  /** Pause after each iteration of this workload (user-based executors). */
  readonly thinkTime: DurationDistribution;
}

/** Who a call goes to. */
export type CallCallee = { readonly kind: "uas" } | { readonly kind: "population" } | {
  readonly kind: "uri";
  /** A SIP URI pattern; `{index}` is the callee's population index. */
  readonly pattern: string;
};

/** Basic call: INVITE/100/180/200/ACK, hold, BYE/200 (RFC 3261 §13, §15). */
export interface CallWorkload extends WorkloadBase {
  readonly kind: "call";
  readonly callee: CallCallee;
  readonly holdTime: DurationDistribution;
  /** Give up (CANCEL) when no final answer arrives in time. */
  readonly answerTimeoutMs: number;
  /** Whether the INVITE carries an SDP offer. */
  readonly sdp: boolean;
}

/** Register (MS-SIPREGE), stay signed in, sign out. */
export interface SignInWorkload extends WorkloadBase {
  readonly kind: "sign-in";
  readonly expiresMs: number;
  readonly stayTime: DurationDistribution;
  readonly signOut: boolean;
  /** MS-SIPAE scheme (or Digest for non-Microsoft targets); absent: NTLM. */
  readonly auth?: Exclude<AuthScheme, "none">;
  /** Negotiate MS-SIPCOMP compression after connecting. */
  readonly compression: boolean;
}

/** Availability states a presence workload publishes (MS-PRES). */
export type PresenceState =
  | "online"
  | "busy"
  | "away"
  | "be-right-back"
  | "do-not-disturb"
  | "offline";

/** Publish own presence and subscribe to contacts (MS-PRES). */
export interface PresenceWorkload extends WorkloadBase {
  readonly kind: "presence";
  readonly publishInterval: DurationDistribution;
  readonly states: readonly PresenceState[];
  readonly subscribeContacts: boolean;
  readonly sessionTime: DurationDistribution;
}

/** Who an IM or a message goes to. */
export type MessagePeer = "contact" | "population";

/** Peer-to-peer IM session: INVITE, MESSAGEs, BYE (MS-SIPRE, IM guide). */
export interface ImWorkload extends WorkloadBase {
  readonly kind: "im";
  readonly to: MessagePeer;
  readonly messages: CountDistribution;
  readonly messageInterval: DurationDistribution;
  readonly messageSize: CountDistribution;
  /**
   * Sign the chosen peer in (it joins the answering users) when it is not signed in yet; false:
   * only users signed in by their own iterations answer, others get the INVITE and fail (480).
   */
  readonly signInPeers: boolean;
}

/** Call to or from the PSTN through a gateway (MS-OCPSTN). */
export interface PstnCallWorkload extends WorkloadBase {
  readonly kind: "pstn-call";
  readonly direction: "outbound" | "inbound";
  /** E.164 pattern, `{index}` placeholders allowed. */
  readonly number: string;
  readonly holdTime: DurationDistribution;
  readonly answerTimeoutMs: number;
}

/** Voicemail deposit or retrieval with Exchange UM (MS-EUMR, MS-OCEXUM). */
export interface VoicemailWorkload extends WorkloadBase {
  readonly kind: "voicemail";
  readonly action: "deposit" | "retrieve";
  readonly messageLength: DurationDistribution;
}

/** Park a call and retrieve it (MS-SIPAPP call park). */
export interface ParkWorkload extends WorkloadBase {
  readonly kind: "park";
  readonly parkTime: DurationDistribution;
  readonly holdTime: DurationDistribution;
}

/** Persistent chat room session (MS-XCCOSIP). */
export interface ChatWorkload extends WorkloadBase {
  readonly kind: "chat";
  /** Room name pattern, `{index}` placeholders allowed. */
  readonly room: string;
  readonly messages: CountDistribution;
  readonly messageInterval: DurationDistribution;
}

/** Conference modalities (MS-PSOM for data collaboration). */
export type ConferenceModality = "audio" | "im" | "data";

/** Join a conference with several participants. */
export interface ConferenceWorkload extends WorkloadBase {
  readonly kind: "conference";
  readonly participants: CountDistribution;
  readonly duration: DurationDistribution;
  readonly modalities: readonly ConferenceModality[];
}

/** E911 location lookup (MS-E911WS). */
export interface LocationWorkload extends WorkloadBase {
  readonly kind: "location";
}

/** Response group: callers into a queue, agents signing in (MS-RGSWS). */
export interface ResponseGroupWorkload extends WorkloadBase {
  readonly kind: "response-group";
  readonly role: "caller" | "agent";
  readonly group: string;
  readonly holdTime: DurationDistribution;
}

/** Publish QoE reports after calls (MS-QoE). */
export interface QoeWorkload extends WorkloadBase {
  readonly kind: "qoe";
  /** Length of the call each report describes. */
  readonly callTime: DurationDistribution;
}

/**
 * Test and bench kind: sends nothing, each iteration only lasts `duration`. It measures the
 * runner itself (scheduler accuracy, results files) without any SIP traffic.
 */
export interface NoopWorkload extends WorkloadBase {
  readonly kind: "noop";
  /** How long each iteration lasts. */
  readonly duration: DurationDistribution;
}

/** Any workload. */
export type Workload =
  | CallWorkload
  | SignInWorkload
  | PresenceWorkload
  | ImWorkload
  | PstnCallWorkload
  | VoicemailWorkload
  | ParkWorkload
  | ChatWorkload
  | ConferenceWorkload
  | LocationWorkload
  | ResponseGroupWorkload
  | QoeWorkload
  | NoopWorkload;

/** The workload kinds. */
export type WorkloadKind = Workload["kind"];

/**
 * Which workload kinds the agents implement today. The schema describes all of them; the
 * runner refuses the `planned` ones with "workload '<kind>' is not available yet". Keep in step
 * with the `x-status` marks in schema.json (a test checks).
 */
export const WORKLOAD_STATUS: Readonly<Record<WorkloadKind, "available" | "planned">> = {
  "call": "available",
  "sign-in": "available",
  "presence": "available",
  "im": "available",
  "pstn-call": "planned",
  "voicemail": "planned",
  "park": "planned",
  "chat": "planned",
  "conference": "planned",
  "location": "planned",
  "response-group": "planned",
  "qoe": "planned",
  "noop": "available",
};

// ---------------------------------------------------------------------------------------------
// flow

/** The SIPp-like flow: a compiled program plus how it takes part in the run. */
export interface Flow {
  readonly name: string;
  readonly weight: number;
  readonly program: FlowProgram;
}

// ---------------------------------------------------------------------------------------------
// load

/** k6-style executors. */
export type ExecutorKind =
  | "constant-arrival-rate"
  | "ramping-arrival-rate"
  | "constant-users"
  | "ramping-users"
  | "per-user-iterations"
  | "shared-iterations";

/** Spacing of arrivals in the arrival-rate executors. */
export type ArrivalSpacing = "uniform" | "poisson";

/** One stage of a ramp: reach `target` linearly over `durationMs`. */
export interface Stage {
  readonly target: number;
  readonly durationMs: number;
}

interface LoadBase {
  /** Time allowed to in-flight iterations after the schedule ends before they are cut. */
  readonly gracefulStopMs: number;
  /** Hard wall-clock cap on the whole run, pauses included. */
  readonly maxDurationMs: number;
}

/** Start `rate` iterations per `timeUnitMs` for `durationMs`. */
export interface ConstantArrivalRateLoad extends LoadBase {
  readonly executor: "constant-arrival-rate";
  readonly rate: number;
  readonly timeUnitMs: number;
  readonly durationMs: number;
  readonly preAllocatedUsers: number;
  readonly maxUsers: number;
  readonly arrivals: ArrivalSpacing;
}

/** Arrival rate from `startRate` through linear stages (rates per `timeUnitMs`). */
export interface RampingArrivalRateLoad extends LoadBase {
  readonly executor: "ramping-arrival-rate";
  readonly startRate: number;
  readonly timeUnitMs: number;
  readonly stages: readonly Stage[];
  readonly preAllocatedUsers: number;
  readonly maxUsers: number;
  readonly arrivals: ArrivalSpacing;
}

/** `users` virtual users looping iterations for `durationMs`. */
export interface ConstantUsersLoad extends LoadBase {
  readonly executor: "constant-users";
  readonly users: number;
  readonly durationMs: number;
}

/** Virtual users from `startUsers` through linear stages. */
export interface RampingUsersLoad extends LoadBase {
  readonly executor: "ramping-users";
  readonly startUsers: number;
  readonly stages: readonly Stage[];
  /** Time a user above the ramp target may take to finish its iteration. */
  readonly gracefulRampDownMs: number;
}

/** Each of `users` runs exactly `iterations` iterations. */
export interface PerUserIterationsLoad extends LoadBase {
  readonly executor: "per-user-iterations";
  readonly users: number;
  readonly iterations: number;
}

/** `users` share a pool of `iterations` iterations. */
export interface SharedIterationsLoad extends LoadBase {
  readonly executor: "shared-iterations";
  readonly users: number;
  readonly iterations: number;
}

/** How much load to apply. */
export type Load =
  | ConstantArrivalRateLoad
  | RampingArrivalRateLoad
  | ConstantUsersLoad
  | RampingUsersLoad
  | PerUserIterationsLoad
  | SharedIterationsLoad;
