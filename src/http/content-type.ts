import { isTokenChar } from "./token";

// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const WHITESPACE = /\s/;

/** What a request's Content-Type says, parsed once. */
export interface ContentType {
  /** Lower-case `type/subtype`. */
  mediaType: string;
  /** Lower-case parameter names. */
  params: Record<string, string>;
}

export type ContentKind = "json" | "form" | "multipart" | "text" | "other";

/**
 * Parses `type/subtype; a=b; c="d"`. Returns undefined for a malformed value.
 * Parameters are read leniently (one without `=` is skipped), except for
 * multipart types: their boundary frames the body, and busboy reads it by the
 * strict grammar (RFC 9110 §5.6.6), refusing what a lenient reading accepts
 * (`multipart/form-data; x; boundary=XyZ`). Both must read the same boundary
 * or refuse the same header, so a multipart type takes only that grammar.
 */
export function parseContentType(header: string): ContentType | undefined {
  const semi = header.indexOf(";");
  const mediaType = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  const slash = mediaType.indexOf("/");
  if (slash <= 0 || slash === mediaType.length - 1 || mediaType.indexOf("/", slash + 1) !== -1 || WHITESPACE.test(mediaType)) return undefined;
  if (semi === -1) return mediaType.startsWith("multipart/") && !MEDIA_TYPE.test(mediaType) ? undefined : { mediaType, params: {} };
  if (mediaType.startsWith("multipart/")) {
    if (!MEDIA_TYPE.test(mediaType)) return undefined;
    const params = strictParams(header, semi);
    return params === undefined ? undefined : { mediaType, params };
  }
  const params: Record<string, string> = {};
  for (const part of header.slice(semi + 1).split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params[part.slice(0, eq).trim().toLowerCase()] = value;
  }
  return { mediaType, params };
}

/**
 * `*( OWS ";" OWS token "=" ( token / quoted-string ) ) OWS` from `header[semi]`,
 * quoted strings unescaped; undefined on anything else, or a repeated name.
 * Walks char codes through tables, not one-character strings through RegExps:
 * it runs on every multipart request, and the RegExp form cost ~10 000
 * instructions for a 31-character boundary.
 */
function strictParams(header: string, semi: number): Record<string, string> | undefined {
  const params: Record<string, string> = {};
  const n = header.length;
  let i = semi;
  for (;;) {
    // At a ";" (or the end).
    if (i >= n) return params;
    if (header.charCodeAt(i) !== SEMI) return undefined;
    i = skipOws(header, i + 1);
    // An empty parameter (";;", a trailing ";"): RFC 9110 allows it, busboy does not.
    if (i >= n || header.charCodeAt(i) === SEMI) return undefined;
    const nameStart = i;
    i = skipToken(header, i);
    if (i === nameStart || header.charCodeAt(i) !== EQUALS) return undefined;
    const name = header.slice(nameStart, i).toLowerCase();
    i++;
    let value: string;
    if (header.charCodeAt(i) === QUOTE) {
      value = "";
      i++;
      // Copied in runs between escapes.
      let run = i;
      for (;;) {
        if (i >= n) return undefined;
        const c = header.charCodeAt(i);
        if (c === QUOTE) break;
        if (c === BACKSLASH) {
          value += header.slice(run, i);
          // Only escapes busboy and RFC 9110 read alike: busboy keeps the backslash of any other.
          i++;
          const e = header.charCodeAt(i);
          if (e !== QUOTE && e !== BACKSLASH) return undefined;
          run = i;
        } else if (!isQdtext(c)) return undefined;
        i++;
      }
      value += header.slice(run, i);
      i++;
    } else {
      const valueStart = i;
      i = skipToken(header, i);
      if (i === valueStart) return undefined;
      value = header.slice(valueStart, i);
    }
    if (Object.prototype.hasOwnProperty.call(params, name)) return undefined;
    params[name] = value;
    i = skipOws(header, i);
  }
}

const SEMI = 0x3b;
const EQUALS = 0x3d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function skipOws(s: string, i: number): number {
  while (i < s.length && (s.charCodeAt(i) === 0x20 || s.charCodeAt(i) === 0x09)) i++;
  return i;
}

function skipToken(s: string, i: number): number {
  while (i < s.length && isTokenChar(s.charCodeAt(i))) i++;
  return i;
}

// Inside a quoted string (or after a backslash): HTAB, SP and visible characters, as RFC 9110 §5.6.4 (obs-text excluded).
function isQdtext(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0x7e);
}

const MEDIA_TYPE = /^[!#$%&'*+\-.^_`|~0-9a-z]+\/[!#$%&'*+\-.^_`|~0-9a-z]+$/;

export function contentKind(ct: ContentType): ContentKind {
  const m = ct.mediaType;
  if (m === "application/json" || m.endsWith("+json")) return "json";
  if (m === "application/x-www-form-urlencoded") return "form";
  if (m === "multipart/form-data") return "multipart";
  if (m.startsWith("text/")) return "text";
  return "other";
}
