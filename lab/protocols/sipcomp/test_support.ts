/**
 * Test helpers of the MS-SIPCOMP package: a seeded random source and a corpus of realistic
 * Lync / Skype for Business SIP traffic (REGISTER with NTLM, presence SUBSCRIBE and BENOTIFY
 * with XML bodies, SERVICE, INVITE with ICE-laden SDP, IM MESSAGE) built with the message
 * model and serializer. Not part of the public API.
 *
 * @module
 */
import { type AnySipMessage, SipRequest, SipResponse } from "../../sip/message/message.ts";
import { serializeMessage } from "../../sip/message/serializer.ts";

/** Deterministic pseudo-random numbers in [0, 1) (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` octets from `random`, each drawn from the first `alphabet` byte values. */
export function randomBytes(random: () => number, n: number, alphabet = 256): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.floor(random() * alphabet);
  return out;
}

/** Concatenation of arrays. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
const USER_AGENT = "UCCAPI/16.0.5356.1000 OC/16.0.5356.1000 (Skype for Business)";
const SUPPORTED = "gruu-10, adhoclist, msrtc-event-categories, com.microsoft.msrtc.presence";

/** A builder of plausible traffic between one client and its front-end server. */
class Traffic {
  readonly #random: () => number;
  readonly user: string;
  readonly clientIp: string;
  readonly clientPort: number;
  #cseq = 1;
  readonly #callId: string;
  readonly #tag: string;
  readonly #epid: string;
  readonly #contact: string;

  constructor(random: () => number, index: number) {
    this.#random = random;
    this.user = ["alice", "bob", "carol", "dave", "erin", "frank"][index % 6] + index;
    this.clientIp = `10.0.${index % 250}.${1 + (index * 7) % 250}`;
    this.clientPort = 50000 + Math.floor(random() * 10000);
    this.#callId = this.hex(16);
    this.#tag = this.hex(16);
    this.#epid = this.hex(5);
    this.#contact = `<sip:${this.user}@contoso.com;opaque=user:epid:${this.hex(8)};gruu>;` +
      `+sip.instance="<urn:uuid:${this.hex(4)}-${this.hex(2)}-${this.hex(2)}-${this.hex(2)}-${
        this.hex(6)
      }>"`;
  }

