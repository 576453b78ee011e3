import assert from "node:assert/strict";
import {
  attributeValue,
  escapeXmlAttribute,
  escapeXmlText,
  parseXml,
  XmlSyntaxError,
} from "./xml_reader.ts";

Deno.test("xml: declaration, comments, PIs, namespaces, references, CDATA", () => {
  const root = parseXml(
    '\uFEFF<?xml version="1.0" encoding="utf-8"?>\r\n<!-- c --><?pi x?>\n' +
      '<r xmlns="urn:a" xmlns:p="urn:p" k=\'v &amp; w\' p:q="1">' +
      't&lt;&#65;&#x42;<!-- inner --><![CDATA[<raw>&]]><p:c/><d xmlns=""><e/></d>' +
      "</r>\n<!-- after -->",
  );
  assert.equal(root.localName, "r");
  assert.equal(root.namespace, "urn:a");
  assert.equal(attributeValue(root, "k"), "v & w");
  assert.equal(attributeValue(root, "q"), undefined, "prefixed attributes are not unprefixed ones");
  assert.equal(root.attributes.find((a) => a.localName === "q")?.namespace, "urn:p");
  assert.equal(root.text, "t<AB<raw>&");
  assert.equal(root.children[0].namespace, "urn:p");
  assert.equal(root.children[0].localName, "c");
  assert.equal(root.children[1].namespace, undefined, 'xmlns="" undeclares the default');
  assert.equal(root.children[1].children[0].namespace, undefined);
});

Deno.test("xml: attribute whitespace normalisation and line ends", () => {
  const root = parseXml('<r a="x\ty\r\nz" b="&#10;">l1\r\nl2\rl3</r>');
  assert.equal(attributeValue(root, "a"), "x y z");
  assert.equal(attributeValue(root, "b"), "\n");
  assert.equal(root.text, "l1\nl2\nl3");
});

Deno.test("xml: not well-formed or refused input throws XmlSyntaxError", () => {
  const bad = [
    "",
    "text",
    "<a>",
    "<a></b>",
    "<a b=1/>",
    '<a b="1" b="2"/>',
    '<a b="<"/>',
    "<a>&unknown;</a>",
    "<a>&#0;</a>",
    "<a>&#xD800;</a>",
    "<a>&amp</a>",
    "<a>x < y</a>",
    "<a/><b/>",
    "<a/>trailing",
    '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
    "<a><!-- a -- b --></a>",
    "<a><![CDATA[x</a>",
    "<p:a/>",
    '<a p:b="1"/>',
    '<a c="1"d="2"/>',
    '<?xml version="1.0"?><?xml version="1.0"?><a/>',
    "<a><!ELEMENT a ANY></a>",
  ];
  for (const text of bad) assert.throws(() => parseXml(text), XmlSyntaxError, JSON.stringify(text));
  assert.throws(() => parseXml("<a>".repeat(40) + "</a>".repeat(40)), XmlSyntaxError);
  assert.equal(parseXml("<a>".repeat(5) + "</a>".repeat(5), { maxDepth: 5 }).localName, "a");
});

Deno.test("xml: escaping round-trips through the reader", () => {
  const nasty = 'a<b>&"c"\td\ne';
  assert.equal(escapeXmlText('1;reason="a<b"'), '1;reason="a&lt;b"');
  const root = parseXml(`<r v="${escapeXmlAttribute(nasty)}">${escapeXmlText(nasty)}</r>`);
  assert.equal(attributeValue(root, "v"), nasty);
  assert.equal(root.text, nasty);
});
