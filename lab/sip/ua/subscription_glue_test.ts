/**
 * Dialogs the agent owns (RFC 6665 subscriptions): the core matches their requests and hands
 * them over with the dialog, leaving the §12.2.2 checks to the agent's usage; a NOTIFY that
 * beats the 2xx to its SUBSCRIBE reaches the agent without a dialog (§4.1.2.4).
 */
import assert from "node:assert/strict";
import type { AnySipMessage, SipRequest } from "../message/message.ts";
import { parseMessage } from "../message/parser.ts";
import type { Destination } from "../transaction/mod.ts";
import { TimerWheel } from "../timer/mod.ts";
import { Dialog } from "../dialog/mod.ts";
import { RecordingAgent } from "./test_support.ts";
import { UserAgentCore } from "./user_agent_core.ts";

const NOTIFIER: Destination = { protocol: "UDP", host: "192.0.2.4", port: 5070 };

function notifyFor(subscribe: SipRequest, cseq: number, branch: string): SipRequest {
  return parseMessage(
    [
      `NOTIFY sip:alice@192.0.2.1:5060 SIP/2.0`,
      `Via: SIP/2.0/UDP 192.0.2.4:5070;branch=${branch}`,
      "Max-Forwards: 70",
      `From: <sip:bob@192.0.2.4>;tag=n1`,
      `To: ${subscribe.header("from")}`,
      `Call-ID: ${subscribe.callId}`,
      `CSeq: ${cseq} NOTIFY`,
      "Event: presence",
      "Subscription-State: active;expires=600",
      "Contact: <sip:bob@192.0.2.4:5070>",
      "Content-Length: 0",
    ].join("\r\n") + "\r\n\r\n",
  ) as SipRequest;
}

Deno.test("subscription dialogs: early NOTIFY without dialog, later ones with the agent's dialog", async () => {
  const wheel = new TimerWheel({ mode: "virtual" });
  const sent: AnySipMessage[] = [];
  const agent = new RecordingAgent();
  const core = new UserAgentCore({
    createTransport: () => ({
      reliable: () => false,
      send: (msg: AnySipMessage) => {
        sent.push(msg);
        return Promise.resolve();
      },
    }),
    handler: agent,
    wheel,
    allowedMethods: ["SUBSCRIBE", "NOTIFY", "OPTIONS"],
  });
  agent.core = core;
  core.start({
    viaHost: "192.0.2.1",
    viaPort: 5060,
    protocol: "UDP",
    contact: "sip:alice@192.0.2.1",
  });
  try {
    const subscribe = core.createRequest("SUBSCRIBE", {
      to: "sip:bob@192.0.2.4:5070",
      from: "sip:alice@192.0.2.1",
      headers: [["Event", "presence"], ["Expires", "600"]],
    });
    assert.equal(subscribe.header("contact"), "<sip:alice@192.0.2.1>");
    core.request(subscribe, NOTIFIER);

    // §4.1.2.4: the NOTIFY arrives before any 2xx: no dialog yet, the agent decides.
    const first = notifyFor(subscribe, 1, "z9hG4bKn1");
    core.receiveMessage(first, NOTIFIER);
    assert.equal(agent.requests.length, 1);
    assert.equal(agent.requests[0].dialog, undefined);
    const dialog = Dialog.fromSubscriberNotify(subscribe, first);
    core.dialogs.add(dialog);

    // In the dialog now: delivered with it, CSeq left to the subscription usage.
    core.receiveMessage(notifyFor(subscribe, 2, "z9hG4bKn2"), NOTIFIER);
    assert.equal(agent.requests[1].dialog, dialog);
    assert.equal(dialog.remoteSeq, 1, "the core did not run the dialog's CSeq check");
    const statuses = sent.flatMap((m) => m.kind === "response" ? [m.status] : []);
    assert.deepEqual(statuses, [200, 200]);
    assert.deepEqual(agent.methods, ["NOTIFY", "NOTIFY"]);
  } finally {
    await core.stop();
    wheel.stop();
  }
});
