import { SpikardError } from "../errors";

/** A segment type written in the route (`{id:int}`); it narrows the parameter schema. */
export type SegmentType = "str" | "int" | "float" | "uuid" | "path";

export type Segment =
  | { kind: "static"; value: string }
  | { kind: "param"; name: string; type: SegmentType | undefined }
  | { kind: "rest"; name: string };

const SEGMENT_TYPES: ReadonlySet<string> = new Set(["str", "string", "int", "float", "uuid", "path"]);

/**
 * Parses `/users/{id:int}/files/{rest:path}` into segments. `{name:path}` must
 * be last: it captures the remainder of the path, slashes included.
 */
export function parsePathPattern(pattern: string): Segment[] {
  if (!pattern.startsWith("/")) throw new SpikardError("ROUTE_PATTERN", `Route path must start with "/": ${JSON.stringify(pattern)}`);
  if (pattern === "/") return [];
  const parts = pattern.slice(1).split("/");
  const segments: Segment[] = [];
  const seen = new Set<string>();
  parts.forEach((part, index) => {
    const match = /^\{([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z]+))?\}$/.exec(part);
    if (match === null) {
      if (part.includes("{") || part.includes("}"))
        throw new SpikardError("ROUTE_PATTERN", `Malformed parameter segment ${JSON.stringify(part)} in ${pattern}; write {name} or {name:int|float|uuid|path}`);
      segments.push({ kind: "static", value: part });
      return;
    }
    const [, name, rawType] = match as unknown as [string, string, string | undefined];
    if (seen.has(name)) throw new SpikardError("ROUTE_PATTERN", `Duplicate path parameter "${name}" in ${pattern}`);
    seen.add(name);
    if (rawType !== undefined && !SEGMENT_TYPES.has(rawType))
      throw new SpikardError("ROUTE_PATTERN", `Unknown path parameter type "${rawType}" in ${pattern}; use int, float, uuid, str or path`);
    if (rawType === "path") {
      if (index !== parts.length - 1) throw new SpikardError("ROUTE_PATTERN", `{${name}:path} must be the last segment of ${pattern}`);
      segments.push({ kind: "rest", name });
      return;
    }
    segments.push({ kind: "param", name, type: rawType === "string" ? "str" : (rawType as SegmentType | undefined) });
  });
  return segments;
}

/** Names of the parameters a pattern captures, in order. */
export function pathParamNames(segments: readonly Segment[]): string[] {
  return segments.flatMap((s) => (s.kind === "static" ? [] : [s.name]));
}

/** Joins a router prefix and a route path without doubling or losing slashes. */
export function joinPaths(prefix: string, path: string): string {
  if (prefix === "" || prefix === "/") return path;
  const p = prefix.endsWith("/") ? prefix.slice(0, -1) : prefix;
  if (path === "/" || path === "") return p;
  return p + (path.startsWith("/") ? path : `/${path}`);
}
