/**
 * The `lab` command line (`deno task lab <command>`):
 *
 * ```text
 * lab run <scenario.yaml> [--results <dir>] [--no-progress] [--dashboard | --no-dashboard]
 *                          [--listen <host:port>]
 * lab validate <scenario.yaml>...
 * lab report <run-dir>
 * lab serve <agent> --listen <udp|tcp|tls|ws|wss>:<host>:<port> [...]
 * lab population --domain <d> --users <n> --format sipp-csv|kamailio|csv
 * ```
 *
 * `run` drives the fleet's drivers from `agents/mod.ts` (`defaultWorkloads()`,
 * `defaultLabTarget()`) plus the built-in `noop` workload, and serves the live dashboard
 * (`dashboard/`, with the charts of `fleetCharts()`) while it goes: by default when standard
 * output is a terminal and `CI` is not set, otherwise only with `--dashboard` or `--listen`.
 * `serve` hands its arguments to `serveAgent(argv)` from `agents/serve.ts`.
 *
 * Exit codes: 0 success (every threshold passed); 1 runtime error; 2 usage or scenario error;
 * 99 thresholds failed; 130 run interrupted.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { formatSummaryTable, readResults, writeReport } from "./metrics/mod.ts";
import {
  noopWorkload,
  RUN_EXIT_CODES,
  runScenario,
  RunSetupError,
  type WorkloadFactory,
} from "./runner/mod.ts";
import { loadScenario, ScenarioError, validateCommand } from "./scenario/mod.ts";
import { defaultLabTarget, defaultWorkloads, fleetCharts } from "../agents/mod.ts";
import { serveAgent } from "../agents/serve.ts";
import { populationCommand } from "./runner/population_command.ts";
import {
  type Dashboard,
  isLoopback,
  type ListenAddress,
  parseListen,
  RunDashboard,
} from "../dashboard/mod.ts";

/** Where the command writes. */
export interface CliOutput {
  /** Standard output text (newlines included). */
  out(text: string): void;
  /** Standard error text (newlines included). */
  err(text: string): void;
  /** Whether `out` is a terminal (the progress line is redrawn in place). */
  readonly terminal?: boolean;
  /** Whether this runs under continuous integration (default: the `CI` variable is set). */
  readonly ci?: boolean;
}

const USAGE = `usage: deno task lab <command> [options]

commands:
  run <scenario.yaml> [--results <dir>] [--no-progress] [--dashboard] [--listen <host:port>]
                      run a scenario; results go to <dir>/<run-id>/ (default results/)
  validate <file>...  check scenario files without running anything
  report <run-dir>    (re)make report.html of a results folder, finished or interrupted
  serve <agent> --listen <udp|tcp|tls|ws|wss>:<host>:<port> [...]
                      run one lab agent on its own (uas, uac, frontend)
  population --domain <d> --users <n> --format sipp-csv|kamailio|csv [...]
                      print the lab's deterministic users for SIPp, Kamailio or a CSV

"deno task lab <command> --help" tells more about a command.
`;

const RUN_HELP = `usage: deno task lab run <scenario.yaml> [--results <dir>] [--no-progress]
                    [--dashboard | --no-dashboard] [--listen <host:port>]

Run a scenario: start the lab agents (target kind: lab), build the population, drive the
executor, and write results/<run-id>/ from the first second: scenario.yaml, run.json,
timeseries.ndjson, events.ndjson, summary.partial.json, histograms/, and at the end
summary.json and report.html. Ctrl-C stops gracefully (in-flight iterations finish, users
sign out); a second Ctrl-C stops at once.

While the run goes, a live dashboard shows its charts, state machines, errors and
thresholds, one user's recent calls, and has pause / resume / rate / stop controls. It
prints "dashboard: <url>" (open it: the token is in the address) and the token the
control API wants (Authorization: Bearer <token>); Prometheus scrapes <url>metrics.
It listens on 127.0.0.1 only, on a free port, unless --listen says otherwise, and closes
when the run ends.

options:
  --results <dir>       folder for the run's results folder (default: results)
  --no-progress         no live progress line
  --dashboard           serve the dashboard (the default when standard output is a
                        terminal and the CI variable is not set)
  --no-dashboard        do not serve it
  --listen <host:port>  where the dashboard listens (implies --dashboard): 127.0.0.1:8080,
                        [::1]:8080, :8080; 0.0.0.0:8080 opens it to other hosts

exit codes: 0 every threshold passed, 99 a threshold failed, 130 interrupted,
            1 runtime error, 2 invalid scenario or usage
`;

const VALIDATE_HELP = `usage: deno task lab validate <scenario.yaml>...

Check scenario files without running them: every problem is printed as
file:line:col: field: message.

exit codes: 0 all valid, 1 a file has problems, 2 usage
`;

