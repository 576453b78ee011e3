/**
 * Calling into the TU from inside a transaction's actions.
 *
 * @module
 */

/**
 * Runs a TU callback so that an exception in it cannot leave a transaction half-way through a
 * transition (state changed, entry actions not run, timers never armed): the error is handed
 * to the global `reportError` (an uncaught "error" event, as for event listeners) and the
 * chart's remaining actions still run.
 *
 * @example
 * ```ts
 * callTU(() => tx.handlers.onFinal(response, tx));
 * ```
 */
export function callTU(call: () => void): void {
  try {
    call();
  } catch (error) {
    reportError(error);
  }
}
