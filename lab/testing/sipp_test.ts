import assert from "node:assert/strict";
import { buildSippArgs, runSipp, sippAvailable, startSippServer } from "./sipp.ts";
import { describeSippExit, parseSippDuration, parseSippStatsCsv } from "./sipp_stats.ts";
import { freeLoopbackPort } from "./loopback_ports.ts";

const available = await sippAvailable();
// Real-peer tests: skipped on a laptop without SIPp, but CI must have it (fail loudly there).
const ignore = !available && Deno.env.get("CI") !== "true";

const fixture = (name: string) => Deno.readTextFile(new URL(`./testdata/${name}`, import.meta.url));

Deno.test("parseSippStatsCsv: final row of a real 7-call UAC run", async () => {
  const stats = parseSippStatsCsv(await fixture("sipp_uac_stats.csv"));
  assert.ok(stats);
  assert.equal(stats.created, 7);
  assert.equal(stats.successful, 7);
  assert.equal(stats.failed, 0);
  assert.equal(stats.retransmissions, 0);
  assert.equal(stats.callRate, 45.7516);
  // CurrentTime 1795465617.245053 − StartTime 1795465617.091464.
  assert.ok(Math.abs(stats.elapsedMs - 153.589) < 0.01, String(stats.elapsedMs));
  assert.equal(stats.raw["OutgoingCall(C)"], "7");
  assert.equal(stats.raw["TargetRate"], "50");
});

Deno.test("parseSippStatsCsv: failed calls and retransmissions of a real run", async () => {
  const stats = parseSippStatsCsv(await fixture("sipp_uac_failed_stats.csv"));
  assert.ok(stats);
  assert.equal(stats.created, 3);
  assert.equal(stats.successful, 0);
  assert.equal(stats.failed, 3);
  assert.equal(stats.retransmissions, 3);
  assert.equal(stats.raw["FailedTimeoutOnRecv(C)"], "3");
  assert.equal(parseSippDuration(stats.raw["CallLength(C)"]), 804);
});

Deno.test("parseSippStatsCsv: header only or a truncated last row", () => {
  const header = "StartTime;TotalCallCreated;SuccessfulCall(C);FailedCall(C);\n";
  assert.equal(parseSippStatsCsv(header), undefined);
  const stats = parseSippStatsCsv(header + "a\tb\t10.0;4;3;1;\na\tb\t10.0;9");
  assert.equal(stats?.created, 4);
  assert.equal(stats?.failed, 1);
});

Deno.test("parseSippDuration: HH:MM:SS:micro", () => {
  assert.equal(parseSippDuration("01:02:03:004500"), 3_723_004.5);
  assert.ok(Number.isNaN(parseSippDuration("00:00:01")));
});

Deno.test("describeSippExit: documented codes", () => {
  assert.equal(describeSippExit(0), "all calls successful");
  assert.equal(describeSippExit(1), "at least one call failed");
  assert.match(describeSippExit(99), /without calls/);
  assert.match(describeSippExit(255), /fatal/);
  assert.match(describeSippExit(254), /binding/);
  assert.equal(describeSippExit(137), "killed by signal 9");
});

Deno.test("buildSippArgs: every option maps to its flag; loopback enforced", () => {
  const args = buildSippArgs({
    scenario: { file: "/tmp/x.xml" },
    remote: "127.0.0.1:5070",
    localPort: 5071,
    transport: "tn",
    rate: 5,
    ratePeriodMs: 2000,
    maxCalls: 10,
    maxConcurrentCalls: 3,
    callDurationMs: 100,
    recvTimeoutMs: 900,
    maxRetrans: 2,
    bufferSize: 1048576,
    maxSockets: 64,
    timeoutS: 2.5,
    injectionFiles: ["/tmp/users.csv"],
    keys: { realm: "lab" },
    sets: { user: "alice" },
    traceErrors: false,
    extraArgs: ["-aa"],
  });
  assert.deepEqual(args, [
    "127.0.0.1:5070",
    ...["-sf", "/tmp/x.xml", "-i", "127.0.0.1", "-p", "5071", "-t", "tn", "-r", "5"],
    ...["-rp", "2000", "-m", "10", "-l", "3", "-d", "100", "-recv_timeout", "900"],
    ...["-max_retrans", "2", "-buff_size", "1048576", "-max_socket", "64"],
    ...["-timeout", "3s", "-timeout_error", "-nostdin", "-trace_stat", "-stf", "stats.csv"],
    ...["-inf", "/tmp/users.csv", "-key", "realm", "lab", "-set", "user", "alice", "-aa"],
  ]);
  assert.deepEqual(buildSippArgs({ scenario: "uas" }).slice(0, 6), [
    "-sn",
    "uas",
    "-i",
    "127.0.0.1",
    "-t",
    "u1",
  ]);
  assert.ok(buildSippArgs({ scenario: "uac", remote: "[::1]:5060", localIp: "::1" }));
  assert.throws(() => buildSippArgs({ scenario: "uac", remote: "192.0.2.1:5060" }), /loopback/);
  assert.throws(() => buildSippArgs({ scenario: "uac", localIp: "10.0.0.1" }), /loopback/);
  assert.throws(() => buildSippArgs({ scenario: "uac", maxCalls: -1 }), /invalid/);
});

