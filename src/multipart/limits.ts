import { Rejection } from "../http-errors";

/** How much structure one multipart body may have (ServerConfig `multipartLimits`). */
export interface MultipartLimits {
  /** Parts of any kind. Default 2000. */
  maxParts?: number;
  /** Text (non-file) fields. Default 1000. */
  maxFields?: number;
  /** Bytes of one text field's value. Default 1 MiB. */
  maxFieldSize?: number;
  /** File parts, "no file chosen" ones included. Default 1000. */
  maxFiles?: number;
  /** Bytes of one part's header block (its lines and the blank line ending them). Default 8 KiB. */
  maxPartHeaderSize?: number;
}

export type ResolvedMultipartLimits = Required<MultipartLimits>;

/**
 * Safe for any form a browser sends, and far below what costs the server: a
 * body of 300 000 one-letter fields (19.6 MiB) took seconds of CPU to parse,
 * and blocked every other request while it did. Counts as Starlette's
 * (FastAPI's) defaults; the field size as busboy's, which truncated silently.
 */
export const DEFAULT_MULTIPART_LIMITS: ResolvedMultipartLimits = Object.freeze({
  maxParts: 2000,
  maxFields: 1000,
  maxFieldSize: 1024 * 1024,
  maxFiles: 1000,
  maxPartHeaderSize: 8 * 1024,
});

export function resolveMultipartLimits(limits: MultipartLimits | undefined): ResolvedMultipartLimits {
  return { ...DEFAULT_MULTIPART_LIMITS, ...definedOnly(limits ?? {}) };
}

function definedOnly(o: MultipartLimits): MultipartLimits {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as MultipartLimits;
}

/** 413, in the shape of the body-size 413 (Spikard's `{error, message}`). */
export function multipartLimitError(what: string, limit: number): Rejection {
  return new Rejection("MULTIPART_LIMIT", what, limit);
}

/**
 * Counts a body's parts as either parser meets them, and throws the 413 as
 * soon as one more would pass a limit: both parsers share it, so a body gets
 * the same answer whichever parses it.
 */
export class PartTally {
  private parts = 0;
  private fields = 0;
  private files = 0;

  constructor(readonly limits: ResolvedMultipartLimits) {}

  /** A part begins. */
  part(): void {
    if (++this.parts > this.limits.maxParts) throw multipartLimitError("parts", this.limits.maxParts);
  }

  /** Its header block is `size` bytes so far (or in all). */
  headerSize(size: number): void {
    if (size > this.limits.maxPartHeaderSize) throw multipartLimitError("bytes in one part's headers", this.limits.maxPartHeaderSize);
  }

  file(): void {
    if (++this.files > this.limits.maxFiles) throw multipartLimitError("files", this.limits.maxFiles);
  }

  field(): void {
    if (++this.fields > this.limits.maxFields) throw multipartLimitError("fields", this.limits.maxFields);
  }

  /** A text field's value is `size` bytes so far (or in all). */
  fieldSize(size: number): void {
    if (size > this.limits.maxFieldSize) throw multipartLimitError("bytes in one field", this.limits.maxFieldSize);
  }
}
