import assert from "node:assert/strict";
import { runScenario } from "../../lab/runner/mod.ts";
import { parseScenario } from "../../lab/scenario/mod.ts";
import { sippAvailable, type SippResult, startSippServer } from "../../lab/testing/mod.ts";
import { flowWorkload } from "./flow_workload.ts";
import { externalTarget, flowScenarioYaml } from "./test_support.ts";

const available = await sippAvailable();
const CALLS = 20;

/** SIPp's own `uac` call, written as a flow. */
const CALL_FLOW = `  name: sipp-call
  steps:
    - send: |
        INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>
        Call-ID: [call_id]
        CSeq: [cseq] INVITE
        Contact: <sip:[user]@[local_ip]:[local_port]>
        Max-Forwards: 70
        Subject: sipfleet flow
        Content-Type: application/sdp
        Content-Length: [len]

        v=0
        o=user1 53655765 2353687637 IN IP4 [media_ip]
        s=-
        c=IN IP4 [media_ip]
        t=0 0
        m=audio [media_port] RTP/AVP 0
        a=rtpmap:0 PCMU/8000
    - expect: 100
      optional: true
    - expect: 180
      optional: true
    - expect: 200
      timeout: 5s
      capture:
        - { var: to_tag, header: To, regex: ";tag=([^;>]+)" }
    - send: |
        ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>;tag=[$to_tag]
        Call-ID: [call_id]
        CSeq: [cseq] ACK
        Contact: <sip:[user]@[local_ip]:[local_port]>
        Max-Forwards: 70
        Content-Length: [len]
    - pause: 50ms
    - send: |
        BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
        Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
        From: <sip:[user]@[domain]>;tag=[from_tag]
        To: <sip:[service]@[remote_ip]:[remote_port]>;tag=[$to_tag]
        Call-ID: [call_id]
        CSeq: [cseq] BYE
        Contact: <sip:[user]@[local_ip]:[local_port]>
        Max-Forwards: 70
        Content-Length: [len]
    - expect: 200
      timeout: 5s`;

Deno.test({
  name: `flow: ${CALLS} SIPp-style calls against sipp -sn uas, none fails`,
  // Real-peer test: skipped on a machine without SIPp, but CI must have it (fail loudly there).
  ignore: !available && Deno.env.get("CI") !== "true",
  async fn() {
    const sipp = await startSippServer({ transport: "u1", timeoutS: 30 });
    const resultsDir = await Deno.makeTempDir({ prefix: "sipfleet-flow-sipp-" });
    let served: SippResult | undefined;
    try {
      const yaml = flowScenarioYaml(
        externalTarget(sipp.port),
        CALL_FLOW,
        `  executor: shared-iterations\n  users: 5\n  iterations: ${CALLS}\n  maxDuration: 20s`,
      );
      const result = await runScenario(parseScenario(yaml, "flow-sipp.yaml"), {
        workloads: [flowWorkload()],
        resultsDir,
        scenarioText: yaml,
        progress: false,
        out: () => {},
      });
      // SIGTERM: SIPp writes its final statistics at once (calls in its time-wait after BYE
      // stay current, not failed).
      served = await sipp.stop({ graceful: false });
      const total = (name: string) =>
        result.counters.filter((c) => c.name === name).reduce((sum, c) => sum + c.total, 0);
      const examples = await Deno.readTextFile(`${result.resultsDir}/events.ndjson`);
      const why = `${examples.slice(0, 3000)}\nSIPp: ${served.exitMeaning}; ` +
        `${served.errorLog.slice(0, 2000)}`;
      assert.equal(total("iterations_completed"), CALLS, why);
      assert.equal(total("iterations_failed"), 0, why);
      assert.equal(served.raw["IncomingCall(C)"], String(CALLS), why);
      assert.equal(served.failed, 0, why);
      const setup = result.latencies.find((l) =>
        l.name === "flow_response_time" && l.labels.step === "3:200"
      );
      assert.equal(setup?.stats.count, CALLS);
    } finally {
      served ??= await sipp.stop({ graceful: false });
      await Deno.remove(resultsDir, { recursive: true });
    }
  },
});