Deno.test({
  name: "SIPp UAS ← SIPp UAC over UDP: 20 calls, all successful on both sides",
  ignore,
  async fn() {
    const uas = await startSippServer({ transport: "u1", timeoutS: 15 });
    let served;
    try {
      const uac = await runSipp({
        scenario: "uac",
        remote: uas.address,
        transport: "u1",
        maxCalls: 20,
        rate: 100,
        timeoutS: 10,
      });
      assert.equal(uac.exitCode, 0, `${uac.exitMeaning}\n${uac.errorLog}\n${uac.output}`);
      assert.equal(uac.created, 20);
      assert.equal(uac.successful, 20);
      assert.equal(uac.failed, 0);
      assert.equal(uac.statsFound, true);
      assert.equal(uac.killedByHarness, false);
      assert.ok(uac.elapsedMs > 0);
      assert.ok(uac.callRate > 0);
      assert.ok(uac.cpuMs >= 0);
    } finally {
      served = await uas.stop();
    }
    // The soft exit lets the UAS finish its post-BYE timewait: every call counts as successful.
    assert.equal(served.exitCode, 0, served.exitMeaning);
    assert.equal(served.created, 20);
    assert.equal(served.successful, 20);
    assert.equal(served.failed, 0);
  },
});

Deno.test({
  name: "SIPp UAS ← SIPp UAC over TCP: 20 calls on one connection",
  ignore,
  async fn() {
    const uas = await startSippServer({ transport: "t1", timeoutS: 15 });
    try {
      const uac = await runSipp({
        scenario: "uac",
        remote: uas.address,
        transport: "t1",
        maxCalls: 20,
        rate: 100,
        timeoutS: 10,
        cpuCore: 0,
      });
      assert.equal(uac.exitCode, 0, `${uac.exitMeaning}\n${uac.errorLog}\n${uac.output}`);
      assert.equal(uac.successful, 20);
      assert.equal(uac.failed, 0);
      assert.equal(uac.retransmissions, 0);
    } finally {
      // SIGTERM: immediate, the UAS's timewaits are cut short (counted as current, not failed).
      const served = await uas.stop({ graceful: false });
      assert.equal(served.created, 20);
      assert.equal(served.killedByHarness, false);
    }
  },
});

Deno.test({
  name: "SIPp UAC to a silent UDP port: calls fail, SIPp stops by itself",
  ignore,
  async fn() {
    // A bound socket that never answers, so nothing else can take the port meanwhile.
    const silent = Deno.listenDatagram({ transport: "udp", hostname: "127.0.0.1", port: 0 });
    try {
      const { port } = silent.addr as Deno.NetAddr;
      const uac = await runSipp({
        scenario: "uac",
        remote: `127.0.0.1:${port}`,
        maxCalls: 2,
        rate: 20,
        recvTimeoutMs: 700,
        timeoutS: 5,
      });
      assert.equal(uac.exitCode, 1, uac.exitMeaning);
      assert.equal(uac.exitMeaning, "at least one call failed");
      assert.equal(uac.created, 2);
      assert.equal(uac.failed, 2);
      assert.equal(uac.successful, 0);
      assert.ok(uac.retransmissions >= 2, `retransmissions ${uac.retransmissions}`);
      assert.match(uac.errorLog, /receive timeout/);
      assert.equal(uac.killedByHarness, false);
    } finally {
      silent.close();
    }
  },
});

Deno.test({
  name: "SIPp over TCP to a closed port: fatal exit, no call succeeds",
  ignore,
  async fn() {
    const uac = await runSipp({
      scenario: "uac",
      remote: `127.0.0.1:${freeLoopbackPort("tcp")}`,
      transport: "t1",
      maxCalls: 2,
      timeoutS: 3,
    });
    assert.equal(uac.exitCode, 255, uac.exitMeaning);
    assert.equal(uac.successful, 0);
    assert.match(uac.errorLog, /Connection refused/);
  },
});

Deno.test({
  name: "SIPp hung past its guard is SIGKILLed by the harness; CPU sampled",
  ignore,
  async fn() {
    // A server with a long -timeout and a short guard: only the guard can end it in time.
    const result = await runSipp({ scenario: "uas", timeoutS: 30, killAfterMs: 600 });
    assert.equal(result.killedByHarness, true);
    assert.equal(result.exitCode, 137);
    assert.match(result.exitMeaning, /harness guard/);
    assert.ok(result.cpuMs >= 0);
  },
});
