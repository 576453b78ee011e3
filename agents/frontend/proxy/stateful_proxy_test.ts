import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../../../lab/sip/message/mod.ts";
import { TimerWheel } from "../../../lab/sip/timer/mod.ts";
import type { ServerTransaction } from "../../../lab/sip/transaction/mod.ts";
import type { Dialog } from "../../../lab/sip/dialog/mod.ts";
import type { UaHandler, UserAgentCore } from "../../../lab/sip/ua/mod.ts";
import { COMPLETED_ELSEWHERE } from "./response_context.ts";
import { type LabCore, ProxyLab, startLabCore, waitUntil } from "./test_support.ts";

type Answer = "accept" | "ring" | "busy" | "decline";

/** A callee endpoint: answers INVITE as told, records everything. */
class Callee implements UaHandler {
  core!: UserAgentCore;
  readonly requests: SipRequest[] = [];
  readonly acks: SipRequest[] = [];
  readonly cancels: SipRequest[] = [];
  readonly ended: string[] = [];
  constructor(readonly answer: Answer) {}

  onRequest(tx: ServerTransaction, request: SipRequest): void {
    this.requests.push(request);
    const core = this.core;
    if (request.method !== "INVITE") {
      core.respond(tx, core.createResponse(request, 200));
      return;
    }
    core.respond(tx, core.createResponse(request, 180));
    if (this.answer === "accept") {
      core.respond(
        tx,
        core.createResponse(request, 200, "OK", {
          body: "v=0\r\n",
          contentType: "application/sdp",
        }),
      );
    } else if (this.answer === "busy") {
      core.respond(tx, core.createResponse(request, 486));
    } else if (this.answer === "decline") {
      core.respond(tx, core.createResponse(request, 603));
    }
  }
  onAck(ack: SipRequest): void {
    this.acks.push(ack);
  }
  onCancel(_tx: ServerTransaction, cancel: SipRequest): void {
    this.cancels.push(cancel);
  }
  onDialogTerminated(_dialog: Dialog, cause: string): void {
    this.ended.push(cause);
  }
}

interface Rig {
  lab: ProxyLab;
  alice: LabCore;
  bobs: { endpoint: LabCore; callee: Callee }[];
  [Symbol.asyncDispose](): Promise<void>;
}

async function rig(
  answers: Answer[],
  wheel = new TimerWheel({ mode: "virtual" }),
  protocol: "udp" | "tcp" = "udp",
): Promise<Rig> {
  const lab = await ProxyLab.start(wheel, protocol);
  const alice = await startLabCore("alice", { onRequest: () => {} }, undefined, protocol);
  const bobs: Rig["bobs"] = [];
  for (const [i, answer] of answers.entries()) {
    const callee = new Callee(answer);
    const endpoint = await startLabCore(`bob${i}`, callee, undefined, protocol);
    callee.core = endpoint.core;
    lab.register("bob", endpoint);
    bobs.push({ endpoint, callee });
  }
  return {
    lab,
    alice,
    bobs,
    async [Symbol.asyncDispose]() {
      for (const b of bobs) await b.endpoint.core.stop();
      await alice.core.stop();
      await lab.stop();
      wheel.stop();
    },
  };
}

interface CallRecord {
  provisional: number[];
  finals: SipResponse[];
  dialogs: Dialog[];
}

function invite(r: Rig, record: CallRecord) {
  const core = r.alice.core;
  const request = core.createRequest("INVITE", {
    to: "sip:bob@lab.test",
    from: "sip:alice@lab.test",
  });
  return core.request(request, r.lab.front.address, {
    onProvisional: (res) => void record.provisional.push(res.status),
    onFinal: (res, dialog) => {
      record.finals.push(res);
      if (dialog) record.dialogs.push(dialog);
    },
  });
}

for (const protocol of ["udp", "tcp"] as const) {
  Deno.test(`proxy forks an INVITE over ${protocol}; the first 200 wins, the other is cancelled`, async () => {
    await forkFirst200Wins(protocol);
  });
}

async function forkFirst200Wins(protocol: "udp" | "tcp") {
  await using r = await rig(["accept", "ring"], new TimerWheel({ mode: "virtual" }), protocol);
  const record: CallRecord = { provisional: [], finals: [], dialogs: [] };
  invite(r, record);
  const [winner, loser] = r.bobs;
  await waitUntil(
    () => record.finals.length === 1 && loser.callee.cancels.length === 1,
    "200 + CANCEL",
  );
  assert.equal(record.finals[0].status, 200);
  assert.ok(record.provisional.includes(180), "180 forwarded upstream");
  // §16.6: both branches got the INVITE with the Request-URI of their Contact and one less hop.
  const branches = r.lab.forwarded.filter((f) => f.method === "INVITE");
  assert.deepEqual(branches.map((b) => b.uri).sort(), r.bobs.map((b) => b.endpoint.contact).sort());
  assert.equal(winner.callee.requests[0].header("max-forwards"), "69");
  assert.match(winner.callee.requests[0].header("record-route") ?? "", /;lr>$/);
  // §16.7 step 10 / RFC 3326.
  assert.equal(loser.callee.cancels[0].header("reason"), COMPLETED_ELSEWHERE);
  await waitUntil(() => winner.callee.acks.length === 1, "ACK routed via Record-Route");
  assert.equal(winner.callee.acks[0].uri, winner.endpoint.contact);
  assert.equal(winner.callee.acks[0].vias.length, 2, "the ACK passed through the proxy");
  assert.equal(winner.callee.acks[0].header("route"), undefined, "the proxy's Route was popped");
  assert.ok(r.alice.core.hangup(record.dialogs[0]));
  await waitUntil(() => winner.callee.ended.includes("BYE_RECEIVED"), "BYE at the winner");
  await waitUntil(() => r.lab.proxy.pending === 0, "contexts finished");
  assert.equal(record.finals.length, 1, "one 2xx reached the caller");
}

