import type { Metadata, MetadataValue } from "./metadata";

/**
 * What every handler gets besides its messages: `(req, ctx)`. The signal aborts at the deadline
 * (reason: a GrpcError DEADLINE_EXCEEDED) or when the client cancels (CANCELLED) or the server
 * shuts down; long work should pass it on (`fetch(url, { signal: ctx.signal })`).
 */
export interface GrpcCallContext {
  readonly serviceName: string;
  readonly methodName: string;
  /** Request metadata. */
  readonly metadata: Metadata;
  readonly signal: AbortSignal;
  /** The call's deadline, or undefined when the client set none. */
  readonly deadline: Date | undefined;
  /** The client's address, when known. */
  readonly peer: string | undefined;
  /** Adds response-header metadata; ignored (with a warning) once headers were sent. */
  setHeader(key: string, value: MetadataValue): void;
  /** Adds trailing metadata, sent with the status. */
  setTrailer(key: string, value: MetadataValue): void;
}
