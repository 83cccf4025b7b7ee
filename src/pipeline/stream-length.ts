import { SpikardError } from "../errors";
import { headerValue } from "./header-list";

/**
 * A StreamingResponse may declare its Content-Length (a file download of known
 * size). Both sinks then frame the body by that length instead of chunked
 * encoding, and hold the stream to it.
 */
export function declaredStreamLength(headers: readonly string[]): number | undefined {
  const v = headerValue(headers, "content-length")?.trim();
  return v !== undefined && DIGITS.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
}

const DIGITS = /^\d+$/;

export const streamTooLong = (total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream produced more than its declared Content-Length of ${total} bytes`);

export const streamTooShort = (sent: number, total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream ended after ${sent} of its declared ${total} bytes`);
