/**
 * If-None-Match against a resource's entity tag, by the weak comparison RFC 9110
 * §13.1.2 prescribes for it (§8.8.3.2): `W/"x"` and `"x"` match each other.
 * `*` matches any current representation. A list that is not a list of entity
 * tags matches nothing, so a garbled header gets the full response.
 */
export function noneMatch(header: string, etag: string): boolean {
  const own = opaque(etag);
  let pos = 0;
  const n = header.length;
  for (;;) {
    while (pos < n && (header[pos] === " " || header[pos] === "\t" || header[pos] === ",")) pos++;
    if (pos >= n) return false;
    if (header[pos] === "*") return true;
    if (header.startsWith("W/", pos)) pos += 2;
    if (header[pos] !== '"') return false;
    const close = header.indexOf('"', pos + 1);
    if (close === -1) return false;
    if (header.slice(pos, close + 1) === own) return true;
    pos = close + 1;
  }
}

/** The quoted opaque part of an entity tag, without its weakness marker. */
function opaque(etag: string): string {
  return etag.startsWith("W/") ? etag.slice(2) : etag;
}
