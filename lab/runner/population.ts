/**
 * The simulated users of a run, made from `scenario.population`: generated from patterns or
 * read from a CSV file. Users are plain records created the first time a virtual user needs
 * one (a population of 10 million costs nothing until used), and every detail of user _p_
 * depends only on the seeds and _p_, never on which users were made before:
 *
 * - name and password: the patterns with the user's index (`{secret}`: see `password.ts`);
 * - display name: faker (English locale) seeded with `[seed, index]`;
 * - endpoints and contact list: a stream from `deriveSeed(seed, "details", index)`;
 * - profile: the CSV column, else the mix, by the low-discrepancy sequence frac((p + 1)·φ⁻¹);
 * - `random`: the user's own stream, `deriveSeed(scenario.seed, "user", index)`.
 *
 * @module
 */

import type { Faker } from "@faker-js/faker";
import {
  createCountSampler,
  deriveSeed,
  expandIndexPattern,
  formatFieldPath,
  type GeneratedUsers,
  locateIssue,
  type PathSegment,
  type Scenario,
  ScenarioError,
  type ScenarioIssue,
  type UserProfile,
  Xoshiro128,
} from "../scenario/mod.ts";
import { CsvSyntaxError, parseCsv } from "./csv.ts";
import { expandPassword } from "./password.ts";
import type { PopulationUser } from "./workload.ts";

/** φ⁻¹, the step of the profile sequence: its multiples mod 1 spread as evenly as any. */
const GOLDEN_FRACTION = (Math.sqrt(5) - 1) / 2;
const PROFILES: readonly UserProfile[] = ["low", "medium", "high"];
const CSV_COLUMNS = ["user", "password", "displayName", "profile"] as const;

/** Options of {@link Population.build}. */
export interface PopulationOptions {
  /**
   * Users that will run iterations (positions 0 … n−1). With a credentials CSV, each of them
   * must have a row; checked at build. Default: none are checked.
   */
  readonly activeUsers?: number;
  /** The scenario's text, to point errors at the field at fault (default: read the file). */
  readonly scenarioText?: string;
}

/** One user as listed in a population CSV. */
interface CsvUser {
  readonly name: string;
  readonly password: string;
  readonly displayName?: string;
  readonly profile?: UserProfile;
}

/** Where names and passwords come from. */
type UserSource = GeneratedUsers | { readonly kind: "csv"; readonly users: readonly CsvUser[] };

/**
 * The users of a run.
 *
 * @example
 * ```ts
 * const population = await Population.build(scenario);
 * const user = population.user(16); // caller0017 with firstIndex 1 and naming caller{index:4}
 * user.aor; // "sip:caller0017@lab.sipfleet.test"
 * ```
 */
export class Population {
  readonly count: number;
  readonly domain: string;
  readonly #scenario: Scenario;
  readonly #source: UserSource;
  readonly #seed: number;
  readonly #faker: Faker;
  readonly #credentials: ReadonlyMap<string, string> | undefined;
  /** Cumulative profile shares in PROFILES order. */
  readonly #profileBounds: readonly number[];
  readonly #users = new Map<number, PopulationUser>();

  private constructor(
    scenario: Scenario,
    source: UserSource,
    faker: Faker,
    credentials: ReadonlyMap<string, string> | undefined,
  ) {
    const population = scenario.population;
    this.#scenario = scenario;
    this.#source = source;
    this.#faker = faker;
    this.#credentials = credentials;
    this.#seed = population.users.kind === "generated" ? population.users.fakerSeed : scenario.seed;
    this.count = population.count;
    this.domain = population.domain;
    const total = PROFILES.reduce((sum, p) => sum + population.profileMix[p], 0);
    let cumulative = 0;
    this.#profileBounds = PROFILES.map((p) => (cumulative += population.profileMix[p] / total));
  }

