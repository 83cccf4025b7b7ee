/** RFC 6901 JSON pointers, as `#/a/b~1c` fragments: where in a spec a problem is. */

export function pointerJoin(base: string, ...keys: Array<string | number>): string {
  return keys.reduce<string>((p, k) => `${p}/${String(k).replace(/~/g, "~0").replace(/\//g, "~1")}`, base);
}

export function pointerKeys(pointer: string): string[] {
  const body = pointer.replace(/^#/, "");
  if (body === "") return [];
  return body
    .slice(1)
    .split("/")
    .map((k) => decodeURIComponent(k).replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** The value at a local pointer, or undefined when the path does not exist. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const key of pointerKeys(pointer)) {
    if (cur === null || typeof cur !== "object" || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
