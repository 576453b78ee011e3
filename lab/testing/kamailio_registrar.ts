/**
 * Kamailio as the registrar, authenticating proxy and (optionally) presence server of one lab
 * domain, for tests of the standard-SIP client ({@link KAMAILIO_REGISTRAR_CONFIG}). The harness
 * writes the `db_text` tables into a temporary directory — `subscriber` with the users' Digest
 * HA1 (the format of `lab population --format kamailio`), and with presence the empty
 * `presentity`, `active_watchers`, `watchers` and `xcap` tables — then starts Kamailio through
 * {@link startKamailio} and removes the directory when it stops.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import { createHash } from "node:crypto";
import {
  freeUdpAndTcpPort,
  type KamailioOptions,
  type KamailioServer,
  startKamailio,
} from "./kamailio.ts";
import type { ToolExit } from "./process_group.ts";

/**
 * The registrar configuration beside this file; reads `SIP_DOMAIN`, `DB_URL`,
 * `PRESENCE_SERVER` and `WITH_PRESENCE` besides `SIP_ADDRESS` / `SIP_PORT`.
 */
export const KAMAILIO_REGISTRAR_CONFIG = fileURLToPath(
  new URL("./kamailio_registrar.cfg", import.meta.url),
);

/** One user of the domain. */
export interface RegistrarUser {
  name: string;
  password: string;
}

/** Options of {@link startKamailioRegistrar}. */
export interface KamailioRegistrarOptions {
  /** The users the `subscriber` table holds. */
  users: readonly RegistrarUser[];
  /** The domain, also the Digest realm (default lab.sipfleet.test). */
  domain?: string;
  /** Load the presence modules (presence, presence_xml) and their tables. Default false. */
  presence?: boolean;
  readyTimeoutMs?: KamailioOptions["readyTimeoutMs"];
  lifetimeMs?: KamailioOptions["lifetimeMs"];
}

/** A running registrar. */
export interface KamailioRegistrar extends KamailioServer {
  /** The domain it serves (AoRs are `sip:<user>@<domain>`). */
  readonly domain: string;
}

/** db_text table versions of Kamailio 5.6 (its `version` table). */
const TABLE_VERSIONS = {
  subscriber: 7,
  presentity: 5,
  active_watchers: 12,
  watchers: 3,
  xcap: 4,
} as const;

/** The column lines of the db_text tables (Kamailio 5.6 schema). */
const TABLE_COLUMNS: Record<keyof typeof TABLE_VERSIONS, string> = {
  subscriber:
    "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)",
  presentity: "id(int,auto) username(string) domain(string) event(string) etag(string) " +
    "expires(int) received_time(int) body(string) sender(string) priority(int) " +
    "ruid(string,null)",
  active_watchers: "id(int,auto) presentity_uri(string) watcher_username(string) " +
    "watcher_domain(string) to_user(string) to_domain(string) event(string) " +
    "event_id(string,null) to_tag(string) from_tag(string) callid(string) local_cseq(int) " +
    "remote_cseq(int) contact(string) record_route(string,null) expires(int) status(int) " +
    "reason(string,null) version(int) socket_info(string) local_contact(string) " +
    "from_user(string) from_domain(string) updated(int) updated_winfo(int) flags(int) " +
    "user_agent(string,null)",
  watchers: "id(int,auto) presentity_uri(string) watcher_username(string) " +
    "watcher_domain(string) event(string) status(int) reason(string,null) inserted_time(int)",
  xcap: "id(int,auto) username(string) domain(string) doc(string) doc_type(int) " +
    "etag(string) source(int) doc_uri(string) port(int)",
};

/** db_text escapes `:`, `\`, and line ends inside a value with a backslash. */
function dbTextValue(value: string): string {
  return value.replace(/[\\:]/g, (c) => `\\${c}`).replace(/\n/g, "\\n").replace(/\r/g, "\\r");
}

function md5Hex(text: string): string {
  return createHash("md5").update(text).digest("hex");
}

