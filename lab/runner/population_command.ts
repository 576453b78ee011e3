/**
 * `lab population`: the users of a lab population, for provisioning other tools with the same
 * accounts the runner and `lab serve frontend` use.
 *
 * ```text
 * lab population --domain <d> --users <n> [--seed <n>] [--naming <pattern>]
 *                [--password <pattern>] [--first-index <n>] --format sipp-csv|kamailio|csv
 * ```
 *
 * The rule is the runner's own (population.ts, password.ts) with a scenario's defaults: user
 * _i_ (from `--first-index`, default 1) is `expand(naming, i)@domain`, naming default
 * `user{index:5}`; its password is the `--password` pattern (default `pw-{index}`) with
 * `{index}` / `{index:N}` replaced and `{secret}` = the first 16 hex digits of
 * SHA-256(`<seed>:<i>`) (seed default 1). Users 1…3 of the defaults: user00001 / pw-1,
 * user00002 / pw-2, user00003 / pw-3; with `--password 'pw-{secret}' --seed 42` user 17 has
 * `pw-5cbc838105800b62`.
 *
 * Formats:
 * - `sipp-csv` — a SIPp injection file (`-inf`): `SEQUENTIAL`, then one line per user
 *   `user;domain;[authentication username=user password=pw]` — `[field0]`, `[field1]` and, in
 *   the second REGISTER, `[field2]` as the authentication keyword.
 * - `kamailio` — the `subscriber` table for Kamailio's `db_text` module (table version 7, as
 *   in Kamailio 5.6): the column line `id(int,auto) username(string) domain(string)
 *   password(string) ha1(string) ha1b(string)`, then `id:username:domain:password:ha1:ha1b`
 *   rows; `ha1` = MD5(username:domain:password) and `ha1b` = MD5(username@domain:domain:
 *   password), the realm being the domain. Save it as `subscriber` in the db_text directory,
 *   with `0:subscriber:7` in its `version` table, and point `auth_db`'s `db_url` at
 *   `text:///that/directory`; `calculate_ha1` may stay 0.
 * - `csv` — `user,password` with a header row: a population `csv:` file or an
 *   `auth.credentials` file of a scenario.
 *
 * @example
 * ```ts
 * await populationCommand(["--domain", "lab.test", "--users", "2", "--format", "sipp-csv"], io);
 * // SEQUENTIAL
 * // user00001;lab.test;[authentication username=user00001 password=pw-1]
 * // user00002;lab.test;[authentication username=user00002 password=pw-2]
 * ```
 *
 * @module
 */
import { parseArgs } from "node:util";
import { computeHa1 } from "../auth/digest/mod.ts";
import { parseScenario } from "../scenario/mod.ts";
import { expandPassword } from "./password.ts";
import { Population } from "./population.ts";

/** What makes a lab population. */
export interface LabPopulationOptions {
  domain: string;
  users: number;
  /** Seed of `{secret}` (and of display names); default 1, a scenario's default seed. */
  seed?: number;
  /** User-part pattern; default `user{index:5}`. */
  naming?: string;
  /** Password pattern; default `pw-{index}`. */
  password?: string;
  /** Index of the first user; default 1. */
  firstIndex?: number;
}

/** One account. */
export interface LabAccount {
  name: string;
  password: string;
}

/** A population as accounts, with the rule that made it in words. */
export interface LabPopulation {
  readonly domain: string;
  readonly count: number;
  /** One line saying how names and passwords are made (printed by `serve frontend`). */
  readonly rule: string;
  accounts(): Iterable<LabAccount>;
}

/**
 * The accounts of a generated population: the runner's {@link Population} and password rule
 * on a minimal scenario, so the defaults and the rule cannot drift apart.
 *
 * @example
 * ```ts
 * const population = await buildLabPopulation({ domain: "lab.test", users: 3 });
 * [...population.accounts()][2]; // { name: "user00003", password: "pw-3" }
 * ```
 */
export async function buildLabPopulation(options: LabPopulationOptions): Promise<LabPopulation> {
  const users: Record<string, unknown> = {};
  if (options.naming !== undefined) users.naming = options.naming;
  if (options.password !== undefined) users.password = options.password;
  if (options.firstIndex !== undefined) users.firstIndex = options.firstIndex;
  // JSON is YAML: the values need no escaping of their own.
  const text = [
    "name: population",
    `seed: ${JSON.stringify(options.seed ?? 1)}`,
    `target: ${JSON.stringify({ kind: "external", host: "127.0.0.1", domain: options.domain })}`,
    `population: ${JSON.stringify({ count: options.users, ...users })}`,
    "workloads: [{ kind: noop }]",
    "load: { executor: shared-iterations, users: 1, iterations: 1 }",
  ].join("\n");
  const scenario = parseScenario(text, "lab-population.yaml");
  const population = await Population.build(scenario, { scenarioText: text });
  const generated = scenario.population.users;
  if (generated.kind !== "generated") throw new Error("a lab population is always generated");
  const last = population.count - 1;
  const rule = `${population.count} users ${population.nameAt(0)}` +
    (last > 0 ? `…${population.nameAt(last)}` : "") +
    `@${population.domain} (naming ${generated.naming} from index ${generated.firstIndex}), ` +
    `password ${generated.password} ({secret} = first 16 hex digits of ` +
    `SHA-256("${generated.fakerSeed}:<index>")), seed ${generated.fakerSeed}`;
  return {
    domain: population.domain,
    count: population.count,
    rule,
    *accounts() {
      for (let p = 0; p < population.count; p++) {
        // Population.user(p).password without the rest of the user record (display name,
        // contacts), which a list of a million accounts does not need.
        const index = generated.firstIndex + p;
        yield {
          name: population.nameAt(p),
          password: expandPassword(generated.password, generated.fakerSeed, index),
        };
      }
    },
  };
}

