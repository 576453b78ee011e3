/**
 * Examples from the MS-OCER material, byte for byte, shared by the tests of this folder.
 *
 * @module
 */

// MS-OCER.md §3 (the guide's copy of the MS-OCER §3.1.4.1 body).
export const GUIDE_REPORT_ERROR_BODY =
  `<reportError xmlns="http://schemas.microsoft.com/2006/09/sip/error-reporting">
  <error toUri="sip:user@contoso.com" callId="5ec5a21ab8bb4960b98de162f45cd204"
         fromTag="823bb11e1a" toTag="4F230FC472C24AD1255468D8C334D8FE"
         contentType="application/sdp;call-type=audiovideo"
         responseCode="408" requestType="INVITE">
    <diagHeader>10000;reason="Gateway returned a SIP failure code"</diagHeader>
    <progressReports>
      <progressReport>
        <diagHeader>12006;reason="Trying next hop";appName="OutboundRouting"</diagHeader>
      </progressReport>
    </progressReports>
  </error>
</reportError>
`;

/** The header lines of the guide's SERVICE example (MS-OCER.md §3), in order. */
export const GUIDE_SERVICE_HEADERS: [string, string][] = [
  ["From", '"Bob" <sip:user@contoso.com>;tag=e3c95998f5;epid=35cd761967'],
  ["To", "<sip:user@contoso.com>"],
  ["CSeq", "1 SERVICE"],
  ["Content-Type", "application/msrtc-reporterror+xml"],
];
