export interface Target {
  /** Raw (percent-encoded) path. */
  path: string;
  /** Raw query without the `?`. */
  query: string;
}

/**
 * The path and query of a request target (RFC 9112 §3.2): origin form
 * (`/a?b`), absolute form (`http://host/a?b`, which a server MUST accept),
 * or `*` for OPTIONS. Anything else (`health`, `*` for GET) is undefined:
 * llhttp lets some of these through and the request is refused with 400.
 */
export function splitTarget(url: string, method: string): Target | undefined {
  let start = 0;
  if (url.charCodeAt(0) !== SLASH) {
    if (url === "*") return method === "OPTIONS" ? { path: "*", query: "" } : undefined;
    const scheme = ABSOLUTE.exec(url);
    if (scheme === null) return undefined;
    const slash = url.indexOf("/", scheme[0].length);
    const q = url.indexOf("?", scheme[0].length);
    // The authority ends at the path or the query, whichever comes first; with neither the path is "/".
    if (slash === -1 || (q !== -1 && q < slash)) return { path: "/", query: q === -1 ? "" : url.slice(q + 1) };
    start = slash;
  }
  const q = url.indexOf("?", start);
  return q === -1 ? { path: start === 0 ? url : url.slice(start), query: "" } : { path: url.slice(start, q), query: url.slice(q + 1) };
}

const SLASH = 47;
const ABSOLUTE = /^https?:\/\/[^/?#\s]+/i;
