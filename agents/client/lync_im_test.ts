/**
 * IM between two Lync client endpoints through the real lab front end (TLS on loopback,
 * MS-SIPAE NTLM): each endpoint hosts an ImAgent on its session; INVITE with the first
 * message, MESSAGEs, typing INFO and BYE all travel signed and verified both ways (a message
 * that fails verification is discarded, so a delivered one was verified). A user signed in on
 * two endpoints: the INVITE forks to both, the first 200 wins and the other endpoint's INVITE is
 * cancelled (487).
 */
import assert from "node:assert/strict";
import type { KeyboardStatus } from "../../lab/protocols/im/mod.ts";
import { ImAgent, type ImSession, plainText } from "../im/mod.ts";
import type { LyncEndpoint } from "./lync_endpoint.ts";
import { account, type ClientLab, startClientLab, until } from "./test_support.ts";

/** Signs `name` in and waits until online. */
async function online(lab: ClientLab, name: string): Promise<LyncEndpoint> {
  const next = lab.reports.next("online");
  const endpoint = lab.client.signIn(account(name));
  assert.equal(await next, endpoint);
  return endpoint;
}

/** An ImAgent on `endpoint`'s session, recording what its user sees. */
function imUser(endpoint: LyncEndpoint) {
  const seen = {
    sessions: [] as ImSession[],
    texts: [] as string[],
    typing: [] as KeyboardStatus[],
    delivered: [] as string[],
    ended: [] as string[],
  };
  const agent = new ImAgent(endpoint.session(), {
    listener: {
      onSession: (s) => seen.sessions.push(s),
      onMessage: (_s, m) => seen.texts.push(m.text),
      onTyping: (_s, status) => seen.typing.push(status),
      onDelivery: (_s, m, ok) => ok && seen.delivered.push(m.body),
      onEnded: (_s, end) => seen.ended.push(end),
    },
  });
  endpoint.setHandler(agent.asHandler());
  return { agent, seen };
}

Deno.test("IM through the front end: signed INVITE, MESSAGE, INFO and BYE both ways", async () => {
  const lab = await startClientLab({ provisioning: false });
  try {
    const alice = imUser(await online(lab, "alice"));
    const bob = imUser(await online(lab, "bob"));

    const session = alice.agent.invite(`sip:bob@${lab.frontend.domain}`, plainText("hello bob"));
    await until(() => bob.seen.texts.length === 1, "the first message at bob");
    assert.equal(bob.seen.texts[0], "hello bob");
    await until(() => alice.seen.delivered.length === 1, "the INVITE's 200 at alice");

    session.send(plainText("second"));
    session.typing("type");
    await until(() => bob.seen.texts.length === 2 && bob.seen.typing.length === 1, "MESSAGE+INFO");
    assert.deepEqual(bob.seen.typing, ["type"]);

    bob.seen.sessions[0].send(plainText("hi alice"));
    await until(() => alice.seen.texts.includes("hi alice"), "bob's reply");

    session.hangup();
    await until(
      () => alice.seen.ended.length === 1 && bob.seen.ended.length === 1,
      "the BYE at both ends",
    );
    assert.deepEqual([alice.seen.ended, bob.seen.ended], [["closed"], ["closed"]]);
    assert.equal(alice.agent.sessions + bob.agent.sessions, 0);
  } finally {
    await lab.close();
  }
});

