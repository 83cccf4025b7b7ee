/**
 * The addresses a forwarding header lists, nearest hop first (right to left):
 * what each proxy appended, the server-side one last. Repeated header lines
 * arrive joined with ", " and read as one list, in order.
 */

/** `X-Forwarded-For: client, proxy1, proxy2`. */
export function* xForwardedFor(value: string): Generator<string> {
  let end = value.length;
  while (end > 0) {
    const comma = value.lastIndexOf(",", end - 1);
    yield value.slice(comma + 1, end).trim();
    end = comma === -1 ? 0 : comma;
  }
}

/**
 * RFC 7239 `Forwarded: for=192.0.2.60;proto=http, for="[2001:db8::17]:4711"`:
 * the `for` of each element (`""` when an element has none), quotes removed.
 */
export function* forwardedFor(value: string): Generator<string> {
  const elements = splitOutsideQuotes(value, ",");
  for (let i = elements.length - 1; i >= 0; i--) {
    let found = "";
    for (const pair of splitOutsideQuotes(elements[i]!, ";")) {
      const eq = pair.indexOf("=");
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === "for") {
        found = unquote(pair.slice(eq + 1).trim());
        break;
      }
    }
    yield found;
  }
}

function splitOutsideQuotes(s: string, separator: string): string[] {
  const parts: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === separator && !quoted) {
      parts.push(s.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

function unquote(s: string): string {
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) return s;
  return s.slice(1, -1).replace(/\\(.)/g, "$1");
}
