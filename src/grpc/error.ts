import { Metadata, type MetadataInit } from "./metadata";
import { GrpcStatus, statusName, type GrpcStatusCode } from "./status";

/**
 * What a handler throws to end a call with a status: `throw new GrpcError(GrpcStatus.NOT_FOUND, "no such user")`.
 * The code, message and metadata travel in the call's trailers; the message is sent as written.
 */
export class GrpcError extends Error {
  readonly code: GrpcStatusCode;
  /** Trailing metadata sent with the status. */
  readonly metadata: Metadata;

  constructor(code: GrpcStatusCode, message = "", metadata?: MetadataInit, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (statusName(code) === undefined || code === GrpcStatus.OK) throw new RangeError(`GrpcError: ${code} is not an error status code (1-16)`);
    this.name = "GrpcError";
    this.code = code;
    this.metadata = metadata instanceof Metadata ? metadata : new Metadata(metadata);
  }
}
