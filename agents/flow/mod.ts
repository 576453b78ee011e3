/**
 * The `flow` workload: the runtime of a scenario's SIPp-like `flow` (issue #5). Each iteration
 * is one call with its own Call-ID, running the compiled program of `lab/scenario/flow.ts`
 * over raw UDP or TCP: templated messages out, expected messages in (SIPp's unexpected-message
 * and timeout failures), captures, branches and pauses on the run's timer wheel, with
 * SIPp-style retransmission on RFC 3261 timers. For the live dashboard the driver reports its
 * iterations per step and keeps recent users' steps, transactions and messages.
 * `README.md` describes the runtime's rules.
 *
 * @example
 * ```ts
 * import { flowWorkload } from "./agents/flow/mod.ts";
 * // runScenario(scenario, { workloads: [flowWorkload()], labTarget: labTarget() })
 * ```
 *
 * @module
 */
export { type FlowOptions, flowTarget, flowWorkload } from "./flow_workload.ts";
export { FlowDriver, type FlowDriverSetup } from "./flow_driver.ts";
export { FlowIteration, type FlowRuntime } from "./flow_iteration.ts";
export { type FlowActivity, FlowUserLog, type FlowUserLogOptions } from "./flow_users.ts";
export { CallKeywords, type SendContext } from "./call_keywords.ts";
export { describeExpectation, FlowMetrics, type FlowOutcome, stepLabel } from "./flow_metrics.ts";
export {
  type RetransmitKind,
  RetransmitSchedule,
  type RetransmitSettings,
} from "./retransmission.ts";
export {
  describeOutgoing,
  type OutgoingFacts,
  type TemplateStart,
  templateStart,
} from "./outgoing.ts";
export { receivedKey } from "./received_identity.ts";
export { BRANCH_MAGIC_COOKIE, newBranch, newCallId, newTag } from "./identifiers.ts";
export { localHostFor } from "./local_host.ts";
