/**
 * One iteration of a flow: one call, one Call-ID, running the compiled program step by step
 * with SIPp's semantics (see `lab/scenario/flow.ts` for the execution model):
 *
 * - `send` renders its template with the call's keywords (see `call_keywords.ts` for `[cseq]`
 *   and `[branch]`) and hands the octets to the transport as they are (no transaction layer).
 *   A response goes back where the last message came from (§18.2.2: the same connection for
 *   TCP); a request goes to the target.
 * - `expect` waits. A message that matches the step (or, past optional steps, a later one)
 *   moves the flow on; anything else fails the iteration as unexpected, with the message as
 *   the error example. A copy of a message already received (a retransmission) is absorbed
 *   and answered again with what the flow sent after the original (the ACK for a 2xx, our
 *   response for a request), as SIPp does. While waiting, the last request sent is
 *   retransmitted over UDP and given up on after 64·T1 (see `retransmission.ts`).
 * - `pause` waits on the run's timer wheel; a message arriving meanwhile that is not a
 *   retransmission is unexpected.
 *
 * A failure on a response carrying `ms-diagnostics` reports its code and reason in the outcome
 * (MS-OCER §2.2.1). An optional {@link FlowActivity} hears every message for the drill-down.
 *
 * When the iteration ends, its Call-ID stays known for a short linger time (UDP only) so that
 * late retransmissions of the peer are still answered instead of counted as strays.
 *
 * @module
 */
import type {
  IterationOutcome,
  OutcomeDiagnostics,
  PopulationUser,
} from "../../lab/runner/workload.ts";
import { readDiagnostics } from "../../lab/protocols/ocer/message_diagnostics.ts";
import {
  captureVariables,
  createSampler,
  type FlowProgram,
  type FlowStep,
  matchIncoming,
  renderTemplate,
  shouldJump,
} from "../../lab/scenario/mod.ts";
import type { AnySipMessage } from "../../lab/sip/message/mod.ts";
import type { TimerHandle, TimerWheel } from "../../lab/sip/timer/mod.ts";
import {
  type Destination,
  type LocalAddress,
  protocolOf,
  type TransportProtocol,
} from "../../lab/sip/transport/mod.ts";
import { CallKeywords } from "./call_keywords.ts";
import {
  describeExpectation,
  type FlowMetrics,
  type FlowOutcome,
  stepLabel,
} from "./flow_metrics.ts";
import type { FlowActivity } from "./flow_users.ts";
import { describeOutgoing, type OutgoingFacts, templateStart } from "./outgoing.ts";
import { receivedKey } from "./received_identity.ts";
import {
  type RetransmitKind,
  RetransmitSchedule,
  type RetransmitSettings,
} from "./retransmission.ts";

/** What an iteration needs from its driver: sockets, routing, timers and metrics. */
export interface FlowRuntime {
  readonly program: FlowProgram;
  readonly wheel: TimerWheel;
  readonly metrics: FlowMetrics;
  readonly retransmit: RetransmitSettings;
  /** How long an ended iteration keeps answering retransmissions (0: not at all). */
  readonly lingerMs: number;
  /** `[service]`: user part of the called address. */
  readonly service: string;
  /** The target: where requests go. */
  readonly remote: Destination;
  /** The bound address of the transport of `protocol`. */
  local(protocol: TransportProtocol): LocalAddress;
  /** Hand octets to the transport. */
  send(bytes: Uint8Array, dest: Destination): Promise<void>;
  /** Route messages with `callId` to `iteration` from now on. */
  bind(callId: string, iteration: FlowIteration): void;
  /** The iteration has sent a message: it no longer waits for a call to arrive. */
  claimed(iteration: FlowIteration): void;
  /** Forget the iteration entirely (it ended, and its linger time is over). */
  release(iteration: FlowIteration): void;
}

/** What an iteration is doing. */
type Phase = "running" | "waiting" | "pausing" | "lingering" | "ended";

