import { SpikardError } from "../errors";

/**
 * A StreamingResponse may declare its Content-Length (a file download of known
 * size). Both sinks then frame the body by that length instead of chunked
 * encoding, and hold the stream to it.
 */
export function declaredStreamLength(headers: readonly string[]): number | undefined {
  for (let i = 0; i < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() !== "content-length") continue;
    const v = headers[i + 1]!.trim();
    return DIGITS.test(v) && Number.isSafeInteger(Number(v)) ? Number(v) : undefined;
  }
  return undefined;
}

const DIGITS = /^\d+$/;

export const streamTooLong = (total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream produced more than its declared Content-Length of ${total} bytes`);

export const streamTooShort = (sent: number, total: number): SpikardError => new SpikardError("STREAM_LENGTH", `the stream ended after ${sent} of its declared ${total} bytes`);