  hex(octets: number): string {
    let out = "";
    for (let i = 0; i < octets; i++) {
      out += Math.floor(this.#random() * 256).toString(16).padStart(2, "0");
    }
    return out;
  }

  get aor(): string {
    return `sip:${this.user}@contoso.com`;
  }

  request(method: string, uri: string, body = "", type = ""): SipRequest {
    const req = new SipRequest(method, uri)
      .addHeader(
        "Via",
        `SIP/2.0/TLS ${this.clientIp}:${this.clientPort};branch=z9hG4bK${this.hex(6)}`,
      )
      .addHeader("Max-Forwards", "70")
      .addHeader("From", `<${this.aor}>;tag=${this.#tag};epid=${this.#epid}`)
      .addHeader("To", `<${method === "REGISTER" ? this.aor : uri}>`)
      .addHeader("Call-ID", this.#callId)
      .addHeader("CSeq", `${this.#cseq++} ${method}`)
      .addHeader("Contact", this.#contact)
      .addHeader("User-Agent", USER_AGENT)
      .addHeader("Supported", SUPPORTED)
      .addHeader("ms-keep-alive", "UAC;hop-hop=yes");
    if (method !== "REGISTER") {
      req.addHeader(
        "Proxy-Authorization",
        `NTLM qop="auth", realm="SIP Communications Service", opaque="${this.hex(4)}", ` +
          `targetname="fe01.contoso.com", crand="${this.hex(4)}", cnum="${this.#cseq}", ` +
          `response="${this.hex(16)}01000000"`,
      );
    }
    if (body) {
      req.addHeader("Content-Type", type);
      req.body = encoder.encode(body);
    }
    return req;
  }

  answer(req: SipRequest, status: number, reason: string, body = "", type = ""): SipResponse {
    const res = new SipResponse(status, reason)
      .addHeader("Authentication-Info", `NTLM rspauth="${this.hex(16)}", srand="${this.hex(4)}"`)
      .addHeader(
        "Via",
        `${
          req.header("via")
        };received=192.0.2.10;ms-received-port=${this.clientPort};ms-received-cid=${
          this.hex(3).toUpperCase()
        }`,
      )
      .addHeader("From", req.header("from")!)
      .addHeader("To", `${req.header("to")};tag=${this.hex(16).toUpperCase()}`)
      .addHeader("Call-ID", req.callId)
      .addHeader("CSeq", req.header("cseq")!)
      .addHeader("Server", "RTC/7.0");
    if (body) {
      res.addHeader("Content-Type", type);
      res.body = encoder.encode(body);
    }
    return res;
  }
}

function presenceCategories(user: string, random: () => number): string {
  const availability = [3500, 6500, 9500, 15500][Math.floor(random() * 4)];
  return `<categories xmlns="http://schemas.microsoft.com/2006/09/sip/categories" uri="sip:${user}` +
    `@contoso.com"><category name="state" instance="1" publishTime="2024-05-0${
      1 + Math.floor(random() * 9)
    }T10:${10 + Math.floor(random() * 49)}:00.000"><state ` +
    `xmlns="http://schemas.microsoft.com/2006/09/sip/state" manual="false" ` +
    `xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="aggregateState">` +
    `<availability>${availability}</availability><endpointLocation></endpointLocation>` +
    `</state></category><category name="contactCard" instance="0"><contactCard ` +
    `xmlns="http://schemas.microsoft.com/2006/09/sip/contactcard"><identity><name>` +
    `<displayName>${user}</displayName></name><email>${user}@contoso.com</email></identity>` +
    `<company>Contoso</company><title>Engineer</title></contactCard></category>` +
    `<category name="calendarData" instance="0"><calendarData ` +
    `xmlns="http://schemas.microsoft.com/2006/09/sip/calendarData" mailboxID="${user}` +
    `@contoso.com"><WorkingHours xmlns="http://schemas.microsoft.com/exchange/services/2006/types">` +
    `<TimeZone><Bias>480</Bias></TimeZone></WorkingHours></calendarData></category></categories>`;
}

function sdpOffer(ip: string, random: () => number): string {
  const lines = [
    "v=0",
    `o=- 0 0 IN IP4 ${ip}`,
    "s=session",
    `c=IN IP4 ${ip}`,
    "b=CT:99980",
    "t=0 0",
    `m=audio ${
      20000 + Math.floor(random() * 9000)
    } RTP/SAVP 117 104 114 9 112 111 0 8 116 13 118 101`,
    "a=ice-ufrag:" + Math.floor(random() * 1e8).toString(36),
    "a=ice-pwd:" + Math.floor(random() * 1e15).toString(36) +
    Math.floor(random() * 1e15).toString(36),
  ];
  for (let c = 1; c <= 4; c++) {
    lines.push(
      `a=candidate:${c} 1 UDP ${2130706431 - c * 1000} ${ip} ${
        20000 + Math.floor(random() * 9000)
      } typ host`,
      `a=candidate:${c} 2 UDP ${2130705918 - c * 1000} ${ip} ${
        20000 + Math.floor(random() * 9000)
      } typ host`,
    );
  }
  lines.push(
    "a=rtcp:" + (20001 + Math.floor(random() * 9000)),
    "a=rtpmap:117 G722/8000/2",
    "a=rtpmap:104 SILK/16000",
    "a=rtpmap:114 x-msrta/16000",
    "a=rtpmap:9 G722/8000",
    "a=rtpmap:112 G7221/16000",
    "a=rtpmap:111 SIREN/16000",
    "a=rtpmap:0 PCMU/8000",
    "a=rtpmap:8 PCMA/8000",
    "a=rtpmap:101 telephone-event/8000",
    "a=fmtp:101 0-16",
    "a=encryption:optional",
    "",
  );
  return lines.join("\r\n");
}

/**
 * `count` messages of a client population talking to its front end, in wire order (requests
 * and their answers interleaved, several users), deterministic for a seed.
 *
 * @example
 * ```ts
 * const corpus = sipCorpus(200, 7); // 200 SipRequest / SipResponse objects
 * ```
 */
export function sipCorpus(count: number, seed: number): AnySipMessage[] {
  const random = seededRandom(seed);
  const users = Array.from({ length: 5 }, (_, i) => new Traffic(random, i));
  const out: AnySipMessage[] = [];
  while (out.length < count) {
    const t = users[Math.floor(random() * users.length)];
    const peer = users[Math.floor(random() * users.length)];
    switch (Math.floor(random() * 6)) {
      case 0: {
        const reg = t.request("REGISTER", "sip:contoso.com");
        reg.addHeader("Event", "registration");
        const ok = t.answer(reg, 200, "OK");
        ok.addHeader("Expires", "7200").addHeader(
          "ms-keep-alive",
          "UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300",
        ).addHeader("Allow-Events", "vnd-microsoft-provisioning,vnd-microsoft-roaming-contacts");
        out.push(reg, ok);
        break;
      }
      case 1: {
        const sub = t.request(
          "SUBSCRIBE",
          t.aor,
          `<batchSub xmlns="http://schemas.microsoft.com/2006/01/sip/batch-subscribe" ` +
            `uri="${t.aor}" name=""><action name="subscribe" id="${
              Math.floor(random() * 1e8)
            }"><adhocList><resource uri="${peer.aor}"/></adhocList><categoryList>` +
            `<category name="state"/><category name="contactCard"/><category name="note"/>` +
            `</categoryList></action></batchSub>`,
          "application/msrtc-adrl-categorylist+xml",
        );
        sub.addHeader("Event", "presence").addHeader(
          "Accept",
          "application/msrtc-event-categories+xml",
        );
        out.push(sub, t.answer(sub, 200, "OK"));
        break;
      }
      case 2: {
        const notify = t.request(
          "BENOTIFY",
          `sip:${t.user}@contoso.com`,
          presenceCategories(peer.user, random),
          "application/msrtc-event-categories+xml",
        );
        notify.addHeader("Event", "presence").addHeader(
          "subscription-state",
          "active;expires=36000",
        );
        out.push(notify);
        break;
      }
      case 3: {
        const service = t.request(
          "SERVICE",
          t.aor,
          `<publish xmlns="http://schemas.microsoft.com/2006/09/sip/rich-presence"><publications ` +
            `uri="${t.aor}"><publication categoryName="state" instance="${
              Math.floor(random() * 1e9)
            }" container="2" version="${Math.floor(random() * 20)}" expireType="endpoint">` +
            `<state xmlns="http://schemas.microsoft.com/2006/09/sip/state" manual="true">` +
            `<availability>${3500 + 3000 * Math.floor(random() * 3)}</availability></state>` +
            `</publication></publications></publish>`,
          "application/msrtc-category-publish+xml",
        );
        out.push(service, t.answer(service, 200, "OK"));
        break;
      }
      case 4: {
        const invite = t.request(
          "INVITE",
          peer.aor,
          sdpOffer(t.clientIp, random),
          "application/sdp",
        );
        invite.addHeader("ms-text-format", "text/plain; charset=UTF-8; ms-body=SGk=");
        out.push(
          invite,
          t.answer(invite, 100, "Trying"),
          t.answer(invite, 180, "Ringing"),
          t.answer(invite, 200, "OK", sdpOffer(peer.clientIp, random), "application/sdp"),
        );
        break;
      }
      default: {
        const im = t.request(
          "MESSAGE",
          peer.aor,
          `Hello ${peer.user}, are we still on for the ${Math.floor(random() * 12) + 1} o'clock?`,
          "text/plain; charset=UTF-8",
        );
        out.push(im, t.answer(im, 200, "OK"));
      }
    }
  }
  return out.slice(0, count);
}

/** The corpus as wire octets, one array per message. */
export function sipCorpusBytes(count: number, seed: number): Uint8Array[] {
  return sipCorpus(count, seed).map(serializeMessage);
}
