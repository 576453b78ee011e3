/**
 * The core's hooks for agents that add to what it builds (MS-SIP §3.1.4.2 signing is the use):
 * `prepareRequest` sees the ACK for a 2xx, the BYE of a hang-up and the CANCEL, never the
 * agent's own requests; `prepareResponse` sees the core's own answers (405, 200 to BYE and
 * CANCEL, 487), never the agent's. And a proxy's `forwards` exempts what it only routes from the
 * §8.2.2.3 Require check (§16.3).
 */
import assert from "node:assert/strict";
import type { SipRequest, SipResponse } from "../message/message.ts";
import { startPeer, waitUntil } from "./test_support.ts";

const MARK = "X-Prepared";

function markRequest(request: SipRequest) {
  request.addHeader(MARK, `${request.method} core`);
}

function markResponse(response: SipResponse, request: SipRequest | undefined) {
  response.addHeader(MARK, `${response.status} ${request?.method ?? "-"}`);
}

Deno.test("prepareRequest sees the core's ACK, BYE and CANCEL, not the agent's requests", async () => {
  const prepared: string[] = [];
  await using alice = await startPeer("alice", "udp", {
    hooks: {
      prepareRequest: (request, destination) => {
        prepared.push(`${request.method} ${destination.port === bob.address.port}`);
        markRequest(request);
      },
    },
  });
  await using bob = await startPeer("bob", "udp");
  const to = `sip:bob@127.0.0.1:${bob.address.port}`;
  const answered: SipResponse[] = [];
  alice.core.request(
    alice.core.createRequest("INVITE", { to, from: "<sip:alice@127.0.0.1>" }),
    bob.address,
    {
      onFinal: (response, dialog) => {
        answered.push(response);
        if (dialog) alice.core.hangup(dialog);
      },
    },
  );
  await waitUntil(() => bob.agent.ended.length === 1, "the BYE at Bob");
  const invite = bob.agent.requests[0].request;
  assert.equal(invite.header(MARK), undefined, "the agent's INVITE is the agent's");
  assert.equal(bob.agent.acks[0].header(MARK), "ACK core");
  assert.equal(answered[0].status, 200);

  bob.agent.inviteAnswer = "ring";
  const ringing = alice.core.request(
    alice.core.createRequest("INVITE", { to, from: "<sip:alice@127.0.0.1>" }),
    bob.address,
    { onProvisional: () => ringing.cancel() },
  );
  await waitUntil(() => bob.agent.cancels.length === 1, "the CANCEL at Bob");
  assert.equal(bob.agent.cancels[0].header(MARK), "CANCEL core");
  await waitUntil(() => ringing.finalReceived, "the 487");
  assert.deepEqual(prepared, ["ACK true", "BYE true", "CANCEL true"]);
});

Deno.test("prepareResponse sees the core's own answers, not the agent's", async () => {
  const prepared: string[] = [];
  await using alice = await startPeer("alice", "udp");
  await using bob = await startPeer("bob", "udp", {
    hooks: {
      prepareResponse: (response, request) => {
        prepared.push(`${response.status} ${request?.method ?? "-"}`);
        markResponse(response, request);
      },
    },
  });
  const to = `sip:bob@127.0.0.1:${bob.address.port}`;
  const finals: SipResponse[] = [];
  const record = { onFinal: (response: SipResponse) => finals.push(response) };
  // §8.2.1: MESSAGE is not allowed here → the core's 405; OPTIONS gets the agent's own 200.
  for (const method of ["MESSAGE", "OPTIONS"]) {
    alice.core.request(
      alice.core.createRequest(method, { to, from: "<sip:alice@127.0.0.1>" }),
      bob.address,
      record,
    );
  }
  await waitUntil(() => finals.length === 2, "both answers");
  const byMethod = new Map(finals.map((r) => [r.cseq.method, r]));
  assert.equal(byMethod.get("MESSAGE")?.status, 405);
  assert.equal(byMethod.get("MESSAGE")?.header(MARK), "405 MESSAGE");
  assert.equal(byMethod.get("OPTIONS")?.header(MARK), undefined);

  // A cancelled INVITE (the core's 200 to CANCEL and 487), then a call ended by BYE (200).
  bob.agent.inviteAnswer = "ring";
  const ringing = alice.core.request(
    alice.core.createRequest("INVITE", { to, from: "<sip:alice@127.0.0.1>" }),
    bob.address,
    { onProvisional: () => ringing.cancel() },
  );
  await waitUntil(() => ringing.finalReceived, "the 487");
  bob.agent.inviteAnswer = "accept";
  alice.core.request(
    alice.core.createRequest("INVITE", { to, from: "<sip:alice@127.0.0.1>" }),
    bob.address,
    { onFinal: (_response, dialog) => dialog && alice.core.hangup(dialog) },
  );
  await waitUntil(
    () => alice.agent.ended.some((e) => e.cause === "BYE_COMPLETED"),
    "the BYE's 200 at Alice",
  );
  assert.deepEqual(prepared, ["405 MESSAGE", "200 CANCEL", "487 INVITE", "200 BYE"]);
});

Deno.test("a proxy's forwards() exempts what it only routes from the Require check", async () => {
  await using alice = await startPeer("alice", "udp");
  await using proxy = await startPeer("proxy", "udp");
  proxy.core.attachProxy({
    onForeignRequest: () => {},
    onForeignAck: () => {},
    onStrayResponse: () => {},
    onCancel: () => false,
    // §16.3: requests for bob are only routed here; those for the proxy itself are its own.
    forwards: (request) => request.uri.startsWith("sip:bob@"),
  });
  const finals: SipResponse[] = [];
  for (const user of ["bob", "proxy"]) {
    const to = `sip:${user}@127.0.0.1:${proxy.address.port}`;
    alice.core.request(
      alice.core.createRequest("OPTIONS", {
        to,
        from: "<sip:alice@127.0.0.1>",
        headers: [["Require", "x-unknown"]],
      }),
      proxy.address,
      { onFinal: (response) => finals.push(response) },
    );
  }
  await waitUntil(() => finals.length === 2, "both answers");
  const forBob = finals.find((r) => r.to.uriText.startsWith("sip:bob@"));
  const forProxy = finals.find((r) => r.to.uriText.startsWith("sip:proxy@"));
  // bob's reached the agent (its 200); the proxy's own met §8.2.2.3: 420 with Unsupported.
  assert.equal(forBob?.status, 200);
  assert.equal(forProxy?.status, 420);
  assert.equal(forProxy?.header("unsupported"), "x-unknown");
});
