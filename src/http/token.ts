// RFC 9110 §5.6.2 tchar: "!#$%&'*+-.^_`|~", digits and letters.
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") TCHAR[c.charCodeAt(0)] = 1;

/**
 * Whether a UTF-16 code unit (or a byte) is a token character. A table
 * rather than a one-character RegExp: the parsers that walk a multipart
 * Content-Type and part headers character by character run on every upload,
 * and a RegExp test plus the one-character string it needs cost ~200
 * instructions a character (~10 000 a request for a typical boundary).
 */
export function isTokenChar(code: number): boolean {
  return code < 128 && TCHAR[code] === 1;
}