Deno.test("proxy sends the best response when every branch fails: 486 from both", async () => {
  await using r = await rig(["busy", "busy"]);
  const record: CallRecord = { provisional: [], finals: [], dialogs: [] };
  invite(r, record);
  await waitUntil(() => record.finals.length === 1, "final");
  assert.equal(record.finals[0].status, 486);
  assert.match(record.finals[0].header("ms-diagnostics") ?? "", /^13004;/);
  assert.equal(r.lab.proxy.pending, 0);
});

Deno.test("proxy holds a 6xx back, cancels the rest, and answers the 6xx (§16.7 step 5)", async () => {
  await using r = await rig(["decline", "ring"]);
  const record: CallRecord = { provisional: [], finals: [], dialogs: [] };
  invite(r, record);
  await waitUntil(() => record.finals.length === 1, "final");
  assert.equal(record.finals[0].status, 603);
  assert.equal(r.bobs[1].callee.cancels.length, 1);
});

Deno.test("proxy Timer C cancels ringing branches (§16.8), the caller gets 487", async () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  await using r = await rig(["ring", "ring"], wheel);
  const record: CallRecord = { provisional: [], finals: [], dialogs: [] };
  invite(r, record);
  await waitUntil(() => r.bobs.every((b) => b.callee.requests.length === 1), "both ring");
  await waitUntil(() => record.provisional.length >= 1, "180 upstream");
  wheel.advance(180_001);
  await waitUntil(() => record.finals.length === 1, "487");
  assert.equal(record.finals[0].status, 487);
  assert.ok(r.bobs.every((b) => b.callee.cancels.length === 1));
});

Deno.test("proxy forwards the caller's CANCEL to every branch (§16.10)", async () => {
  await using r = await rig(["ring", "ring"]);
  const record: CallRecord = { provisional: [], finals: [], dialogs: [] };
  const sent = invite(r, record);
  await waitUntil(() => record.provisional.length >= 1, "ringing");
  await waitUntil(() => r.bobs.every((b) => b.callee.requests.length === 1), "both ring");
  assert.ok(sent.cancel());
  await waitUntil(() => record.finals.length === 1, "487");
  assert.equal(record.finals[0].status, 487);
  assert.ok(r.bobs.every((b) => b.callee.cancels.length === 1));
  assert.ok(r.bobs.every((b) => b.callee.cancels[0].header("reason") === undefined));
});

Deno.test("proxy refuses Max-Forwards 0 (483), loops (482), Proxy-Require (420) with ms-diagnostics", async () => {
  await using r = await rig(["accept"]);
  const core = r.alice.core;
  const finals: SipResponse[] = [];
  const send = (to: string, headers: [string, string][]) => {
    const message = core.createRequest("MESSAGE", {
      to,
      from: "sip:alice@lab.test",
      body: "hi",
      contentType: "text/plain",
      headers,
    });
    if (headers.some(([n]) => n === "Max-Forwards")) message.removeFirstHeader("max-forwards");
    core.request(message, r.lab.front.address, { onFinal: (res) => void finals.push(res) });
  };
  send("sip:bob@lab.test", [["Max-Forwards", "0"]]);
  await waitUntil(() => finals.length === 1, "483");
  assert.equal(finals[0].status, 483);
  assert.match(finals[0].header("ms-diagnostics") ?? "", /^1007;/);
  send("sip:bob@lab.test", [["Proxy-Require", "com.example.x"]]);
  await waitUntil(() => finals.length === 2, "420");
  assert.equal(finals[1].status, 420);
  assert.equal(finals[1].header("unsupported"), "com.example.x");
  // A user whose only endpoint is the front end itself: the request spirals once (its
  // Request-URI changed), then comes back unchanged — a loop.
  r.lab.register("loop", {
    ...r.lab.front,
    contact: `sip:loop@${r.lab.front.address.host}:${r.lab.front.address.port}`,
  });
  send("sip:loop@lab.test", []);
  await waitUntil(() => finals.length === 3, "482");
  assert.equal(finals[2].status, 482);
  assert.match(finals[2].header("ms-diagnostics") ?? "", /^13000;/);
  send("sip:nobody@lab.test", []);
  await waitUntil(() => finals.length === 4, "404");
  assert.equal(finals[3].status, 404);
  assert.match(finals[3].header("ms-diagnostics") ?? "", /^4005;/);
});
