/**
 * Waiting with an upper bound, for shutdown paths that must not hang on a silent peer
 * (a graceful TCP/TLS close awaiting the peer's FIN, a WebSocket closing handshake).
 *
 * @module
 */

/**
 * Resolves when `promise` settles or after `ms`, whichever comes first; never rejects. The
 * timer is cleared either way.
 *
 * @example
 * ```ts
 * await boundedWait(conn.closeWrite(), 2000);
 * ```
 */
export async function boundedWait(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      promise.catch(() => {}),
      new Promise<void>((resolve) => timer = setTimeout(resolve, ms)),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
