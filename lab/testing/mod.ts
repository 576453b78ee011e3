/**
 * Harnesses for real peers used by the lab's tests and `deno task bench`: SIPp as a UAC / UAS
 * (calls, statistics, CPU time), Kamailio as a stateful proxy, and tshark as an independent
 * judge of what goes on the wire.
 * Every external process is bounded by its own timeout and by a harness guard that kills its
 * whole process group.
 *
 * @module
 */
export {
  buildSippArgs,
  runSipp,
  sippAvailable,
  type SippOptions,
  type SippResult,
  type SippScenario,
  type SippServer,
  type SippServerOptions,
  type SippStopOptions,
  type SippTransport,
  startSippServer,
} from "./sipp.ts";
export {
  describeSippExit,
  parseSippDuration,
  parseSippStatsCsv,
  type SippStats,
} from "./sipp_stats.ts";
export {
  type Capture,
  captureFilter,
  type CaptureOptions,
  dissect,
  type DissectOptions,
  startCapture,
  tsharkAvailable,
} from "./tshark.ts";
export {
  assertWireClean,
  type Dissection,
  dissectionFromTsharkJson,
  type DissectionSummary,
  type SipPacket,
  type SipTransportFilter,
} from "./sip_wire_check.ts";
export { labWireSamples, type WireSample, type WireSampleAddressing } from "./wire_samples.ts";
export {
  parseShellTimes,
  spawnToolGroup,
  type ToolExit,
  type ToolGroup,
  type ToolGroupOptions,
} from "./process_group.ts";
export {
  freeLoopbackPort,
  isLoopbackHost,
  isPortBound,
  type PortTransport,
} from "./loopback_ports.ts";
export {
  freeUdpAndTcpPort,
  KAMAILIO_PROXY_CONFIG,
  kamailioAvailable,
  type KamailioOptions,
  type KamailioServer,
  type OptionsProbe,
  optionsStatus,
  startKamailio,
} from "./kamailio.ts";
export {
  KAMAILIO_REGISTRAR_CONFIG,
  type KamailioRegistrar,
  type KamailioRegistrarOptions,
  type RegistrarUser,
  startKamailioRegistrar,
  subscriberTableLines,
} from "./kamailio_registrar.ts";
