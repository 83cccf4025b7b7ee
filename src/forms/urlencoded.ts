import { isPrototypeKey } from "../prototype-keys";
import { decodeComponent } from "../request";

// Module-level: a regular expression literal is a new RegExp object every time it is evaluated.
const DIGITS = /^\d+$/;

/** A malformed form body (answered 400 with Spikard's `{"error": ...}` body). */
export class FormParseError extends Error {}

const MAX_DEPTH = 10;

/**
 * `application/x-www-form-urlencoded` → a tree of strings: repeated keys
 * become arrays, `a[]=x` appends, `a[0]=x` indexes (indices must run from 0
 * without holes), `a[b][c]=x` nests objects. Keys are never allowed to reach
 * `__proto__`/`constructor`/`prototype`.
 */
export function parseUrlEncoded(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = Object.create(null);
  if (body.length === 0) return root;
  const indexed = new Map<unknown, number>();
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const rawKey = decodeComponent(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? "" : decodeComponent(pair.slice(eq + 1));
    const path = splitKey(rawKey);
    if (path.some(isPrototypeKey)) continue;
    assign(root, path, value, indexed);
  }
  return root;
}

function splitKey(key: string): string[] {
  const open = key.indexOf("[");
  if (open <= 0 || !key.endsWith("]")) return [key];
  const parts = [key.slice(0, open)];
  const rest = key.slice(open);
  const re = /\[([^\]]*)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(rest)) !== null) parts.push(m[1]!);
  if (parts.length - 1 > MAX_DEPTH) throw new FormParseError(`key ${JSON.stringify(key)} nests deeper than ${MAX_DEPTH} levels`);
  return parts;
}

function assign(target: Record<string, unknown>, path: string[], value: string, indexed: Map<unknown, number>): void {
  const [head, ...rest] = path as [string, ...string[]];
  if (rest.length === 0) {
    const prev = target[head];
    if (prev === undefined) target[head] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else target[head] = [prev, value];
    return;
  }
  const next = rest[0]!;
  if (next === "") {
    // a[]=x (possibly a[][b]=x, which appends objects)
    const list = (Array.isArray(target[head]) ? target[head] : (target[head] = [])) as unknown[];
    if (rest.length === 1) list.push(value);
    else {
      const obj: Record<string, unknown> = Object.create(null);
      list.push(obj);
      assign(obj, rest.slice(1), value, indexed);
    }
    return;
  }
  if (DIGITS.test(next)) {
    const list = (Array.isArray(target[head]) ? target[head] : (target[head] = [])) as unknown[];
    const index = Number(next);
    const expected = indexed.get(list) ?? 0;
    if (index > expected) throw new FormParseError(`missing index, expected: ${expected} got ${index}`);
    if (index === expected) indexed.set(list, expected + 1);
    if (rest.length === 1) {
      if (index === list.length) list.push(value);
      else list[index] = value;
      return;
    }
    const slot = (list[index] ??= Object.create(null)) as Record<string, unknown>;
    assign(slot, rest.slice(1), value, indexed);
    return;
  }
  const child = target[head];
  const obj = (child !== null && typeof child === "object" && !Array.isArray(child) ? child : (target[head] = Object.create(null))) as Record<string, unknown>;
  assign(obj, rest, value, indexed);
}