/** A message sent, kept to re-send it. */
interface SentCopy {
  readonly bytes: Uint8Array;
  readonly dest: Destination;
  /** The send step that made it (for the retransmission metric). */
  readonly step: number;
}

/** The last message sent that waits for its answer (see `retransmission.ts`). */
interface Pending extends SentCopy {
  readonly schedule: RetransmitSchedule;
  /** CSeq of the request, or of the response (answered by the ACK with this number). */
  readonly cseq: number;
  /** The request's method; "INVITE" for a final response to INVITE. */
  readonly method: string;
}

/** The last message received. */
interface Received {
  readonly key: string;
  readonly text: string;
  readonly source: Destination;
  readonly request: boolean;
  /** A 2xx to INVITE: the ACK sent next answers its retransmissions (§13.2.2.4). */
  readonly inviteSuccess: boolean;
}

/** The timer armed while waiting for the pending message's answer, and why. */
interface RetransmitTimer {
  readonly handle: TimerHandle;
  readonly purpose: "retransmit" | "deadline";
}

/** Longest message text kept in an error example. */
const EXAMPLE_CHARS = 2000;

const encoder = new TextEncoder();

/**
 * One call of a flow.
 *
 * @example
 * ```ts
 * const iteration = new FlowIteration(runtime, user, 1, done);
 * iteration.start(); // runs until it waits, pauses or ends; the driver feeds it messages
 * ```
 */
export class FlowIteration {
  readonly #runtime: FlowRuntime;
  readonly #user: PopulationUser;
  readonly #done: (outcome: IterationOutcome) => void;
  readonly #vars: Record<string, string>;
  readonly #gotoTaken = new Map<number, number>();
  /** Keys of the messages received, with the copy that answered each (if any). */
  readonly #received = new Map<string, SentCopy | undefined>();
  /** First send time of each request, by `"<cseq> <method>"`, for response times. */
  readonly #sentAt = new Map<string, number>();
  readonly #pauseSamplers = new Map<number, () => number>();
  readonly #call: CallKeywords;
  readonly #activity: FlowActivity | undefined;
  #claimed = false;
  #phase: Phase = "running";
  #position = 0;
  /** The expect step being waited at. */
  #waitIndex = 0;
  #executed = 0;
  #lastReceived: Received | undefined;
  #pending: Pending | undefined;
  #stepTimer: TimerHandle | undefined;
  #retransmitTimer: RetransmitTimer | undefined;
  #pauseTimer: TimerHandle | undefined;
  #lingerTimer: TimerHandle | undefined;

  constructor(
    runtime: FlowRuntime,
    user: PopulationUser,
    callNumber: number,
    done: (outcome: IterationOutcome) => void,
    activity?: FlowActivity,
  ) {
    this.#activity = activity;
    this.#runtime = runtime;
    this.#user = user;
    this.#done = done;
    this.#vars = { ...runtime.program.vars };
    const protocol = protocolOf(runtime.remote) ?? "udp";
    this.#call = new CallKeywords(callNumber, runtime.local(protocol).host);
  }

  /** The Call-ID of `[call_id]`. */
  get callId(): string {
    return this.#call.callId;
  }

  /**
   * Where the iteration is, for the live state chart: `expect 2:180`, `pause 4:pause`,
   * `lingering` (ended, answering late retransmissions), `running` or `ended`.
   */
  get stateName(): string {
    switch (this.#phase) {
      case "waiting":
        return `expect ${stepLabel(this.#runtime.program, this.#waitIndex)}`;
      case "pausing":
        return `pause ${stepLabel(this.#runtime.program, this.#position)}`;
      default:
        return this.#phase;
    }
  }

  /** True while the iteration is waiting at an expect step. */
  get waiting(): boolean {
    return this.#phase === "waiting";
  }

  /** Run from the first step. */
  start(): void {
    this.#runtime.bind(this.#call.callId, this);
    this.#advance();
  }