Deno.test("IM fork: two endpoints of bob ring, the first 200 wins, the other gets CANCEL → 487", async () => {
  const lab = await startClientLab({ provisioning: false });
  try {
    const alice = imUser(await online(lab, "alice"));
    const bobDesk = await online(lab, "bob");
    const bobPhone = await online(lab, "bob");
    const desk = imUser(bobDesk);
    // The phone rings and never answers: it holds the INVITE until it is cancelled.
    const cancelled: string[] = [];
    const phoneCore = bobPhone.session().core;
    bobPhone.setHandler({
      onRequest: (tx, request) => {
        if (request.method === "INVITE") {
          phoneCore.respond(tx, phoneCore.createResponse(request, 180));
        } else phoneCore.respond(tx, phoneCore.createResponse(request, 481));
      },
      onCancel: (invite) => cancelled.push(invite.request.method),
    });
    assert.equal(lab.frontend.location.lookup(`sip:bob@${lab.frontend.domain}`).length, 2);

    const session = alice.agent.invite(`sip:bob@${lab.frontend.domain}`, plainText("anyone?"));
    await until(() => desk.seen.texts.length === 1, "the INVITE at bob's desk");
    await until(() => cancelled.length === 1, "the CANCEL at bob's phone");
    assert.deepEqual(cancelled, ["INVITE"]);
    await until(() => alice.seen.delivered.length === 1, "the desk's 200 at alice");

    session.send(plainText("got you"));
    await until(() => desk.seen.texts.includes("got you"), "a MESSAGE in the winning dialog");
    session.hangup();
    await until(() => desk.seen.ended.length === 1, "the BYE at the desk");
  } finally {
    await lab.close();
  }
});

Deno.test("Require is the endpoints' business: the front end routes what it does not support", async () => {
  // RFC 3261 §16.3: a proxy ignores Require; the front end here understands no option tag.
  const lab = await startClientLab({ provisioning: false }, { supportedExtensions: [] });
  try {
    const alice = await online(lab, "alice");
    const bob = await online(lab, "bob");
    const bobCore = bob.session().core;
    const taken: string[] = [];
    bob.setHandler({
      onRequest: (tx, request) => {
        taken.push(request.header("require") ?? "");
        bobCore.respond(tx, bobCore.createResponse(request, 200));
      },
    });
    const session = alice.session();
    const statuses: number[] = [];
    for (const tag of ["eventlist", "x-nobody"]) {
      const message = session.core.createRequest("MESSAGE", {
        to: `<sip:bob@${lab.frontend.domain}>`,
        from: `<${session.aor}>;epid=${session.epid}`,
        headers: [["Require", tag]],
        body: "hi",
        contentType: "text/plain",
      });
      await new Promise<void>((resolve) =>
        session.core.request(message, session.outbound, {
          onFinal: (response) => {
            statuses.push(response.status);
            resolve();
          },
        })
      );
    }
    // Bob understands eventlist (200); nobody understands x-nobody: Bob's core answers 420.
    assert.deepEqual(statuses, [200, 420]);
    assert.deepEqual(taken, ["eventlist"]);
  } finally {
    await lab.close();
  }
});

Deno.test("the caller cancels: its signed CANCEL stops Bob's ringing, both ends see 487", async () => {
  const lab = await startClientLab({ provisioning: false });
  try {
    const alice = imUser(await online(lab, "alice"));
    const bob = await online(lab, "bob");
    const bobCore = bob.session().core;
    const cancelled: string[] = [];
    const ringing: string[] = [];
    bob.setHandler({
      onRequest: (tx, request) => {
        ringing.push(request.method);
        bobCore.respond(tx, bobCore.createResponse(request, 180));
      },
      onCancel: (invite) => cancelled.push(invite.request.method),
    });
    const session = alice.agent.invite(`sip:bob@${lab.frontend.domain}`, plainText("ring?"));
    await until(() => ringing.length === 1, "the INVITE at Bob");
    // MS-SIPAE §3.3.5.1: the CANCEL is signed (an unsigned one would be discarded).
    session.hangup();
    await until(() => cancelled.length === 1, "the CANCEL at Bob");
    await until(() => alice.seen.ended.length === 1, "the 487 at Alice");
    // The user hung up: the session closes; its INVITE ended with Bob's 487 (§9.2).
    assert.deepEqual(alice.seen.ended, ["closed"]);
    assert.equal(session.failureStatus, 487);
  } finally {
    await lab.close();
  }
});
