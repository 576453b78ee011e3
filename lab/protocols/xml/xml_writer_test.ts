import assert from "node:assert/strict";
import { parseXml } from "./xml_reader.ts";
import { writeXml, xmlNode } from "./xml_writer.ts";

Deno.test("xml writer: escaping of text and attributes, undefined attributes left out", () => {
  const text = writeXml(
    xmlNode("r", [["a", 'x "y" & <z>\n'], ["skip", undefined], ["n", 3], ["b", true]], [
      "1 < 2 & 3 > 2",
      xmlNode("e"),
    ]),
    { declaration: true },
  );
  assert.equal(
    text,
    '<?xml version="1.0" encoding="utf-8"?>' +
      '<r a="x &quot;y&quot; &amp; &lt;z&gt;&#10;" n="3" b="true">1 &lt; 2 &amp; 3 &gt; 2<e/></r>',
  );
  const back = parseXml(text);
  assert.equal(back.attributes[0].value, 'x "y" & <z>\n');
  assert.equal(back.text, "1 < 2 & 3 > 2");
});

Deno.test("xml writer: a read element keeps its namespaces inside a foreign parent", () => {
  const state = parseXml(
    '<state xmlns="http://schemas.microsoft.com/2006/09/sip/state" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" manual="true" xsi:type="userState">' +
      "<availability>15500</availability><endpointLocation/></state>",
  );
  const wrapped = writeXml(
    xmlNode("category", [["xmlns", "http://schemas.microsoft.com/2006/09/sip/categories"]], [
      state,
      parseXml("<plain/>"),
    ]),
  );
  assert.equal(
    wrapped,
    '<category xmlns="http://schemas.microsoft.com/2006/09/sip/categories">' +
      '<state xmlns="http://schemas.microsoft.com/2006/09/sip/state" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" manual="true" xsi:type="userState">' +
      "<availability>15500</availability><endpointLocation/></state>" +
      '<plain xmlns=""/></category>',
  );
  const reread = parseXml(wrapped).children[0];
  assert.deepEqual(reread, state, "write → read gives the same element");
});

Deno.test("xml writer: declarations already in scope are not repeated", () => {
  const inner = parseXml('<p:b xmlns:p="urn:p"/>');
  assert.equal(
    writeXml(xmlNode("p:a", [["xmlns:p", "urn:p"]], [inner])),
    '<p:a xmlns:p="urn:p"><p:b/></p:a>',
  );
});