  /** Take the Call-ID of a call the peer started (a flow that begins with `expect`). */
  adoptCallId(callId: string): void {
    this.#call.callId = callId;
    this.#claimed = true;
    this.#runtime.bind(callId, this);
  }

  /**
   * A message with this iteration's Call-ID. `text` is the message as received, for captures
   * and `[last_*]`.
   */
  receive(message: AnySipMessage, text: string, source: Destination): void {
    if (this.#phase === "ended") return;
    let key: string;
    try {
      key = receivedKey(message);
    } catch {
      key = text;
    }
    if (this.#received.has(key)) {
      // A retransmission of a message already handled: answer it again, as the first time.
      const answer = this.#received.get(key);
      if (answer !== undefined) this.#resend(answer);
      return;
    }
    if (this.#phase === "lingering") {
      this.#runtime.metrics.stray.inc();
      return;
    }
    this.#received.set(key, undefined);
    this.#activity?.received(message, text);
    const index = this.#phase === "waiting"
      ? matchIncoming(this.#runtime.program, this.#waitIndex, message)
      : undefined;
    if (index === undefined) {
      this.#unexpected(message, text);
      return;
    }
    this.#noteAnswer(message);
    this.#cancelWaitTimers();
    this.#lastReceived = {
      key,
      text,
      source,
      request: message.kind === "request",
      inviteSuccess: message.kind === "response" && message.status >= 200 &&
        message.status < 300 && message.cseq.method === "INVITE",
    };
    const step = this.#runtime.program.steps[index] as Extract<FlowStep, { kind: "expect" }>;
    if (message.kind === "response") {
      const sentAt = this.#sentAt.get(`${message.cseq.seq} ${message.cseq.method}`);
      if (sentAt !== undefined) {
        this.#runtime.metrics.responseTime(index)?.record(this.#runtime.wheel.now() - sentAt);
      }
    }
    if (step.captures.length > 0) {
      const captured = captureVariables(step.captures, text);
      if (captured.missing.length > 0) {
        this.#fail(
          "capture",
          `steps[${index}]: capture of ${captured.missing.map((v) => `$${v}`).join(", ")} ` +
            `found nothing in ${startLine(text)}\n${clip(text)}`,
          message.kind === "response" ? message.status : undefined,
        );
        return;
      }
      Object.assign(this.#vars, captured.values);
    }
    this.#position = step.next ?? index + 1;
    this.#phase = "running";
    this.#advance();
  }

  /** Drop everything at once (the driver is stopping); `done` is not called any more. */
  abort(): void {
    this.#cancelTimers();
    this.#phase = "ended";
  }

  // -------------------------------------------------------------------------------------------
  // running the program

  #advance(): void {
    const program = this.#runtime.program;
    while (this.#phase === "running") {
      if (this.#position >= program.steps.length) {
        this.#finish("completed", { ok: true });
        return;
      }
      if (++this.#executed > program.maxSteps) {
        this.#fail("max-steps", `more than ${program.maxSteps} steps executed (maxSteps)`);
        return;
      }
      const index = this.#position;
      const step = program.steps[index];
      switch (step.kind) {
        case "label":
          this.#position++;
          break;
        case "goto": {
          const taken = this.#gotoTaken.get(index) ?? 0;
          if (shouldJump(step, this.#vars, taken)) {
            this.#gotoTaken.set(index, taken + 1);
            this.#position = step.target;
          } else this.#position++;
          break;
        }
        case "pause":
          this.#pause(index, step);
          return;
        case "send":
          if (!this.#send(index, step)) return;
          this.#position++;
          break;
        case "expect":
          this.#wait(index, step);
          return;
      }
    }
  }

  #pause(index: number, step: Extract<FlowStep, { kind: "pause" }>): void {
    let sample = this.#pauseSamplers.get(index);
    if (sample === undefined) {
      // Each user's own random stream: one user's pauses do not depend on the others'.
      sample = createSampler(step.duration, this.#user.random);
      this.#pauseSamplers.set(index, sample);
    }
    this.#phase = "pausing";
    this.#pauseTimer = this.#runtime.wheel.schedule(Math.max(0, sample()), () => {
      this.#pauseTimer = undefined;
      this.#position = index + 1;
      this.#phase = "running";
      this.#advance();
    });
  }

