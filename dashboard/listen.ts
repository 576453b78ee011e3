/**
 * Where the dashboard listens: `127.0.0.1` unless told otherwise, the `--listen` syntax, and the
 * URL people open.
 *
 * @module
 */

/** Address and port to bind. */
export interface ListenAddress {
  readonly hostname: string;
  /** 0: any free port. */
  readonly port: number;
}

/** The default: loopback only, any free port. */
export const DEFAULT_LISTEN: ListenAddress = Object.freeze({ hostname: "127.0.0.1", port: 0 });

/**
 * Parse a `--listen` value: `host:port`, `[v6]:port`, `:port`, `port` or `host` (port 0).
 *
 * @example
 * ```ts
 * parseListen("0.0.0.0:8080"); // { hostname: "0.0.0.0", port: 8080 }
 * parseListen("[::1]:9000");   // { hostname: "::1", port: 9000 }
 * parseListen(":9000");        // { hostname: "127.0.0.1", port: 9000 }
 * ```
 */
export function parseListen(value: string): ListenAddress {
  const text = value.trim();
  let hostname: string;
  let portText: string | undefined;
  const bracketed = /^\[([^\]]+)\](?::(.*))?$/.exec(text);
  if (bracketed !== null) {
    hostname = bracketed[1];
    portText = bracketed[2];
  } else if (/^\d+$/.test(text)) {
    hostname = "";
    portText = text;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    const colon = text.indexOf(":");
    hostname = text.slice(0, colon);
    portText = text.slice(colon + 1);
  } else {
    hostname = text; // a name, an IPv4 address or a bare IPv6 address
  }
  const port = portText === undefined || portText === "" ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(`--listen ${value}: the port must be 0-65535`);
  }
  return { hostname: hostname === "" ? DEFAULT_LISTEN.hostname : hostname, port };
}

/**
 * True for addresses only this host can reach: 127.0.0.0/8, ::1 and `localhost`.
 *
 * @example
 * ```ts
 * isLoopback("127.0.0.1"); // true
 * isLoopback("0.0.0.0"); // false
 * ```
 */
export function isLoopback(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/**
 * `http://host:port/` for an address (IPv6 in brackets; a wildcard address shown as the
 * loopback one, since that is where a browser on this host reaches it).
 *
 * @example
 * ```ts
 * baseUrl("::1", 8080); // "http://[::1]:8080/"
 * ```
 */
export function baseUrl(hostname: string, port: number): string {
  const shown = hostname === "0.0.0.0" ? "127.0.0.1" : hostname === "::" ? "::1" : hostname;
  return `http://${shown.includes(":") ? `[${shown}]` : shown}:${port}/`;
}
