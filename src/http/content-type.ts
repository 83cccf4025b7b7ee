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

/** Parses `type/subtype; a=b; c="d"`. Returns undefined for a malformed value. */
export function parseContentType(header: string): ContentType | undefined {
  const semi = header.indexOf(";");
  const mediaType = (semi === -1 ? header : header.slice(0, semi)).trim().toLowerCase();
  const slash = mediaType.indexOf("/");
  if (slash <= 0 || slash === mediaType.length - 1 || mediaType.indexOf("/", slash + 1) !== -1 || WHITESPACE.test(mediaType)) return undefined;
  const params: Record<string, string> = {};
  if (semi !== -1) {
    for (const part of header.slice(semi + 1).split(";")) {
      const eq = part.indexOf("=");
      if (eq === -1) continue;
      let value = part.slice(eq + 1).trim();
      if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
      params[part.slice(0, eq).trim().toLowerCase()] = value;
    }
  }
  return { mediaType, params };
}

export function contentKind(ct: ContentType): ContentKind {
  const m = ct.mediaType;
  if (m === "application/json" || m.endsWith("+json")) return "json";
  if (m === "application/x-www-form-urlencoded") return "form";
  if (m === "multipart/form-data") return "multipart";
  if (m.startsWith("text/")) return "text";
  return "other";
}
