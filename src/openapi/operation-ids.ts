/** What names an operation: its method and path, and the id the route asked for (route option or JSDoc `@operationId`). */
export interface NamedOperation {
  method: string;
  path: string;
  explicit?: string;
}

/**
 * An `operationId` for every operation, stable across builds and unique in
 * the document: the one asked for, or one derived from the method and path
 * (`GET /users/{id:int}/posts` → `getUsersByIdPosts`). A derived id that
 * collides with another gets a numeric suffix, in document order.
 */
export function operationIds(operations: readonly NamedOperation[]): string[] {
  const taken = new Set(operations.flatMap((o) => (o.explicit ? [o.explicit] : [])));
  return operations.map((o) => {
    if (o.explicit) return o.explicit;
    const base = derivedId(o.method, o.path);
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
    taken.add(id);
    return id;
  });
}

function derivedId(method: string, path: string): string {
  const words: string[] = [];
  for (const segment of path.split("/").filter(Boolean)) {
    const param = /^\{([^}:]+)(?::[^}]*)?\}$/.exec(segment);
    words.push(...(param ? ["by", ...split(param[1]!)] : split(segment)));
  }
  if (words.length === 0) words.push("root");
  return method.toLowerCase() + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("");
}

/** `user_id` → ["user", "id"]; `api-v2.json` → ["api", "v2", "json"]; `userId` stays one word. */
function split(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean);
}
