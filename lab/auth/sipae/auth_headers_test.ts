import assert from "node:assert/strict";
import { OCS_CAPTURE, SIP_SIGNATURES } from "../ntlm/testdata/nlmp_vectors.ts";
import { formatAuthHeaderValue, parseAuthHeaderValue } from "./auth_params.ts";
import {
  canonicalScheme,
  familyOfStatus,
  formatAuthenticationInfo,
  formatChallenge,
  formatCredentials,
  parseAuthenticationInfo,
  parseChallenge,
  parseCredentials,
} from "./auth_headers.ts";
import { SipaeHeaderError } from "./errors.ts";

const REALM = "SIP Communications Service";
const CAPTURE_TARGET = "cosmo-ocs-r2.cosmo.local";

// Wire examples of MS-SIPAE §4.1 / §4.2 and the captures of the implementation guide §2.3,
// each one header value exactly as it appears on the wire.
const SIPAE_41_NTLM_CHALLENGE =
  'NTLM realm="SIP Communications Service", targetname="server.contoso.com", version=3';
const SIPAE_41_KERBEROS_CHALLENGE =
  'Kerberos realm="SIP Communications Service", targetname="sip/server.contoso.com", version=3';
const CAPTURE_CREDENTIALS = `NTLM qop="auth", realm="${REALM}", opaque="2BDBAC9D", ` +
  `targetname="${CAPTURE_TARGET}", version=4, gssapi-data="${OCS_CAPTURE.authenticateBase64}", ` +
  `crand="13317733", cnum="1", response="${SIP_SIGNATURES.clientSignature}"`;
const CAPTURE_AUTH_INFO = `NTLM rspauth="${SIP_SIGNATURES.serverSignature}", srand="9616454F", ` +
  `snum="1", opaque="2BDBAC9D", qop="auth", targetname="${CAPTURE_TARGET}", realm="${REALM}"`;
const TLS_DSK_AUTH_INFO = 'TLS-DSK qop="auth", opaque="F755045D", srand="1D9666D9", snum="17", ' +
  'rspauth="3359c8ac2e6229b2eb9738ac707dc8c3e54f65f0", targetname="PROXY.company1", ' +
  'realm="SIP Communications Service", version=4';
const KERBEROS_PROXY_AUTH_INFO = 'Kerberos qop="auth", opaque="224773FA", srand="84924759", ' +
  'snum="4", rspauth="040401ffffffffff00000000000000001516d27bd2ddfb27246db52a", ' +
  'targetname="sip/clientmainse.fabrikam.com", realm="SIP Communications Service", version=4';
const SIPREGE_KERBEROS_AUTH_INFO = 'Kerberos rspauth="602306092A864886F71201020201011100FFFFFFFF' +
  '104A8EDFA12CC095AAA663DF55824DCB", srand="5E058A82", snum="1", opaque="E0DA4F74", ' +
  'qop="auth", targetname="sip/DB19-LCT.Production.cdmedia.tv", realm="SIP Communications Service"';

Deno.test("MS-SIPAE 4.1 first challenges are reproduced byte for byte", () => {
  assert.equal(
    formatChallenge({
      scheme: "NTLM",
      realm: REALM,
      targetname: "server.contoso.com",
      version: 3,
    }),
    SIPAE_41_NTLM_CHALLENGE,
  );
  assert.equal(
    formatChallenge({
      scheme: "Kerberos",
      realm: REALM,
      targetname: "sip/server.contoso.com",
      version: 3,
    }),
    SIPAE_41_KERBEROS_CHALLENGE,
  );
  const parsed = parseChallenge(SIPAE_41_KERBEROS_CHALLENGE);
  assert.deepEqual(parsed, {
    scheme: "Kerberos",
    realm: REALM,
    targetname: "sip/server.contoso.com",
    version: 3,
    opaque: undefined,
    gssapiData: undefined,
    qop: undefined,
    stsUri: undefined,
    extensions: [],
  });
});

Deno.test("the token challenge uses Lync's order: opaque, gssapi-data, targetname, realm, version", () => {
  const text = formatChallenge({
    scheme: "NTLM",
    realm: REALM,
    targetname: CAPTURE_TARGET,
    version: 4,
    opaque: "2BDBAC9D",
    gssapiData: OCS_CAPTURE.challengeBase64,
  });
  assert.equal(
    text,
    `NTLM opaque="2BDBAC9D", gssapi-data="${OCS_CAPTURE.challengeBase64}", ` +
      `targetname="${CAPTURE_TARGET}", realm="${REALM}", version=4`,
  );
  const back = parseChallenge(text);
  assert.equal(back.gssapiData, OCS_CAPTURE.challengeBase64);
  assert.equal(back.opaque, "2BDBAC9D");
});

Deno.test("the OC 2007 R2 Proxy-Authorization capture is reproduced byte for byte", () => {
  const parsed = parseCredentials(CAPTURE_CREDENTIALS);
  assert.equal(parsed.scheme, "NTLM");
  assert.equal(parsed.qop, "auth");
  assert.equal(parsed.opaque, "2BDBAC9D");
  assert.equal(parsed.version, 4);
  assert.equal(parsed.gssapiData, OCS_CAPTURE.authenticateBase64);
  assert.equal(parsed.crand, "13317733");
  assert.equal(parsed.cnum, "1");
  assert.equal(parsed.response, SIP_SIGNATURES.clientSignature);
  assert.equal(formatCredentials(parsed), CAPTURE_CREDENTIALS);
});

