/**
 * The `Ms-Keep-Alive` header of MS-CONMGMT §2.2.1: the client proposes keep-alives on the
 * first REGISTER (`UAC;hop-hop=yes`), the outbound proxy answers with its role `UAS` and the
 * idle `timeout` in seconds after which the client must send a CRLF ping (MS-CONMGMT §3.4).
 *
 * @example
 * ```ts
 * parseKeepAlive("UAS; tcp=no; hop-hop=yes; end-end=no; timeout=300")?.timeoutSeconds; // 300
 * ```
 *
 * @module
 */

/** The client's proposal (MS-CONMGMT §4 capture; MS-SIPREGE §2.2.1.1 allows one per REGISTER). */
export const KEEP_ALIVE_PROPOSAL = "UAC;hop-hop=yes";

/** Keep-alive interval when the answer has none (MS-CONMGMT guide §3.3: 60 s before negotiation). */
export const DEFAULT_KEEP_ALIVE_SECONDS = 60;

/** A parsed `Ms-Keep-Alive` value. */
export interface KeepAliveAnswer {
  role: "UAC" | "UAS";
  /** `tcp=yes`: TCP-level keep-alives asked for. */
  tcp?: boolean;
  /** `hop-hop=yes`: CRLF keep-alives on this hop. */
  hopHop?: boolean;
  endEnd?: boolean;
  /** `timeout=N`: idle seconds before a ping is due. */
  timeoutSeconds?: number;
}

/**
 * Reads one `Ms-Keep-Alive` value; undefined when malformed (MS-CONMGMT guide §7: unknown role or
 * a non-numeric timeout makes the header ignored, the defaults stay).
 *
 * @example
 * ```ts
 * parseKeepAlive("UAC;hop-hop=yes"); // { role: "UAC", hopHop: true }
 * parseKeepAlive("UAS;timeout=soon"); // undefined
 * ```
 */
export function parseKeepAlive(value: string): KeepAliveAnswer | undefined {
  const [roleText, ...params] = value.split(";").map((part) => part.trim());
  const role = roleText.toUpperCase();
  if (role !== "UAC" && role !== "UAS") return undefined;
  const answer: KeepAliveAnswer = { role };
  for (const param of params) {
    if (param === "") continue;
    const eq = param.indexOf("=");
    const name = (eq < 0 ? param : param.slice(0, eq)).trim().toLowerCase();
    const raw = eq < 0 ? "" : param.slice(eq + 1).trim();
    const flag = raw.toLowerCase() === "yes"
      ? true
      : raw.toLowerCase() === "no"
      ? false
      : undefined;
    switch (name) {
      case "tcp":
        if (flag === undefined) return undefined;
        answer.tcp = flag;
        break;
      case "hop-hop":
        if (flag === undefined) return undefined;
        answer.hopHop = flag;
        break;
      case "end-end":
        if (flag === undefined) return undefined;
        answer.endEnd = flag;
        break;
      case "timeout":
        // MS-CONMGMT §2.2.1: ka-timeout = "timeout" EQUAL delta-seconds.
        if (!/^\d{1,10}$/.test(raw)) return undefined;
        answer.timeoutSeconds = Number(raw);
        break;
        // generic-param: ignored.
    }
  }
  return answer;
}

/**
 * The keep-alive interval in ms a client uses after a REGISTER answer carrying `values` (its
 * `Ms-Keep-Alive` header values): the UAS `timeout` when hop-hop keep-alives were agreed, else the
 * default (MS-CONMGMT guide §3.2: no answer → local default). A zero timeout keeps the default.
 *
 * @example
 * ```ts
 * negotiatedKeepAliveMs(["UAS; hop-hop=yes; timeout=300"]); // 300000
 * negotiatedKeepAliveMs([]); // 60000
 * ```
 */
export function negotiatedKeepAliveMs(
  values: readonly string[],
  defaultSeconds = DEFAULT_KEEP_ALIVE_SECONDS,
): number {
  for (const value of values) {
    const answer = parseKeepAlive(value);
    if (answer?.role !== "UAS") continue;
    if (answer.hopHop === false) return defaultSeconds * 1000;
    if (answer.timeoutSeconds !== undefined && answer.timeoutSeconds > 0) {
      return answer.timeoutSeconds * 1000;
    }
  }
  return defaultSeconds * 1000;
}
