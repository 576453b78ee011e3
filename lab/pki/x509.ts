/**
 * The one place that loads `@peculiar/x509`: its dependency-injection container needs the
 * `reflect-metadata` polyfill installed before the library is evaluated, and ES module
 * evaluation order guarantees that only when the polyfill is imported first from a module of its
 * own (this one).
 *
 * @module
 */
import "reflect-metadata";
export * as x509 from "@peculiar/x509";
