import assert from "node:assert/strict";
import { decodeMsgr, encodeMsgr, formatMsTextFormat, parseMsTextFormat } from "./ms_text_format.ts";

const FORMAT = "X-MMS-IM-Format: FN=Segoe%20UI; EF=; CO=0; CS=0; PF=0";

Deno.test("msgr: base64 of UTF-16LE, as the guide's 'msgr=WAAtAE0ATQBT…' shows", () => {
  const msgr = encodeMsgr(FORMAT);
  assert.ok(msgr.startsWith("WAAtAE0ATQBT"), msgr);
  assert.equal(decodeMsgr(msgr), FORMAT);
  assert.equal(decodeMsgr("WA=="), undefined, "odd byte count");
  assert.equal(decodeMsgr("!!"), undefined, "not base64");
});

Deno.test("ms-text-format: first message round-trips, UTF-8 text and msgr kept", () => {
  const value = formatMsTextFormat({ mediaType: "text/plain", text: "Grüße ✓", format: FORMAT });
  assert.match(value, /^text\/plain; charset=UTF-8;msgr=WAAtAE0ATQBT[^;]*;ms-body=/);
  assert.deepEqual(parseMsTextFormat(value), {
    mediaType: "text/plain",
    text: "Grüße ✓",
    format: FORMAT,
  });
  assert.deepEqual(parseMsTextFormat("text/plain; charset=UTF-8;ms-body=aGk="), {
    mediaType: "text/plain",
    text: "hi",
  });
  assert.equal(parseMsTextFormat("text/plain; charset=UTF-8"), undefined);
});
