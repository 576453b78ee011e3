/**
 * Syntax failures of Digest challenge and credentials values. Verification failures are not
 * errors but verdicts (verdict.ts); this error says a header value cannot be read at all.
 *
 * @example
 * ```ts
 * try {
 *   parseDigestCredentials('Digest realm="a"');
 * } catch (e) {
 *   if (e instanceof DigestSyntaxError && e.code === "missing-parameter") answer400();
 * }
 * ```
 *
 * @module
 */

/**
 * What is wrong with the value.
 *
 * - `malformed`: not `scheme auth-param *(COMMA auth-param)` (RFC 3261 §25.1 challenge /
 *   credentials; RFC 7235 §2.1), e.g. an unterminated quoted-string or a stray character.
 * - `not-digest`: a well-formed value of another scheme (NTLM, Kerberos, Basic, ...).
 * - `duplicate-parameter`: a parameter given twice (RFC 7235 §2.1: each name at most once).
 * - `missing-parameter`: a directive the RFC requires is absent (RFC 7616 §3.3 realm/nonce;
 *   §3.4 username, realm, nonce, uri, response; cnonce and nc when qop is present).
 * - `invalid-parameter`: a directive has a value outside its grammar (nc not 8LHEX, response not
 *   hex, username and username* both given, ...).
 * - `unsupported-algorithm`: an algorithm this code does not implement (RFC 7616 §3.3: the
 *   challenge is then ignored).
 */
export type DigestSyntaxErrorCode =
  | "malformed"
  | "not-digest"
  | "duplicate-parameter"
  | "missing-parameter"
  | "invalid-parameter"
  | "unsupported-algorithm";

/**
 * A Digest header value that cannot be used, with a machine-readable code.
 *
 * @example
 * ```ts
 * throw new DigestSyntaxError("missing-parameter", "challenge without nonce");
 * ```
 */
export class DigestSyntaxError extends Error {
  constructor(readonly code: DigestSyntaxErrorCode, message: string) {
    super(message);
    this.name = "DigestSyntaxError";
  }
}