  #wait(index: number, step: Extract<FlowStep, { kind: "expect" }>): void {
    this.#phase = "waiting";
    this.#waitIndex = index;
    if (step.timeoutMs !== undefined) {
      this.#stepTimer = this.#runtime.wheel.schedule(step.timeoutMs, () => {
        this.#stepTimer = undefined;
        this.#onStepTimeout(index, step);
      });
    }
    this.#armRetransmit();
  }

  #onStepTimeout(index: number, step: Extract<FlowStep, { kind: "expect" }>): void {
    if (this.#phase !== "waiting") return;
    this.#cancelWaitTimers();
    if (step.onTimeout !== undefined) {
      this.#position = step.onTimeout;
      this.#phase = "running";
      this.#advance();
      return;
    }
    this.#fail(
      "timeout",
      `steps[${index}]: no ${this.#expected(index)} within ${step.timeoutMs} ms`,
    );
  }

  // -------------------------------------------------------------------------------------------
  // sending

  /** Render and send step `index`; false when the iteration failed. */
  #send(index: number, step: Extract<FlowStep, { kind: "send" }>): boolean {
    const runtime = this.#runtime;
    const start = templateStart(step.template);
    const responding = start?.kind === "response";
    const replyTo = responding ? this.#lastReceived?.source : undefined;
    const dest: Destination = replyTo ?? {
      protocol: step.transport ?? runtime.remote.protocol,
      host: runtime.remote.host,
      port: runtime.remote.port,
    };
    const protocol = protocolOf(dest) ?? "udp";
    const local = runtime.local(protocol);
    const method = start?.kind === "request" ? start.method : undefined;
    let text: string;
    try {
      text = renderTemplate(step.template, {
        keywords: this.#call.keywords(this.#user, {
          method,
          responding,
          protocol,
          local,
          remote: runtime.remote,
          service: runtime.service,
        }),
        vars: this.#vars,
        lastMessage: this.#lastReceived?.text,
      });
    } catch (error) {
      // A TemplateError: a value missing at run time (a variable an optional step left unset).
      this.#fail("template", `steps[${index}]: ${errorText(error)}`);
      return false;
    }
    const bytes = encoder.encode(text);
    const facts = describeOutgoing(bytes);
    this.#activity?.sent(text, facts);
    if (!this.#claimed) {
      this.#claimed = true;
      runtime.claimed(this);
    }
    if (facts.callId !== undefined && facts.callId !== this.#call.callId) {
      runtime.bind(facts.callId, this);
    }
    const copy: SentCopy = { bytes, dest, step: index };
    this.#track(facts, copy, protocol);
    runtime.send(bytes, dest).catch((error) =>
      this.#fail("transport", `steps[${index}]: sending failed: ${errorText(error)}`)
    );
    return true;
  }

  /** Remember what was sent: for response times, retransmission, and answering copies. */
  #track(facts: OutgoingFacts, copy: SentCopy, protocol: TransportProtocol): void {
    const now = this.#runtime.wheel.now();
    const last = this.#lastReceived;
    const udp = protocol === "udp";
    if (facts.kind === "request") {
      if (facts.cseq !== undefined) this.#sentAt.set(`${facts.cseq} ${facts.method}`, now);
      this.#call.sent(facts);
      if (facts.method === "ACK") {
        // §13.2.2.4: each retransmission of the 2xx gets this ACK again.
        if (last?.inviteSuccess) this.#received.set(last.key, copy);
        return;
      }
      if (facts.cseq === undefined) return;
      const kind: RetransmitKind = facts.method === "INVITE" ? "invite" : "non-invite";
      this.#pending = this.#pendingOf(kind, copy, facts.cseq, facts.method, now, udp);
      return;
    }
    // A response answers the last request received; its retransmissions get it again.
    if (last?.request) this.#received.set(last.key, copy);
    if (
      facts.method === "INVITE" && facts.status !== undefined && facts.status >= 200 &&
      facts.cseq !== undefined
    ) {
      // §13.3.1.4 (2xx) and §17.2.1 (others): re-sent until the ACK arrives.
      this.#pending = this.#pendingOf("final-response", copy, facts.cseq, "INVITE", now, udp);
    }
  }

  #pendingOf(
    kind: RetransmitKind,
    copy: SentCopy,
    cseq: number,
    method: string,
    now: number,
    udp: boolean,
  ): Pending {
    const schedule = new RetransmitSchedule(kind, this.#runtime.retransmit, now, udp);
    return { ...copy, schedule, cseq, method };
  }

  #resend(copy: SentCopy): void {
    this.#runtime.metrics.retransmissions(copy.step)?.inc();
    this.#runtime.send(copy.bytes, copy.dest).catch((error) =>
      this.#fail("transport", `steps[${copy.step}]: re-sending failed: ${errorText(error)}`)
    );
  }

  // -------------------------------------------------------------------------------------------
  // answers and retransmission

  /** A matched message: does it answer the pending message? (And the call's remote tag.) */
  #noteAnswer(message: AnySipMessage): void {
    this.#call.received(message);
    const pending = this.#pending;
    if (message.kind === "response") {
      const cseq = message.cseq;
      if (
        pending !== undefined && pending.schedule.kind !== "final-response" &&
        pending.cseq === cseq.seq && pending.method === cseq.method
      ) {
        if (message.status < 200) pending.schedule.provisional();
        else this.#pending = undefined;
      }
      return;
    }
    if (
      pending?.schedule.kind === "final-response" && message.method === "ACK" &&
      message.cseq.seq === pending.cseq
    ) {
      this.#pending = undefined;
    }
  }

  /** While waiting: arm the next retransmission or the deadline of the pending message. */
  #armRetransmit(): void {
    this.#cancelRetransmitTimer();
    const pending = this.#pending;
    if (pending === undefined || this.#phase !== "waiting") return;
    const due = pending.schedule.nextDueAt;
    const deadline = pending.schedule.deadlineAt;
    if (due === undefined && deadline === undefined) return;
    const purpose = due !== undefined && (deadline === undefined || due < deadline)
      ? "retransmit"
      : "deadline";
    const at = purpose === "retransmit" ? due! : deadline!;
    const wheel = this.#runtime.wheel;
    const handle = wheel.schedule(Math.max(0, at - wheel.now()), () => {
      this.#retransmitTimer = undefined;
      this.#onRetransmitTimer(pending, purpose);
    });
    this.#retransmitTimer = { handle, purpose };
  }

  #onRetransmitTimer(pending: Pending, purpose: "retransmit" | "deadline"): void {
    if (this.#phase !== "waiting" || this.#pending !== pending) return;
    const schedule = pending.schedule;
    const what = schedule.kind === "final-response"
      ? `ACK for the final response to INVITE (CSeq ${pending.cseq})`
      : `answer to ${pending.method} (CSeq ${pending.cseq})`;
    if (purpose === "deadline") {
      // RFC 3261 Timers B, F and H: 64·T1 after the first send.
      this.#fail(
        "timeout",
        `steps[${this.#waitIndex}]: no ${what} in ${schedule.settings.timeoutMs} ms, after ` +
          `${schedule.count} retransmission(s)`,
      );
      return;
    }
    if (schedule.exhausted) {
      this.#fail(
        "timeout",
        `steps[${this.#waitIndex}]: no ${what} after ${schedule.count} retransmission(s) ` +
          "(maxRetransmissions)",
      );
      return;
    }
    this.#resend(pending);
    schedule.retransmitted(this.#runtime.wheel.now());
    this.#armRetransmit();
  }

  // -------------------------------------------------------------------------------------------
  // ending

  #unexpected(message: AnySipMessage, text: string): void {
    const where = this.#phase === "waiting"
      ? `at steps[${this.#waitIndex}] (expecting ${this.#expected(this.#waitIndex)})`
      : `during steps[${this.#position}] (${this.#runtime.program.steps[this.#position].kind})`;
    this.#fail(
      "unexpected",
      `unexpected ${startLine(text)} ${where}\n${clip(text)}`,
      message.kind === "response" ? message.status : undefined,
      diagnosticsOf(message),
    );
  }

  /** What the expect steps from `index` accept: `100 (optional), 180 (optional) or 200`. */
  #expected(index: number): string {
    const steps = this.#runtime.program.steps;
    const parts: string[] = [];
    for (let i = index; i < steps.length; i++) {
      const step = steps[i];
      if (step.kind !== "expect") break;
      const what = describeExpectation(step.match);
      if (!step.optional) {
        parts.push(what);
        break;
      }
      parts.push(`${what} (optional)`);
    }
    return parts.length > 1 ? `${parts.slice(0, -1).join(", ")} or ${parts.at(-1)}` : parts[0];
  }

  #fail(
    outcome: Exclude<FlowOutcome, "completed">,
    reason: string,
    status?: number,
    diagnostics?: OutcomeDiagnostics,
  ): void {
    this.#finish(outcome, {
      ok: false,
      ...(status === undefined ? {} : { status }),
      reason,
      ...(diagnostics === undefined ? {} : { diagnostics }),
    });
  }

  #finish(outcome: FlowOutcome, result: IterationOutcome): void {
    if (this.#phase === "ended" || this.#phase === "lingering") return;
    this.#cancelTimers();
    const runtime = this.#runtime;
    runtime.metrics.outcome(outcome).inc();
    const linger = runtime.lingerMs > 0 && this.#claimed;
    this.#phase = linger ? "lingering" : "ended";
    this.#done(result);
    if (!linger) {
      runtime.release(this);
      return;
    }
    this.#lingerTimer = runtime.wheel.schedule(runtime.lingerMs, () => {
      this.#lingerTimer = undefined;
      this.#phase = "ended";
      runtime.release(this);
    });
  }

  #cancelWaitTimers(): void {
    if (this.#stepTimer !== undefined) this.#runtime.wheel.cancel(this.#stepTimer);
    this.#stepTimer = undefined;
    this.#cancelRetransmitTimer();
  }

  #cancelRetransmitTimer(): void {
    if (this.#retransmitTimer !== undefined) {
      this.#runtime.wheel.cancel(this.#retransmitTimer.handle);
    }
    this.#retransmitTimer = undefined;
  }

  #cancelTimers(): void {
    this.#cancelWaitTimers();
    const wheel = this.#runtime.wheel;
    if (this.#pauseTimer !== undefined) wheel.cancel(this.#pauseTimer);
    if (this.#lingerTimer !== undefined) wheel.cancel(this.#lingerTimer);
    this.#pauseTimer = undefined;
    this.#lingerTimer = undefined;
  }
}

function startLine(text: string): string {
  return `"${text.split(/\r?\n/, 1)[0]}"`;
}

function clip(text: string): string {
  return text.length <= EXAMPLE_CHARS ? text : `${text.slice(0, EXAMPLE_CHARS)}…`;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The ms-diagnostics (or public form) of a response, MS-OCER §2.2.1; unparsable as absent. */
function diagnosticsOf(message: AnySipMessage): OutcomeDiagnostics | undefined {
  if (message.kind !== "response") return undefined;
  const found = readDiagnostics(message) ?? readDiagnostics(message, "ms-diagnostics-public");
  if (found === undefined) return undefined;
  return { code: [found.errorId, ...found.subErrorIds].join("."), reason: found.reason };
}
