import assert from "node:assert/strict";
import { buildMultipart, chooseAlternative, parseMultipart } from "./multipart.ts";
import { readImBody } from "./im_body.ts";

const encode = (s: string) => new TextEncoder().encode(s);

Deno.test("multipart/alternative: built bodies parse back, part for part", () => {
  const parts = [
    { contentType: "text/plain; charset=UTF-8", body: "hello" },
    { contentType: "text/html; charset=UTF-8", body: "<b>hello</b>\r\nline two" },
  ];
  const built = buildMultipart("alternative", parts, "b1");
  assert.equal(built.contentType, 'multipart/alternative;boundary="b1"');
  assert.equal(
    built.body,
    "--b1\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nhello\r\n" +
      "--b1\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n<b>hello</b>\r\nline two\r\n--b1--\r\n",
  );
  assert.deepEqual(parseMultipart(built.contentType, built.body), parts);
  assert.throws(() =>
    buildMultipart("alternative", [{ contentType: "text/plain", body: "--b1" }], "b1")
  );
});

Deno.test("multipart: preamble/epilogue ignored, default part type, truncated body refused", () => {
  const body =
    "preamble\r\n--x\r\n\r\nplain\r\n--x\r\nContent-type: text/rtf\r\n\r\n{\\rtf1 hi}\r\n--x--\r\nepilogue";
  const parts = parseMultipart("multipart/alternative; boundary=x", body);
  assert.deepEqual(parts, [
    { contentType: "text/plain; charset=us-ascii", body: "plain" },
    { contentType: "text/rtf", body: "{\\rtf1 hi}" },
  ]);
  assert.equal(parseMultipart("multipart/alternative; boundary=x", "--x\r\n\r\nno end"), undefined);
  assert.equal(parseMultipart("multipart/alternative", body), undefined, "no boundary");
  // RFC 2046 §5.1.4: the last supported alternative wins.
  assert.equal(
    chooseAlternative(parts!, (t) => t.mediaType.startsWith("text/"))?.body,
    "{\\rtf1 hi}",
  );
  assert.equal(chooseAlternative(parts!, (t) => t.mediaType === "text/plain")?.body, "plain");
});

Deno.test("IM bodies: text types, multipart best alternative, is-composing, unsupported", () => {
  assert.deepEqual(readImBody("text/html", encode("<i>x</i>")), {
    kind: "text",
    mediaType: "text/html",
    text: "<i>x</i>",
    alternative: false,
  });
  const msgr =
    "text/plain; charset=UTF-8;msgr=WAAtAE0ATQBTAC0ASQBNAC0ARgBvAHIAbQBhAHQAOgAgAEYATgA9AEEA";
  const read = readImBody(msgr, encode("hi"));
  assert.equal(read.kind === "text" ? read.format : undefined, "X-MMS-IM-Format: FN=A");
  const m = buildMultipart("alternative", [
    { contentType: "text/plain", body: "p" },
    { contentType: "text/html", body: "<p>h</p>" },
    { contentType: "image/gif", body: "GIF89a" },
  ]);
  const best = readImBody(m.contentType, encode(m.body));
  assert.equal(best.kind === "text" && `${best.mediaType} ${best.text}`, "text/html <p>h</p>");
  assert.equal(readImBody("application/im-iscomposing+xml", encode("<bad")).kind, "composing");
  assert.deepEqual(readImBody("application/pdf", encode("%PDF")), {
    kind: "unsupported",
    mediaType: "application/pdf",
  });
  assert.equal(readImBody("garbage", encode("")).kind, "unsupported");
});
