/**
 * `grpc-timeout` (PROTOCOL-HTTP2.md): at most 8 ASCII digits and a unit, H M S m u n.
 * Returns milliseconds, or undefined for a malformed value: grpc-js and grpc-core then fail the
 * call with INTERNAL instead of running it without a deadline, and so do we.
 */
const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };
const TIMEOUT = /^(\d{1,8})([HMSmun])$/;

export function parseGrpcTimeout(value: string): number | undefined {
  const m = TIMEOUT.exec(value.trim());
  if (m === null) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** The shortest exact-or-rounded-up header value for a timeout in milliseconds (for clients and tests). */
export function formatGrpcTimeout(ms: number): string {
  const units: Array<[string, number]> = [["n", 1e-6], ["u", 1e-3], ["m", 1], ["S", 1000], ["M", 60_000], ["H", 3_600_000]];
  for (const [unit, size] of units) {
    const n = Math.ceil(ms / size);
    if (n < 1e8) return `${n}${unit}`;
  }
  return "99999999H";
}
