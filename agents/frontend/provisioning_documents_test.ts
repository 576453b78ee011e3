import assert from "node:assert/strict";
import { parseXml } from "../../lab/protocols/xml/mod.ts";
import {
  formatProvisionGroupList,
  labProvisioningGroups,
  PROVISIONING_RESPONSE_NAMESPACE,
  readProvisioningRequest,
} from "./provisioning_documents.ts";

// MS-SIPREGE 2.2.2.1 request body (MS-SIPREGE.md §6.1).
const REQUEST =
  `<provisioningGroupList xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist">
  <provisioningGroup name="ServerConfiguration"/>
  <provisioningGroup name="meetingPolicy"/>
  <provisioningGroup name="persistentChatConfiguration"/>
  <provisioningGroup name="ucPolicy"/>
</provisioningGroupList>`;

Deno.test("the guide's provisioningGroupList is read group by group", () => {
  assert.deepEqual(readProvisioningRequest(REQUEST), {
    ok: true,
    groups: ["ServerConfiguration", "meetingPolicy", "persistentChatConfiguration", "ucPolicy"],
  });
});

Deno.test("bad requests: syntax, root, namespace, no group, a group without name", () => {
  const ns = `xmlns="http://schemas.microsoft.com/2006/09/sip/provisioninggrouplist"`;
  for (
    const text of [
      "<provisioningGroupList",
      `<other ${ns}/>`,
      `<provisioningGroupList xmlns="urn:x"><provisioningGroup name="a"/></provisioningGroupList>`,
      `<provisioningGroupList ${ns}/>`,
      `<provisioningGroupList ${ns}><provisioningGroup/></provisioningGroupList>`,
    ]
  ) assert.equal(readProvisioningRequest(text).ok, false, text);
});

Deno.test("the answer lists the groups asked for that the server has, in its namespace", () => {
  const groups = labProvisioningGroups("lab.test", "fe01.lab.test");
  const xml = formatProvisionGroupList(groups, [
    "ucPolicy",
    "persistentChatConfiguration",
    "serverconfiguration",
  ]);
  const root = parseXml(xml);
  assert.equal(root.namespace, PROVISIONING_RESPONSE_NAMESPACE);
  assert.deepEqual(
    root.children.map((g) => g.attributes.find((a) => a.localName === "name")?.value),
    ["ServerConfiguration", "ucPolicy"],
  );
  const config = root.children[0];
  const focus = config.children.find((c) => c.localName === "focusFactoryUri");
  assert.match(focus?.text ?? "", /^sip:focus-factory@lab\.test;gruu/);
  assert.equal(
    parseXml(formatProvisionGroupList(groups, undefined)).children.length,
    groups.length,
  );
});
