/**
 * The request's own framing (RFC 9112 §6): how long its body is. Checked by
 * every adapter before anything reads the body, because a length two parties
 * read differently is how requests are smuggled, and a length no buffer can
 * have (negative, fractional) must never reach an allocation.
 *
 * Pure: the adapter hands every value of the two headers, as received.
 */
export function requestFramingError(contentLength: readonly string[], transferEncoding: readonly string[]): string | undefined {
  if (transferEncoding.length > 0) {
    // Only `chunked` alone is decoded; any other coding (or a list) would be read as chunked by some party and not by another.
    if (transferEncoding.length !== 1 || transferEncoding[0]!.trim().toLowerCase() !== "chunked") return "Unsupported Transfer-Encoding: only 'chunked' is accepted";
    if (contentLength.length > 0) return "A request may not carry both Content-Length and Transfer-Encoding";
    return undefined;
  }
  let value: string | undefined;
  for (const field of contentLength) {
    // A field may itself be a list ("5, 5"); every member must be the same digits.
    for (const member of field.split(",")) {
      const v = member.trim();
      if (!DIGITS.test(v)) return "Invalid Content-Length header";
      if (value !== undefined && Number(v) !== Number(value)) return "Conflicting Content-Length headers";
      value = v;
    }
  }
  return undefined;
}

const DIGITS = /^\d+$/;
