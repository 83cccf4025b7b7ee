import { setTimeout as sleep } from "node:timers/promises";

/** Waits until `check` holds: server-side effects arrive a turn (in memory) or a packet (on a socket) later. */
export async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("condition not reached in time");
    await sleep(2);
  }
}

export interface CollectingLogger {
  errors: string[];
  error(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  info(...args: unknown[]): void;
}

/** A ServerConfig logger that keeps what the app logged as errors (Error objects by their message). */
export function collectingLogger(): CollectingLogger {
  const errors: string[] = [];
  return { errors, error: (...a: unknown[]) => void errors.push(a.map((x) => (x instanceof Error ? x.message : String(x))).join(" ")), warn: () => {}, info: () => {} };
}