Deno.test("authentication info: Lync captures by the formatter, OCS orders by round trip", () => {
  for (const text of [TLS_DSK_AUTH_INFO, KERBEROS_PROXY_AUTH_INFO]) {
    assert.equal(formatAuthenticationInfo(parseAuthenticationInfo(text)), text);
  }
  // OCS 2007 R2 and the MS-SIPREGE example put rspauth first: the generic codec keeps any order.
  for (const text of [CAPTURE_AUTH_INFO, SIPREGE_KERBEROS_AUTH_INFO]) {
    assert.equal(formatAuthHeaderValue(parseAuthHeaderValue(text)), text);
  }
  const ocs = parseAuthenticationInfo(CAPTURE_AUTH_INFO);
  assert.equal(ocs.rspauth, SIP_SIGNATURES.serverSignature);
  assert.equal(ocs.srand, "9616454F");
  assert.equal(ocs.snum, "1");
  assert.equal(ocs.version, undefined);
  assert.equal(parseAuthenticationInfo(TLS_DSK_AUTH_INFO).scheme, "TLS-DSK");
});

Deno.test('the empty first credentials carry gssapi-data="" and the offered version', () => {
  const text = formatCredentials({
    scheme: "NTLM",
    qop: "auth",
    realm: REALM,
    targetname: "server.contoso.com",
    version: 3,
    gssapiData: "",
  });
  assert.equal(
    text,
    'NTLM qop="auth", realm="SIP Communications Service", targetname="server.contoso.com", ' +
      'version=3, gssapi-data=""',
  );
  assert.equal(parseCredentials(text).gssapiData, "");
});

Deno.test("MS-SIP 3.1.4.2 signed Proxy-Authorization parses in any parameter order", () => {
  const c = parseCredentials(
    'NTLM qop="auth", realm="SIP Communications Service", opaque="9C55D687", ' +
      'crand="009139df", cnum="1", targetname="pstn.pstntest.rtmp.selfhost.corp.microsoft.com", ' +
      'response="0100000039623537c854b2e8ca6a203e"',
  );
  assert.equal(c.targetname, "pstn.pstntest.rtmp.selfhost.corp.microsoft.com");
  assert.equal(c.crand, "009139df");
  assert.equal(c.gssapiData, undefined);
});

Deno.test("tolerant reading: MS-SIP 4.1/4.2 bare values, spaces around =, no space after comma", () => {
  const bare = parseCredentials(
    "Kerberos realm=Contoso RTC Service Provider,\ttargetname=sip/hs2.contoso.com, qop=auth, " +
      "gssapi-data=8234934234, opaque=CDEF1245",
  );
  assert.equal(bare.realm, "Contoso RTC Service Provider");
  assert.equal(bare.targetname, "sip/hs2.contoso.com");
  assert.equal(bare.gssapiData, "8234934234");
  assert.equal(bare.opaque, "CDEF1245");

  const spaced = parseChallenge(
    'NTLM realm="Contoso RTC Service Provider", targetname="hs1.contoso.com", qop="auth", ' +
      'gssapi-data ="345435acdecbba",opaque="ACDC123"',
  );
  assert.equal(spaced.gssapiData, "345435acdecbba");
  assert.equal(spaced.opaque, "ACDC123");

  const info = parseAuthenticationInfo(
    'NTLM realm="Contoso RTC Service Provider", targetname="hs2.contoso.com", qop="auth", ' +
      'opaque="CDEF1245", rspauth="fefeacdd", srand=98984345, snum=1',
  );
  assert.equal(info.srand, "98984345");
  assert.equal(info.snum, "1");

  // Names are case-insensitive; schemes too (canonical spelling kept).
  const upper = parseChallenge('ntlm REALM="r", TargetName="t", Version=4, cnonce="x"');
  assert.equal(upper.scheme, "NTLM");
  assert.equal(upper.version, 4);
  assert.deepEqual(upper.extensions, [{ name: "cnonce", value: "x", quoted: true }]);
});

Deno.test("malformed values are rejected with SipaeHeaderError", () => {
  const bad = [
    "", // no scheme
    'NTLM realm="unterminated',
    'NTLM realm="r", targetname="t", targetname="u"', // duplicate
    'NTLM realm="r" targetname="t"', // missing comma
    'NTLM realm, targetname="t"', // no value
    'NTLM realm="r", targetname="t", version=four',
    'NTLM targetname="t"', // no realm
    // MS-SIP 4.2 typo: the closing quote is an apostrophe.
    `NTLM realm="Contoso RTC Service Provider", targetname="hs1.contoso.com', qop="auth"`,
    'NTLM,realm="r"', // scheme glued to a comma
  ];
  for (const text of bad) {
    assert.throws(() => parseChallenge(text), SipaeHeaderError, text);
  }
  assert.throws(
    () => parseAuthenticationInfo('NTLM realm="r", targetname="t", srand="1", snum="1"'),
    /lacks rspauth/,
  );
});

Deno.test("scheme and family helpers", () => {
  assert.equal(canonicalScheme("tls-dsk"), "TLS-DSK");
  assert.equal(canonicalScheme("Digest"), undefined);
  assert.equal(familyOfStatus(401), "www");
  assert.equal(familyOfStatus(407), "proxy");
  assert.equal(familyOfStatus(403), undefined);
});
