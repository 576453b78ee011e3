import assert from "node:assert/strict";
import { buildLocalResponse, buildTrying } from "./local_response.ts";
import { makeRequest } from "./test_fixtures.ts";

Deno.test("100 Trying: Vias in order, no To tag, Timestamp copied (§8.2.6, §17.2.1)", () => {
  const invite = makeRequest("INVITE");
  invite.prependHeader("Via", "SIP/2.0/UDP proxy.example.com;branch=z9hG4bKp");
  invite.addHeader("Timestamp", "54.2 0.1");
  const trying = buildTrying(invite);
  assert.equal(trying.status, 100);
  assert.equal(trying.reason, "Trying");
  assert.deepEqual(trying.headerValues("via"), invite.headerValues("via"));
  assert.equal(trying.header("to"), invite.header("to"));
  assert.equal(trying.to.tag, undefined);
  assert.equal(trying.header("timestamp"), "54.2 0.1");
  assert.deepEqual(trying.cseq, invite.cseq);
  assert.equal(trying.callId, invite.callId);
});

Deno.test("local final response adds the To tag only when the request had none", () => {
  const cancel = makeRequest("CANCEL");
  const res = buildLocalResponse(cancel, 481, "Call/Transaction Does Not Exist", "t1");
  assert.equal(res.to.tag, "t1");
  assert.equal(res.header("from"), cancel.header("from"));
  assert.equal(res.hasHeader("timestamp"), false);
  const inDialog = makeRequest("BYE", { toTag: "existing" });
  assert.equal(
    buildLocalResponse(inDialog, 481, "Call/Transaction Does Not Exist", "t2").to.tag,
    "existing",
  );
});
