import { SpikardError } from "../errors";
import type { Segment } from "./path-pattern";

/** Per-path handlers keyed by upper-case method. */
export type MethodMap<R> = Record<string, R>;

export interface Match<R> {
  methods: MethodMap<R>;
  /** Captured path values, decoded, in pattern order. */
  params: string[];
}

interface Node<R> {
  statics: Map<string, Node<R>>;
  /** The same children as a list: a few are compared in place, without slicing the segment out of the path. */
  staticList: Array<{ segment: string; node: Node<R> }>;
  param: Node<R> | undefined;
  rest: MethodMap<R> | undefined;
  methods: MethodMap<R> | undefined;
}

const newNode = <R>(): Node<R> => ({ statics: new Map(), staticList: [], param: undefined, rest: undefined, methods: undefined });

/** Up to this many static children a linear in-place comparison beats slicing the segment for a Map lookup. */
const SCAN_CHILDREN = 8;

/**
 * Route lookup. Static paths are one Map lookup on the raw path; dynamic
 * paths walk a segment trie (static children before `{param}` before
 * `{rest:path}`, with backtracking).
 */
export class RouteTable<R> {
  // The Match itself is stored, so a static hit allocates nothing per request (its params are the shared EMPTY).
  private readonly statics = new Map<string, Match<R>>();
  private readonly root: Node<R> = newNode();
  private hasDynamic = false;
  /** Most values any pattern captures: each lookup's list is made that size. */
  private maxParams = 0;

  add(method: string, pattern: string, segments: readonly Segment[], route: R): void {
    let methods: MethodMap<R>;
    if (segments.every((s) => s.kind === "static")) {
      const key = pattern;
      const existing = this.statics.get(key);
      methods = existing?.methods ?? Object.create(null);
      if (existing === undefined) this.statics.set(key, { methods, params: EMPTY });
    } else {
      this.hasDynamic = true;
      this.maxParams = Math.max(this.maxParams, segments.filter((s) => s.kind !== "static").length);
      let node = this.root;
      let restMethods: MethodMap<R> | undefined;
      for (const seg of segments) {
        if (seg.kind === "static") {
          let next = node.statics.get(seg.value);
          if (!next) {
            node.statics.set(seg.value, (next = newNode()));
            node.staticList.push({ segment: seg.value, node: next });
          }
          node = next;
        } else if (seg.kind === "param") {
          node = node.param ??= newNode();
        } else {
          restMethods = node.rest ??= Object.create(null);
        }
      }
      methods = restMethods ?? (node.methods ??= Object.create(null));
    }
    if (methods[method] !== undefined) throw new SpikardError("DUPLICATE_ROUTE", `${method} ${pattern}`);
    methods[method] = route;
  }

  /** Finds a route; `/p` and `/p/` are the same route, as in Spikard. */
  find(path: string): Match<R> | undefined {
    const found = this.lookup(path);
    if (found !== undefined || path.length <= 1) return found;
    return this.lookup(path.endsWith("/") ? path.slice(0, -1) : `${path}/`);
  }

  private lookup(path: string): Match<R> | undefined {
    const hit = this.statics.get(path);
    if (hit !== undefined) return hit;
    if (path.indexOf("%") !== -1) {
      const decoded = safeDecodePath(path);
      const decodedHit = decoded !== undefined ? this.statics.get(decoded) : undefined;
      if (decodedHit !== undefined) return decodedHit;
    }
    if (!this.hasDynamic) return undefined;
    // Sized up front: the first push into an empty array reserves 17 slots, 152 bytes per request.
    const params = new Array<string>(this.maxParams);
    // Segments are read in place (no split); "/" and "" have none, so the walk starts past the end.
    const methods = walk(this.root, path, path.length <= 1 ? path.length + 1 : 1, params, 0);
    return methods === undefined ? undefined : { methods, params };
  }
}

const EMPTY: string[] = [];

/**
 * Matches the segment starting at `start` (segments end at "/" or the end of
 * the path), then the rest; `params[0..depth)` hold the values captured so far.
 */
function walk<R>(node: Node<R>, path: string, start: number, params: string[], depth: number): MethodMap<R> | undefined {
  if (start > path.length) {
    if (node.methods !== undefined) params.length = depth;
    return node.methods;
  }
  let end = path.indexOf("/", start);
  if (end === -1) end = path.length;
  const pct = path.indexOf("%", start);
  const escaped = pct !== -1 && pct < end;
  let part: string | undefined;
  let child: Node<R> | undefined;
  if (!escaped && node.staticList.length <= SCAN_CHILDREN) {
    const len = end - start;
    for (const s of node.staticList) {
      if (s.segment.length === len && path.startsWith(s.segment, start)) {
        child = s.node;
        break;
      }
    }
  } else {
    part = path.slice(start, end);
    if (escaped) part = safeDecodeSegment(part) ?? part;
    child = node.statics.get(part);
  }
  if (child !== undefined) {
    const found = walk(child, path, end + 1, params, depth);
    if (found !== undefined) return found;
  }
  if (node.param !== undefined && end > start) {
    params[depth] = part ?? path.slice(start, end);
    const found = walk(node.param, path, end + 1, params, depth + 1);
    if (found !== undefined) return found;
  }
  if (node.rest !== undefined) {
    const rest = path.slice(start);
    params[depth] = rest.indexOf("%") === -1 ? rest : (safeDecodePath(rest) ?? rest);
    params.length = depth + 1;
    return node.rest;
  }
  return undefined;
}

function safeDecodeSegment(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

function safeDecodePath(s: string): string | undefined {
  try {
    return decodeURI(s);
  } catch {
    return undefined;
  }
}