const REPORT_HELP = `usage: deno task lab report <run-dir>

Write <run-dir>/report.html from the results folder alone (also for a run that was
interrupted or killed) and print its summary.

exit codes: 0 written, 1 no such results folder or unreadable, 2 usage
`;

const SERVE_HELP = `usage: deno task lab serve <agent> --listen <transport>:<host>:<port> [...]

Run one lab agent on its own.
  uas   --listen <addr> [--ring <ms>]          answer calls like SIPp's built-in uas
  uac   --listen <addr> --target <addr> --rate <calls/s> --calls <n> [--hold <ms>] [--json]
        [--ca <file>]   place calls like SIPp's built-in uac, then exit (0 when every call
                        completed); --ca trusts the lab CA file a TLS/WSS uas printed
  frontend --listen <addr> --domain <d> --users <n> [--seed <n>]
        registrar with digest authentication for the lab's deterministic users
  addr: <udp|tcp|tls|ws|wss>:<host>:<port>; an IPv6 host goes in brackets: tcp:[::1]:5060
`;

/** Options a command accepts, as `node:util` `parseArgs` takes them. */
type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/** Parsed arguments. */
interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Parse options strictly; a usage error is reported and yields undefined. */
function parseOptions(
  args: string[],
  options: OptionSpec,
  io: CliOutput,
  help: string,
): ParsedArgs | undefined {
  try {
    const { values, positionals } = parseArgs({
      args,
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs["values"], positionals };
  } catch (error) {
    io.err(`${error instanceof Error ? error.message : error}\n\n${help}`);
    return undefined;
  }
}

/** What decides whether `lab run` serves the dashboard. */
export interface DashboardChoice {
  /** `--dashboard` (true), `--no-dashboard` (false), neither (undefined). */
  readonly flag: boolean | undefined;
  /** `--listen` was given. */
  readonly listen: boolean;
  /** Standard output is a terminal. */
  readonly terminal: boolean;
  /** Running under continuous integration. */
  readonly ci: boolean;
}

/**
 * Whether `lab run` serves the dashboard: as the flags say; otherwise `--listen` asks for
 * it; otherwise only for interactive runs (a terminal, not CI). Throws a `RangeError` for
 * `--no-dashboard` with `--listen`.
 *
 * @example
 * ```ts
 * dashboardWanted({ flag: undefined, listen: false, terminal: true, ci: false }); // true
 * dashboardWanted({ flag: undefined, listen: false, terminal: false, ci: false }); // false
 * ```
 */
export function dashboardWanted(choice: DashboardChoice): boolean {
  if (choice.flag === false && choice.listen) {
    throw new RangeError("--listen is for the dashboard: it cannot go with --no-dashboard");
  }
  return choice.flag ?? (choice.listen || (choice.terminal && !choice.ci));
}

/** Whether the environment says this is continuous integration (`CI` set, not false / 0). */
function underCi(): boolean {
  const value = Deno.env.get("CI");
  return value !== undefined && value !== "" && value !== "false" && value !== "0";
}

/** The dashboard's address and token, as `lab run` prints them. */
function announceDashboard(dashboard: Dashboard, io: CliOutput): void {
  // Keep clear of the progress line when it is redrawn in place.
  const start = io.terminal ? "\r\x1b[K" : "";
  io.out(`${start}dashboard: ${dashboard.openUrl}\n`);
  io.out(
    `${start}dashboard token: ${dashboard.token} (Authorization: Bearer; ` +
      `Prometheus: ${dashboard.url}metrics)\n`,
  );
  if (!isLoopback(dashboard.hostname)) {
    io.out(
      `${start}dashboard listens on ${dashboard.hostname}: other hosts can reach it ` +
        "(the controls still want the token)\n",
    );
  }
}

async function runCommand(args: string[], io: CliOutput): Promise<number> {
  const parsed = parseOptions(
    args,
    {
      results: { type: "string" },
      "no-progress": { type: "boolean" },
      dashboard: { type: "boolean" },
      "no-dashboard": { type: "boolean" },
      listen: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    io,
    RUN_HELP,
  );
  if (parsed === undefined) return RUN_EXIT_CODES.scenarioError;
  if (parsed.values.help) {
    io.out(RUN_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`expected one scenario file\n\n${RUN_HELP}`);
    return RUN_EXIT_CODES.scenarioError;
  }
  const { dashboard: on, "no-dashboard": off, listen: listenText } = parsed.values;
  let dashboard: RunDashboard | undefined;
  try {
    if (on && off) throw new RangeError("--dashboard and --no-dashboard contradict each other");
    const listen: ListenAddress | undefined = listenText === undefined
      ? undefined
      : parseListen(String(listenText));
    const wanted = dashboardWanted({
      flag: on ? true : off ? false : undefined,
      listen: listen !== undefined,
      terminal: io.terminal ?? false,
      ci: io.ci ?? underCi(),
    });
    if (wanted) {
      dashboard = new RunDashboard({
        listen,
        charts: fleetCharts(),
        onListening: (d) => announceDashboard(d, io),
      });
    }
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    io.err(`${error.message}\n\n${RUN_HELP}`);
    return RUN_EXIT_CODES.scenarioError;
  }
  const file = parsed.positionals[0];
  let scenario;
  try {
    scenario = await loadScenario(file);
  } catch (error) {
    if (error instanceof ScenarioError) io.err(`${error.message}\n`);
    else if (error instanceof Deno.errors.NotFound) io.err(`${file}: no such file\n`);
    else throw error;
    return RUN_EXIT_CODES.scenarioError;
  }
  const workloads: WorkloadFactory[] = [noopWorkload, ...defaultWorkloads()];
  const labTarget = defaultLabTarget();
  try {
    const result = await runScenario(scenario, {
      workloads,
      labTarget,
      resultsDir: parsed.values.results as string | undefined,
      progress: !parsed.values["no-progress"],
      handleSignals: true,
      out: io.out,
      terminal: io.terminal ?? false,
      ...dashboard?.hooks,
    });
    if (result.error !== undefined) io.err(`run failed: ${result.error}\n`);
    return result.exitCode;
  } catch (error) {
    if (error instanceof ScenarioError) {
      io.err(`${error.message}\n`);
      return RUN_EXIT_CODES.scenarioError;
    }
    if (error instanceof RunSetupError) {
      io.err(`${error.message}\n`);
      return RUN_EXIT_CODES.runtimeError;
    }
    throw error;
  } finally {
    await dashboard?.close();
  }
}

async function validate(args: string[], io: CliOutput): Promise<number> {
  const parsed = parseOptions(args, { help: { type: "boolean", short: "h" } }, io, VALIDATE_HELP);
  if (parsed === undefined) return 2;
  if (parsed.values.help) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  return await validateCommand([...parsed.positionals], {
    out: (line) => io.out(`${line}\n`),
    err: (line) => io.err(`${line}\n`),
  });
}

async function report(args: string[], io: CliOutput): Promise<number> {
  const parsed = parseOptions(args, { help: { type: "boolean", short: "h" } }, io, REPORT_HELP);
  if (parsed === undefined) return 2;
  if (parsed.values.help) {
    io.out(REPORT_HELP);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`expected one results folder\n\n${REPORT_HELP}`);
    return 2;
  }
  const dir = parsed.positionals[0];
  try {
    const results = readResults(dir);
    const path = await writeReport(dir);
    if (results.summarySource !== "final") {
      io.out(`${dir}: the run did not finish; summary from ${results.summarySource} results\n`);
    }
    io.out(`${formatSummaryTable(results.summary)}\nreport: ${path}\n`);
    return 0;
  } catch (error) {
    io.err(`${dir}: ${error instanceof Error ? error.message : error}\n`);
    return 1;
  }
}

async function serve(args: string[], io: CliOutput): Promise<number> {
  const [agent] = args;
  if (agent === undefined || agent === "--help" || agent === "-h") {
    (agent === undefined ? io.err : io.out)(SERVE_HELP);
    return agent === undefined ? 2 : 0;
  }
  return await serveAgent(args, {
    out: (line) => io.out(`${line}\n`),
    err: (line) => io.err(`${line}\n`),
  });
}

/**
 * Run the command line; returns the exit code.
 *
 * @example
 * ```ts
 * Deno.exit(await main(["validate", "scenarios/basic-call.yaml"]));
 * ```
 */
export async function main(args: readonly string[], io: CliOutput = stdio()): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case "run":
      return await runCommand(rest, io);
    case "validate":
      return await validate(rest, io);
    case "report":
      return await report(rest, io);
    case "serve":
      return await serve(rest, io);
    case "population":
      return await populationCommand(rest, {
        out: (line) => io.out(`${line}\n`),
        err: (line) => io.err(`${line}\n`),
      });
    case "help":
    case "--help":
    case "-h":
      io.out(USAGE);
      return 0;
    default:
      io.err(
        `${command === undefined ? "no command" : `unknown command '${command}'`}\n\n${USAGE}`,
      );
      return 2;
  }
}

function stdio(): CliOutput {
  const encoder = new TextEncoder();
  const writer = (stream: { writeSync(p: Uint8Array): number }) => (text: string) => {
    const bytes = encoder.encode(text);
    let written = 0;
    while (written < bytes.length) written += stream.writeSync(bytes.subarray(written));
  };
  return {
    out: writer(Deno.stdout),
    err: writer(Deno.stderr),
    terminal: Deno.stdout.isTerminal(),
  };
}

if (import.meta.main) Deno.exit(await main(Deno.args));
