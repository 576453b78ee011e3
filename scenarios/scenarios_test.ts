/**
 * Every shipped scenario, checked the way a person uses it.
 *
 * - Every `scenarios/*.yaml` loads with the real loader, is named after its file and opens with
 *   a header comment saying what it shows.
 * - A scenario is **short** when its hard cap `maxDuration` (by default the schedule plus
 *   `gracefulStop`) is at most {@link SHORT_RUN_MS}: CI runs it as shipped, with the real
 *   agents, and it must pass (exit code 0) and leave a `summary.json`.
 * - A longer one is run briefly instead (a smoke run): every workload of the file a few times
 *   against the file's own target, no hold or think times, no thresholds, none failing.
 * - An external target that is sent SIP needs its peer, started here on free ports
 *   ({@link PEERS}; the file's host and ports are changed to those before parsing). Those runs
 *   are skipped where the peer is not installed, except in CI.
 */
import assert from "node:assert/strict";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import { parseDocument } from "yaml";
import { defaultLabTarget, defaultWorkloads, UasAgent } from "../agents/mod.ts";
import { noopWorkload, type RunResult, runScenario } from "../lab/runner/mod.ts";
import { parseScenario, type Scenario, ScenarioError } from "../lab/scenario/mod.ts";
import { kamailioAvailable, type KamailioServer, startKamailio } from "../lab/testing/kamailio.ts";

/** The longest `maxDuration` of a scenario CI runs as shipped. */
const SHORT_RUN_MS = 20_000;

const DIR = fileURLToPath(new URL(".", import.meta.url));
const FILES = [...Deno.readDirSync(DIR)]
  .filter((entry) => entry.isFile && entry.name.endsWith(".yaml"))
  .map((entry) => entry.name)
  .sort();
const CI = Deno.env.get("CI") === "true";

/** A real peer an external scenario is run against, set up for one run. */
interface PeerRun {
  /** Aim the scenario document at the peer (host, ports, URIs). */
  edit(doc: ReturnType<typeof parseDocument>): void;
  /** Checks on the peer's side once the run is over. */
  verify(result: RunResult, smoke: boolean): Promise<void>;
  stop(): Promise<void>;
}

interface Peer {
  readonly available: boolean;
  start(): Promise<PeerRun>;
}

/** Kamailio with the lab proxy configuration, and the lab UAS behind it. */
const kamailioWithUas: Peer = {
  available: await kamailioAvailable(),
  async start(): Promise<PeerRun> {
    const uas = await UasAgent.start({ listen: { protocol: "udp", host: "127.0.0.1", port: 0 } });
    let proxy: KamailioServer;
    try {
      proxy = await startKamailio();
    } catch (error) {
      await uas.stop();
      throw error;
    }
    return {
      edit(doc) {
        doc.setIn(["target", "host"], proxy.host);
        doc.setIn(["target", "port"], proxy.port);
        const callee = String(doc.getIn(["workloads", 0, "callee"]));
        assert.match(callee, /^sip:service@127\.0\.0\.1:\d+$/, "the callee is the UAS");
        doc.setIn(["workloads", 0, "callee"], callee.replace(/\d+$/, String(uas.address.port)));
      },
      async verify(result, smoke) {
        const calls = total(result, "iterations_completed");
        assert.ok(calls > 0);
        if (!smoke) assert.equal(calls, 50);
        // Every call reached the UAS through Kamailio and ended there …
        assert.equal(uas.counts.received, calls);
        assert.equal(uas.counts.completed, calls);
        // … and its ACK and BYE went through Kamailio too (Record-Route, RFC 3261 §16.6).
        const stats = await proxy.statistics();
        assert.equal(stats["core.rcv_requests_invite"], calls);
        assert.equal(stats["core.rcv_requests_ack"], calls);
        assert.equal(stats["core.rcv_requests_bye"], calls);
      },
      async stop() {
        await proxy.stop();
        await uas.stop();
      },
    };
  },
};

/** Peers of the external scenarios that send SIP, by scenario name. */
const PEERS: Readonly<Record<string, Peer>> = {
  "external-kamailio": kamailioWithUas,
};

/** Sum of a counter over its label sets. */
function total(result: RunResult, name: string): number {
  return result.counters.filter((c) => c.name === name).reduce((sum, c) => sum + c.total, 0);
}

async function load(file: string, peer?: PeerRun): Promise<{ scenario: Scenario; text: string }> {
  const path = `${DIR}${file}`;
  let text = await Deno.readTextFile(path);
  if (peer) {
    const doc = parseDocument(text);
    peer.edit(doc);
    text = doc.toString();
  }
  return { scenario: parseScenario(text, path), text };
}