  /** Read what the population needs (CSV files, faker) and check it. */
  static async build(scenario: Scenario, options: PopulationOptions = {}): Promise<Population> {
    const text = options.scenarioText ?? await readIfExists(scenario.file);
    const problem = (path: PathSegment[], message: string): ScenarioError =>
      new ScenarioError(scenario.file, [
        text === undefined
          ? { file: scenario.file, line: 1, column: 1, field: formatFieldPath(path), message }
          : locateIssue(text, scenario.file, { path, message }),
      ]);
    const users = scenario.population.users;
    let source: UserSource;
    if (users.kind === "generated") {
      source = users;
    } else {
      const listed = await readUsersCsv(users.file, problem);
      if (listed.length < scenario.population.count) {
        throw problem(
          ["population", "count"],
          `${users.file} lists ${listed.length} users, fewer than population.count ` +
            `${scenario.population.count}`,
        );
      }
      source = { kind: "csv", users: listed };
    }
    const target = scenario.target;
    const credentialsFile = target.kind === "external" && target.auth.credentials.kind === "csv"
      ? target.auth.credentials.file
      : undefined;
    const credentials = credentialsFile === undefined
      ? undefined
      : await readCredentialsCsv(credentialsFile, problem);
    const { faker } = await import("@faker-js/faker/locale/en");
    const population = new Population(scenario, source, faker, credentials);
    if (credentialsFile !== undefined) {
      population.#checkCredentials(options.activeUsers ?? 0, credentialsFile, problem);
    }
    return population;
  }

  /** The user part of the name of the user at `position` (cheap: no record is made). */
  nameAt(position: number): string {
    const source = this.#source;
    return source.kind === "generated"
      ? expandIndexPattern(source.naming, source.firstIndex + position)
      : source.users[position].name;
  }

  /** The address of record of the user at `position` (cheap: no record is made). */
  aorAt(position: number): string {
    return `sip:${this.nameAt(position)}@${this.domain}`;
  }

  /** The user at `position` (0 … count−1), made on first use. */
  user(position: number): PopulationUser {
    const known = this.#users.get(position);
    if (known !== undefined) return known;
    if (!(Number.isInteger(position) && position >= 0 && position < this.count)) {
      throw new RangeError(`no user at position ${position} in a population of ${this.count}`);
    }
    const made = this.#make(position);
    this.#users.set(position, made);
    return made;
  }