/**
 * The db_text `subscriber` table: the column line, then per user
 * `id:username:domain:password:ha1:ha1b`, `ha1` = MD5(user:realm:password) (RFC 2617 §3.2.2.2)
 * and `ha1b` = MD5(user@domain:realm:password), the realm being the domain — the lines
 * `lab population --format kamailio` prints.
 *
 * @example
 * ```ts
 * subscriberTableLines("lab.test", [{ name: "alice", password: "pw" }])[1];
 * // "1:alice:lab.test:pw:<md5>:<md5>"
 * ```
 */
export function subscriberTableLines(domain: string, users: readonly RegistrarUser[]): string[] {
  return [
    TABLE_COLUMNS.subscriber,
    ...users.map(({ name, password }, i) =>
      [
        String(i + 1),
        name,
        domain,
        password,
        md5Hex(`${name}:${domain}:${password}`),
        md5Hex(`${name}@${domain}:${domain}:${password}`),
      ].map(dbTextValue).join(":")
    ),
  ];
}

/** Writes the tables the configuration reads into `dir`. */
async function writeTables(
  dir: string,
  domain: string,
  users: readonly RegistrarUser[],
  presence: boolean,
): Promise<void> {
  const tables = (presence ? Object.keys(TABLE_VERSIONS) : ["subscriber"]) as (
    keyof typeof TABLE_VERSIONS
  )[];
  const versions = ["id(int,auto) table_name(string) table_version(int)"];
  for (const table of tables) {
    versions.push(`0:${table}:${TABLE_VERSIONS[table]}`);
    const lines = table === "subscriber"
      ? subscriberTableLines(domain, users)
      : [TABLE_COLUMNS[table]];
    await Deno.writeTextFile(`${dir}/${table}`, lines.join("\n") + "\n");
  }
  await Deno.writeTextFile(`${dir}/version`, versions.join("\n") + "\n");
}

/**
 * Writes the tables and starts Kamailio with {@link KAMAILIO_REGISTRAR_CONFIG} on a free
 * loopback port. Always `stop()` it in a finally.
 *
 * @example
 * ```ts
 * const registrar = await startKamailioRegistrar({
 *   users: [{ name: "alice", password: "secret" }],
 *   presence: true,
 * });
 * try {
 *   // REGISTER sip:lab.sipfleet.test to registrar.address
 * } finally {
 *   await registrar.stop();
 * }
 * ```
 */
export async function startKamailioRegistrar(
  options: KamailioRegistrarOptions,
): Promise<KamailioRegistrar> {
  const domain = options.domain ?? "lab.sipfleet.test";
  if (!/^[A-Za-z0-9.-]+$/.test(domain)) throw new Error(`kamailio: bad domain ${domain}`);
  const presence = options.presence ?? false;
  const dbDir = await Deno.makeTempDir({ prefix: "sipfleet-kamailio-db-" });
  const removeDb = () => Deno.remove(dbDir, { recursive: true }).catch(() => {});
  let server: KamailioServer;
  try {
    await writeTables(dbDir, domain, options.users, presence);
    const port = await freeUdpAndTcpPort();
    const defines: Record<string, string> = {
      SIP_DOMAIN: domain,
      DB_URL: `"text://${dbDir}"`,
      PRESENCE_SERVER: `"sip:127.0.0.1:${port}"`,
    };
    if (presence) defines.WITH_PRESENCE = "";
    server = await startKamailio({
      port,
      configFile: KAMAILIO_REGISTRAR_CONFIG,
      defines,
      readyTimeoutMs: options.readyTimeoutMs,
      lifetimeMs: options.lifetimeMs,
    });
  } catch (error) {
    await removeDb();
    throw error;
  }
  return {
    host: server.host,
    port: server.port,
    address: server.address,
    domain,
    statistics: () => server.statistics(),
    async stop(): Promise<ToolExit> {
      try {
        return await server.stop();
      } finally {
        await removeDb();
      }
    },
    output: () => server.output(),
  };
}
