// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;

/** Query string → record; a repeated key becomes an array. Decodes `+` and percent-escapes. */
export function parseQuery(raw: string): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = Object.create(null);
  if (raw.length === 0) return out;
  let start = 0;
  const len = raw.length;
  while (start <= len) {
    let end = raw.indexOf("&", start);
    if (end === -1) end = len;
    if (end > start) {
      const eq = raw.indexOf("=", start);
      let key: string;
      let value: string;
      if (eq === -1 || eq > end) {
        key = decodeComponent(raw.slice(start, end));
        value = "";
      } else {
        key = decodeComponent(raw.slice(start, eq));
        value = decodeComponent(raw.slice(eq + 1, end));
      }
      const prev = out[key];
      if (prev === undefined) out[key] = value;
      else if (typeof prev === "string") out[key] = [prev, value];
      else prev.push(value);
    }
    start = end + 1;
  }
  return out;
}

/**
 * One key's value(s) from a query string with no escapes (no `%`, no `+`), as
 * `parseQuery(raw)[key]` would give them, without building the whole record:
 * the common request reads a few declared parameters and nothing else.
 */
export function scanQuery(raw: string, key: string): string | string[] | undefined {
  let found: string | string[] | undefined;
  const len = raw.length;
  const klen = key.length;
  let start = 0;
  while (start < len) {
    let end = raw.indexOf("&", start);
    if (end === -1) end = len;
    const after = start + klen;
    if (after <= end && raw.startsWith(key, start) && (after === end || raw.charCodeAt(after) === 61 /* = */)) {
      // "key" alone reads as "", as in parseQuery; the value runs to this pair's end (it may hold more "=").
      const value = after === end ? "" : raw.slice(after + 1, end);
      if (found === undefined) found = value;
      else if (typeof found === "string") found = [found, value];
      else found.push(value);
    }
    start = end + 1;
  }
  return found;
}

/**
 * Decodes a form/query component. Hand-written fast path: most components have
 * neither `+` nor `%`, and decodeURIComponent's try/catch costs on every call.
 */
export function decodeComponent(s: string): string {
  if (s.indexOf("+") !== -1) s = s.replace(/\+/g, " ");
  if (s.indexOf("%") === -1) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return decodeBytes(s);
  }
}

/**
 * Byte-wise decoding for components decodeURIComponent rejects: well-formed
 * `%XX` become bytes, anything else stays as written, and the bytes are read
 * as UTF-8 with replacement characters (as browsers and Spikard do).
 */
function decodeBytes(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && HEX_PAIR.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x80) bytes.push(c);
    else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      bytes.push(...Buffer.from(ch, "utf8"));
      i += ch.length - 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** `a=1; b=2` → record. First occurrence wins. */
export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  if (!header) return out;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    if (key === "" || key in out) continue;
    let value = part.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    out[key] = value.indexOf("%") === -1 ? value : safeDecode(value);
  }
  return out;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
