/**
 * The kernel's socket-buffer defaults (`net.core.rmem_default`, `rmem_max`, `wmem_default`,
 * `wmem_max`), raised for the length of one measurement and always put back.
 *
 * Why: a socket that does not size its own buffers (Deno's datagram sockets cannot) gets
 * `rmem_default` / `wmem_default` as they are; one that asks with `setsockopt(SO_RCVBUF, n)`
 * (SIPp's `-buff_size n`) gets `2 × min(n, rmem_max)` (socket(7): the kernel doubles the value
 * for its bookkeeping). Comparing the lab with SIPp on UDP is only fair when both end up with
 * the same buffer (/work/shared/notes/anchors.md).
 *
 * Only root may write /proc/sys; otherwise nothing is changed and the outcome says so. The
 * old values are restored when the measurement ends, throws, or the process is interrupted
 * (SIGINT / SIGTERM: restored, then the process exits 130 / 143).
 *
 * @module
 */

/** The four sysctls under /proc/sys/net/core, in the order they are written. */
export const SOCKET_BUFFER_SYSCTLS = [
  "rmem_max",
  "wmem_max",
  "rmem_default",
  "wmem_default",
] as const;

/** One of {@link SOCKET_BUFFER_SYSCTLS}. */
export type SocketBufferSysctl = (typeof SOCKET_BUFFER_SYSCTLS)[number];

/** A value, in bytes, for each of the four sysctls. */
export type SocketBufferValues = Record<SocketBufferSysctl, number>;

/** What a measurement ran with. */
export type SocketBufferScope =
  /** The sysctls held `values` for the whole measurement; `previous` was put back after. */
  | { raised: true; values: SocketBufferValues; previous: SocketBufferValues }
  /** Nothing changed (`why`); `values` are the kernel's current ones, when they could be read. */
  | { raised: false; values?: SocketBufferValues; why: string };

/** Where and whether {@link withSocketBuffers} may write. */
export interface SocketBufferOptions {
  /** The sysctl directory. Default /proc/sys/net/core. */
  dir?: string;
  /** Whether to try writing at all. Default: running as root. */
  privileged?: boolean;
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The kernel's current values, read from `dir`.
 *
 * @example
 * ```ts
 * const { rmem_default } = await readSocketBufferSysctls(); // 212992 on a stock kernel
 * ```
 */
export async function readSocketBufferSysctls(
  dir = "/proc/sys/net/core",
): Promise<SocketBufferValues> {
  const values = {} as SocketBufferValues;
  for (const name of SOCKET_BUFFER_SYSCTLS) {
    const text = (await Deno.readTextFile(`${dir}/${name}`)).trim();
    const value = Number(text);
    if (!Number.isInteger(value) || value <= 0) {
      throw new Error(`${dir}/${name} holds '${text}', not a byte count`);
    }
    values[name] = value;
  }
  return values;
}

/**
 * Writes `values[name]` for each name in `names`, adding each one written to `written`; throws
 * one error naming every sysctl that could not be written.
 */
function writeSysctls(
  dir: string,
  values: SocketBufferValues,
  names: readonly SocketBufferSysctl[],
  written: Set<SocketBufferSysctl>,
): void {
  const failed: string[] = [];
  for (const name of names) {
    try {
      Deno.writeTextFileSync(`${dir}/${name}`, `${values[name]}\n`);
      written.add(name);
    } catch (error) {
      failed.push(`${name}: ${error instanceof Error ? error.message : error}`);
    }
  }
  if (failed.length > 0) throw new Error(`could not write ${dir}: ${failed.join("; ")}`);
}

function defaultPrivileged(): boolean {
  return Deno.uid() === 0;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `body` with the four sysctls at `wanted` (when privileged), then restores the old
 * values, whether `body` resolves, throws, or the process gets SIGINT / SIGTERM meanwhile.
 * `body` learns what it runs with.
 *
 * @example
 * ```ts
 * const size = 4_194_304;
 * await withSocketBuffers(
 *   { rmem_max: size, wmem_max: size, rmem_default: 2 * size, wmem_default: 2 * size },
 *   async (scope) => console.log(scope.raised ? "raised" : scope.why),
 * );
 * ```
 */
export async function withSocketBuffers<T>(
  wanted: SocketBufferValues,
  body: (scope: SocketBufferScope) => Promise<T>,
  options: SocketBufferOptions = {},
): Promise<T> {
  const dir = options.dir ?? "/proc/sys/net/core";
  let previous: SocketBufferValues;
  try {
    previous = await readSocketBufferSysctls(dir);
  } catch (error) {
    return await body({ raised: false, why: `cannot read ${dir}: ${message(error)}` });
  }
  if (!(options.privileged ?? defaultPrivileged())) {
    return await body({ raised: false, values: previous, why: "not root" });
  }
  // The sysctls changed so far: only those are put back (a failed write changed nothing).
  const changed = new Set<SocketBufferSysctl>();
  const restore = () => {
    const names = [...changed];
    changed.clear();
    writeSysctls(dir, previous, names, new Set());
  };
  const listeners = (Object.keys(SIGNAL_EXIT_CODES) as (keyof typeof SIGNAL_EXIT_CODES)[]).map(
    (signal) => {
      // A listener replaces the default action (ending the process): restore, then end it.
      const listener = () => {
        try {
          restore();
        } finally {
          Deno.exit(SIGNAL_EXIT_CODES[signal]);
        }
      };
      Deno.addSignalListener(signal, listener);
      return () => Deno.removeSignalListener(signal, listener);
    },
  );
  try {
    let scope: SocketBufferScope;
    try {
      writeSysctls(dir, wanted, SOCKET_BUFFER_SYSCTLS, changed);
      scope = { raised: true, values: wanted, previous };
    } catch (error) {
      restore();
      scope = { raised: false, values: previous, why: message(error) };
    }
    return await body(scope);
  } finally {
    try {
      restore();
    } finally {
      for (const remove of listeners) remove();
    }
  }
}