/** True when the scenario sends SIP (anything but `noop`). */
function sendsSip(scenario: Scenario): boolean {
  return scenario.flow !== undefined || scenario.workloads.some((w) => w.kind !== "noop");
}

/** Every workload a few times, at once, without hold, duration or think times. */
function smokeVersion(scenario: Scenario): Scenario {
  const zero = { kind: "constant", value: 0 } as const;
  const kinds = scenario.workloads.length + (scenario.flow ? 1 : 0);
  return {
    ...scenario,
    workloads: scenario.workloads.map((w) => {
      const quick = { ...w, thinkTime: zero };
      if (quick.kind === "call") return { ...quick, holdTime: zero };
      if (quick.kind === "noop") return { ...quick, duration: zero };
      return quick;
    }),
    load: {
      executor: "shared-iterations",
      users: Math.min(scenario.population.count, 10),
      iterations: 10 * kinds,
      gracefulStopMs: 5_000,
      maxDurationMs: 15_000,
    },
    thresholds: [],
  };
}

async function run(scenario: Scenario, text: string): Promise<RunResult & { log: string }> {
  const resultsDir = await Deno.makeTempDir({ prefix: "sipfleet-scenario-" });
  let log = "";
  try {
    const result = await runScenario(scenario, {
      workloads: [...defaultWorkloads(), noopWorkload],
      labTarget: defaultLabTarget(),
      resultsDir,
      progress: false,
      scenarioText: text,
      out: (line) => (log += line),
    });
    const summary = JSON.parse(await Deno.readTextFile(`${result.resultsDir}/summary.json`));
    assert.equal(summary.scenario, scenario.name);
    return { ...result, log };
  } finally {
    await Deno.remove(resultsDir, { recursive: true });
  }
}

Deno.test("every scenario validates, is named after its file and says what it shows", async () => {
  assert.ok(FILES.length >= 5, `only ${FILES.join(", ")}`);
  const problems: string[] = [];
  for (const file of FILES) {
    const name = basename(file, ".yaml");
    try {
      const { scenario, text } = await load(file);
      if (scenario.name !== name) problems.push(`${file}: name is '${scenario.name}'`);
      const lines = text.split("\n");
      if (lines[0] !== "# yaml-language-server: $schema=../lab/scenario/schema.json") {
        problems.push(`${file}: the first line is not the schema comment`);
      }
      // The header: a comment block that opens with "# <name> — <what it shows>".
      const header = lines.slice(1, lines.findIndex((l) => !l.startsWith("#") && l !== ""));
      if (!header.some((l) => l.startsWith(`# ${name} — `))) {
        problems.push(`${file}: no header comment "# ${name} — <what it shows>"`);
      }
    } catch (error) {
      problems.push(error instanceof ScenarioError ? error.message : `${file}: ${error}`);
    }
  }
  assert.deepEqual(problems, []);
});

for (const file of FILES) {
  let scenario: Scenario;
  try {
    scenario = (await load(file)).scenario;
  } catch {
    continue; // Reported by the validation test above.
  }
  const short = scenario.load.maxDurationMs <= SHORT_RUN_MS;
  const needsPeer = scenario.target.kind === "external" && sendsSip(scenario);
  const peer = needsPeer ? PEERS[scenario.name] : undefined;
  const what = short ? "runs as shipped and passes" : "smoke run: every workload works";
  Deno.test({
    name: `scenarios/${file} ${what}`,
    ignore: peer !== undefined && !peer.available && !CI,
    async fn() {
      if (needsPeer && peer === undefined) {
        assert.fail(`${file}: an external target with no peer to run against; add one to PEERS`);
      }
      const peerRun = await peer?.start();
      try {
        const { scenario, text } = await load(file, peerRun);
        const result = await run(short ? scenario : smokeVersion(scenario), text);
        const failing = result.thresholds.filter((t) => !t.passed);
        assert.equal(
          result.exitCode,
          0,
          `${result.error ?? ""}\n${JSON.stringify(failing)}\n${result.log.slice(-2000)}`,
        );
        assert.equal(result.stopReason, "completed");
        assert.equal(total(result, "iterations_failed"), 0);
        assert.ok(total(result, "iterations_completed") > 0);
        if (!short) {
          // Every workload of the file took part.
          const started = result.counters.filter((c) =>
            c.name === "iterations_started" && c.total > 0
          );
          const names = [...scenario.workloads.map((w) => w.name), scenario.flow?.name];
          for (const name of names.filter((n) => n !== undefined)) {
            assert.ok(
              started.some((c) => c.labels.workload === name),
              `workload ${name} never ran`,
            );
          }
        }
        await peerRun?.verify(result, !short);
      } finally {
        await peerRun?.stop();
      }
    },
  });
}