/** Output formats of `lab population`. */
export type PopulationFormat = "sipp-csv" | "kamailio" | "csv";
const FORMATS: readonly PopulationFormat[] = ["sipp-csv", "kamailio", "csv"];

/**
 * The SIPp injection file lines. SIPp splits fields at `;` and the `[authentication]` keyword
 * at spaces, so names and passwords holding `;`, `]` or white space cannot be written.
 *
 * @example
 * ```ts
 * [...sippInjectionLines(population)][1]; // "user00001;lab.test;[authentication username=user00001 password=pw-1]"
 * ```
 */
export function* sippInjectionLines(population: LabPopulation): Generator<string> {
  yield "SEQUENTIAL";
  for (const { name, password } of population.accounts()) {
    for (const value of [name, password]) {
      if (/[;\]\s]/.test(value)) {
        throw new Error(`'${value}' holds ';', ']' or white space, which SIPp cannot read`);
      }
    }
    yield `${name};${population.domain};[authentication username=${name} password=${password}]`;
  }
}

/**
 * The Kamailio db_text `subscriber` table (see the module documentation).
 *
 * @example
 * ```ts
 * [...kamailioSubscriberLines(population)][0];
 * // "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)"
 * ```
 */
export function* kamailioSubscriberLines(population: LabPopulation): Generator<string> {
  yield "id(int,auto) username(string) domain(string) password(string) ha1(string) ha1b(string)";
  const domain = population.domain;
  let id = 0;
  for (const { name, password } of population.accounts()) {
    const ha1 = computeHa1("MD5", name, domain, password);
    const ha1b = computeHa1("MD5", `${name}@${domain}`, domain, password);
    yield [String(++id), name, domain, password, ha1, ha1b].map(dbTextValue).join(":");
  }
}

/**
 * `user,password` CSV with a header row (RFC 4180 quoting where needed).
 *
 * @example
 * ```ts
 * [...credentialsCsvLines(population)].slice(0, 2); // ["user,password", "user00001,pw-1"]
 * ```
 */
export function* credentialsCsvLines(population: LabPopulation): Generator<string> {
  yield "user,password";
  for (const { name, password } of population.accounts()) {
    yield `${csvField(name)},${csvField(password)}`;
  }
}

/** Where `populationCommand` writes its lines. */
export interface PopulationOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Runs `lab population` with `args`; resolves to the exit code (2 for a usage error).
 *
 * @example
 * ```ts
 * const code = await populationCommand(
 *   ["--domain", "lab.test", "--users", "1000", "--format", "kamailio"],
 *   { out: (l) => console.log(l), err: (l) => console.error(l) },
 * );
 * ```
 */
export async function populationCommand(args: string[], io: PopulationOutput): Promise<number> {
  let lines: Iterable<string>;
  try {
    const { values } = parseArgs({
      args,
      options: {
        domain: { type: "string" },
        users: { type: "string" },
        seed: { type: "string" },
        naming: { type: "string" },
        password: { type: "string" },
        "first-index": { type: "string" },
        format: { type: "string" },
      },
      strict: true,
      allowPositionals: false,
    });
    if (!values.domain) throw new Error("--domain <domain> is required");
    const format = values.format as PopulationFormat | undefined;
    if (format === undefined || !FORMATS.includes(format)) {
      throw new Error(`--format must be one of ${FORMATS.join(", ")}`);
    }
    const population = await buildLabPopulation({
      domain: values.domain,
      users: wholeNumber(values.users, "users", 1),
      seed: values.seed === undefined ? undefined : wholeNumber(values.seed, "seed", 0),
      naming: values.naming,
      password: values.password,
      firstIndex: values["first-index"] === undefined
        ? undefined
        : wholeNumber(values["first-index"], "first-index", 0),
    });
    lines = format === "sipp-csv"
      ? sippInjectionLines(population)
      : format === "kamailio"
      ? kamailioSubscriberLines(population)
      : credentialsCsvLines(population);
    // Generate everything before printing, so a bad account fails before any output.
    lines = [...lines];
  } catch (error) {
    io.err(`lab population: ${error instanceof Error ? error.message : error}`);
    return 2;
  }
  for (const line of lines) io.out(line);
  return 0;
}

function wholeNumber(value: string | undefined, name: string, min: number): number {
  if (value === undefined) throw new Error(`--${name} <n> is required`);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || !/^\d+$/.test(value)) {
    throw new Error(`--${name} must be a whole number ≥ ${min}, got '${value}'`);
  }
  return n;
}

/** db_text escapes: `\` before `:` and `\`, and \n / \r / \t for line breaks and tabs. */
function dbTextValue(value: string): string {
  return value.replace(
    /[\\:\n\r\t]/g,
    (c) => c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\${c}`,
  );
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
