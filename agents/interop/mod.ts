/**
 * Interoperability of the lab's agents with real peers (SIPp, tshark). The tests live beside
 * this module; what it exports is the harness that runs the lab's UAS and UAC as separate
 * processes through `lab serve`, used by those tests and by `deno task bench`.
 *
 * @module
 */
export {
  type LabAgentCpu,
  type LabAgentExit,
  labServeBuilt,
  type LabTransport,
  type LabUacOptions,
  type LabUacRun,
  type LabUacSummary,
  type LabUas,
  type LabUasOptions,
  parseLabUacSummary,
  runLabUac,
  startLabUas,
} from "./lab_agent_process.ts";
