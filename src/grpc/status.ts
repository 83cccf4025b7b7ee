/** gRPC status codes (grpc/doc/statuscodes.md), by name. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

export type GrpcStatusName = keyof typeof GrpcStatus;
export type GrpcStatusCode = (typeof GrpcStatus)[GrpcStatusName];

const NAMES = Object.fromEntries(Object.entries(GrpcStatus).map(([name, code]) => [code, name])) as Record<number, GrpcStatusName>;

/** `"NOT_FOUND"` for 5; undefined for a number that is no status code. */
export function statusName(code: number): GrpcStatusName | undefined {
  return NAMES[code];
}

/** A status given by name (`"NOT_FOUND"`, case and `-`/space insensitive) or number; undefined if it is neither. */
export function parseStatus(value: string | number): GrpcStatusCode | undefined {
  if (typeof value === "number") return NAMES[value] === undefined ? undefined : (value as GrpcStatusCode);
  const key = value.trim().toUpperCase().replace(/[\s-]+/g, "_");
  if (/^\d+$/.test(key)) return parseStatus(Number(key));
  return Object.prototype.hasOwnProperty.call(GrpcStatus, key) ? GrpcStatus[key as GrpcStatusName] : undefined;
}
