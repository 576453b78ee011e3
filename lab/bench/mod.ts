/**
 * `deno task bench`: the lab's figures next to its peers', measured in the same run, as one
 * table and a JSON file. Entry point: main.ts. A new figure implements {@link BenchFigure}
 * and is listed in figures.ts.
 *
 * @module
 */
export {
  type BenchContext,
  type BenchFigure,
  type FigureOutcome,
  type FigureRow,
  type PeerSource,
  rowRatio,
} from "./figure.ts";
export { FIGURES } from "./figures.ts";
export { benchMain } from "./main.ts";
export { type BenchArgs, benchUsage, BenchUsageError, parseBenchArgs } from "./bench_args.ts";
export {
  type BenchReport,
  type FigureReport,
  runBench,
  type SavedRow,
  writeBenchReport,
} from "./run_bench.ts";
export { formatBenchTable, formatValue } from "./table.ts";
export {
  type RateProbeOutcome,
  type RateSearchOptions,
  type RateSearchResult,
  type RateSearchStep,
  roundRate,
  searchSustainedRate,
} from "./rate_search.ts";
export {
  type CallRunCounts,
  judgeSustained,
  SUSTAINED_CRITERIA,
  type SustainedCriteria,
  type SustainedVerdict,
} from "./sustained.ts";
export {
  type CallProbe,
  type CallProbeSettings,
  probeLabPair,
  probeSippPair,
  type StartupCpuHandling,
} from "./call_probe.ts";
export {
  readSocketBufferSysctls,
  SOCKET_BUFFER_SYSCTLS,
  type SocketBufferOptions,
  type SocketBufferScope,
  type SocketBufferSysctl,
  type SocketBufferValues,
  withSocketBuffers,
} from "./socket_buffer_sysctls.ts";
export {
  type DatagramBuffers,
  grantedSocketBuffer,
  measureDatagramBuffers,
  parseSkmemBuffers,
} from "./datagram_buffers.ts";
export {
  parseUdpCounters,
  readUdpCounters,
  type UdpCounters,
  udpCountersDelta,
} from "./udp_drops.ts";