  #make(position: number): PopulationUser {
    const source = this.#source;
    const listed = source.kind === "csv" ? source.users[position] : undefined;
    const index = source.kind === "generated" ? source.firstIndex + position : position + 1;
    const name = this.nameAt(position);
    const password = this.#credentials?.get(name) ??
      (source.kind === "csv"
        ? source.users[position].password
        : expandPassword(source.password, this.#seed, index));
    const profile = listed?.profile ?? this.#profileAt(position);
    const details = Xoshiro128.fromSeed(deriveSeed(this.#seed, "details", index));
    const population = this.#scenario.population;
    const endpoints = createCountSampler(population.endpoints, details)();
    const contactCount = Math.min(
      createCountSampler(population.contacts, details)(),
      this.count - 1,
    );
    return {
      position,
      index,
      name,
      aor: `sip:${name}@${this.domain}`,
      domain: this.domain,
      password,
      displayName: listed?.displayName ?? this.#displayName(index),
      profile,
      activity: population.profileActivity[profile],
      endpoints,
      contacts: pickContacts(position, contactCount, this.count, details),
      random: Xoshiro128.fromSeed(deriveSeed(this.#scenario.seed, "user", index)),
    };
  }

  #displayName(index: number): string {
    this.#faker.seed([this.#seed, index]);
    return this.#faker.person.fullName();
  }

  #profileAt(position: number): UserProfile {
    const u = ((position + 1) * GOLDEN_FRACTION) % 1;
    const found = this.#profileBounds.findIndex((bound) => u < bound);
    return PROFILES[found < 0 ? PROFILES.length - 1 : found];
  }

  #checkCredentials(
    activeUsers: number,
    file: string,
    problem: (path: PathSegment[], message: string) => ScenarioError,
  ): void {
    const missing: string[] = [];
    for (let p = 0; p < Math.min(activeUsers, this.count); p++) {
      const name = this.nameAt(p);
      if (!this.#credentials?.has(name)) missing.push(name);
    }
    if (missing.length === 0) return;
    const shown = missing.slice(0, 3).join(", ");
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
    throw problem(
      ["target", "auth", "credentials", "csv"],
      `${file} has no password for ${shown}${more}`,
    );
  }
}

/** `count` distinct positions other than `own`, uniformly from the population. */
function pickContacts(own: number, count: number, size: number, random: Xoshiro128): number[] {
  const chosen = new Set<number>();
  while (chosen.size < count) {
    const candidate = Math.floor(random.next() * size);
    if (candidate !== own) chosen.add(candidate);
  }
  return [...chosen];
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}

type Problem = (path: PathSegment[], message: string) => ScenarioError;

function csvIssue(file: string, line: number, column: number, message: string): ScenarioIssue {
  return { file, line, column, field: "", message };
}

/** Read a CSV file named by the scenario at `path`; a missing file is a scenario problem. */
async function readCsvRows(file: string, path: PathSegment[], problem: Problem) {
  const text = await readIfExists(file);
  if (text === undefined) throw problem(path, `no such file ${file}`);
  try {
    return parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new ScenarioError(file, [csvIssue(file, error.line, error.column, error.message)]);
  }
}

/** The users of a population CSV: header `user,password[,displayName][,profile]`. */
async function readUsersCsv(file: string, problem: Problem): Promise<CsvUser[]> {
  const [header, ...rows] = await readCsvRows(file, ["population", "csv"], problem);
  if (header === undefined) throw problem(["population", "csv"], `${file} is empty`);
  const issues: ScenarioIssue[] = [];
  const columns = header.fields.map((name) => name.trim());
  columns.forEach((name, i) => {
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      issues.push(csvIssue(
        file,
        header.line,
        1,
        `unknown column "${name}" (column ${i + 1}); ` +
          `expected ${CSV_COLUMNS.join(", ")}`,
      ));
    }
  });
  for (const required of ["user", "password"]) {
    if (!columns.includes(required)) {
      issues.push(csvIssue(file, header.line, 1, `the header row lacks the "${required}" column`));
    }
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  const at = (name: string) => columns.indexOf(name);
  const users = rows.map((row): CsvUser => {
    const value = (name: string) => at(name) < 0 ? undefined : row.fields[at(name)]?.trim();
    const name = value("user") ?? "";
    if (name === "") issues.push(csvIssue(file, row.line, 1, "empty user name"));
    const profile = value("profile");
    if (profile !== undefined && profile !== "" && !PROFILES.includes(profile as UserProfile)) {
      issues.push(csvIssue(file, row.line, 1, `profile "${profile}" is not low, medium or high`));
    }
    const displayName = value("displayName");
    return {
      name,
      password: value("password") ?? "",
      ...(displayName ? { displayName } : {}),
      ...(profile ? { profile: profile as UserProfile } : {}),
    };
  });
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return users;
}

/** `user,password` rows, with an optional `user,password` header row. */
async function readCredentialsCsv(file: string, problem: Problem): Promise<Map<string, string>> {
  const rows = await readCsvRows(file, ["target", "auth", "credentials", "csv"], problem);
  const first = rows[0]?.fields.map((f) => f.trim().toLowerCase());
  const data = first?.[0] === "user" && first?.[1] === "password" ? rows.slice(1) : rows;
  const credentials = new Map<string, string>();
  for (const row of data) {
    if (row.fields.length < 2) {
      throw new ScenarioError(file, [csvIssue(file, row.line, 1, "expected user,password")]);
    }
    credentials.set(row.fields[0].trim(), row.fields[1]);
  }
  return credentials;
}
