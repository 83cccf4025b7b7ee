import { SpikardError } from "../errors";

/** RFC 9110 token characters. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Any character that ends a header line or is not allowed in a field value. */
const BAD_VALUE = /[\r\n\0]/;

/**
 * Throws for a header that would corrupt the response: CR, LF or NUL would split it
 * (RFC 9110 §5.5), so such a header is refused as node:http refuses it; the handler's bug
 * answers 500 and nothing of it is written. Called where headers a handler set enter
 * the response path (a Response's, an HttpError's); the framework's own lists need none.
 */
export function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new SpikardError("INVALID_HEADER", `name ${JSON.stringify(name)}`);
  if (BAD_VALUE.test(value)) throw new SpikardError("INVALID_HEADER", `${name}: a value containing CR, LF or NUL`);
}
