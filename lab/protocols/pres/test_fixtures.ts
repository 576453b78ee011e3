/**
 * The guides' example bodies in `testdata/` (MS-PRES.md §4, MS-SIP §3.7.5.2 and §4.6–§4.9),
 * read for the codec and server tests.
 *
 * @example
 * ```ts
 * const body = presFixture("batch_subscribe.xml");
 * ```
 *
 * @module
 */

/** The text of `testdata/<name>`. */
export function presFixture(name: string): string {
  return Deno.readTextFileSync(new URL(`./testdata/${name}`, import.meta.url));
}
