/**
 * The keys that link a registration to its metadata in a module `spikard gen`
 * wrote. Each is computed from the registration call's own arguments, so the
 * runtime derives from the values it is handed the key the generator derived
 * from the source, whichever compiler built the app (no file names or call
 * positions, which bundlers and other compilers do not keep).
 */

/**
 * A route: its operationId when it has one (unique in an OpenAPI document),
 * else its method and its path under the prefix of the router it is
 * registered on (the router's own, given where it is created; not the
 * prefix an includeRouter() adds later).
 */
export function routeId(method: string, fullPath: string, operationId?: string): string {
  return operationId === undefined ? `${method.toUpperCase()} ${fullPath}` : `#${operationId}`;
}

/** A dependency factory (`Provide(factory)`): its parameter names, `_` for a destructured one. */
export function factoryId(params: readonly string[]): string {
  return `Provide(${params.join(",")})`;
}

/** A lifecycle hook: its phase and parameter names. */
export function hookId(phase: string, params: readonly string[]): string {
  return `${phase}(${params.join(",")})`;
}

/**
 * A gRPC implementation: the methods that take parameters after `(request, ctx)`, each with its
 * parameter names, in name order (the order of an object's methods is not the source's once a
 * class or a spread is involved).
 */
export function grpcServiceId(methods: ReadonlyArray<readonly [string, readonly string[]]>): string {
  return `grpc(${methods.map(([name, params]) => `${name}(${params.join(",")})`).sort().join(";")})`;
}

/**
 * An `app.publish(topic, message)`: the literal parts of its topic, in
 * order, between the places a value is put in (`chat` is ["chat"],
 * \`room:${id}\` is ["room:", ""], a topic that is only a variable is
 * ["", ""]). The runtime matches the topic it is handed against these;
 * `spikard gen` refuses two publishes of different types whose topics
 * could be the same string (SPK024), so one topic matches one type.
 */
export function publishId(parts: readonly string[]): string {
  return `publish${JSON.stringify(parts)}`;
}

/** The parts of a publishId; undefined for another key. */
export function publishParts(id: string): string[] | undefined {
  return id.startsWith("publish[") ? (JSON.parse(id.slice("publish".length)) as string[]) : undefined;
}

/** Whether `topic` is one of the strings `parts` stands for: its parts in order, anything between them. */
export function topicMatches(parts: readonly string[], topic: string): boolean {
  if (parts.length === 1) return topic === parts[0];
  const first = parts[0]!;
  const last = parts[parts.length - 1]!;
  if (topic.length < first.length + last.length || !topic.startsWith(first) || !topic.endsWith(last)) return false;
  let at = first.length;
  const end = topic.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const found = topic.indexOf(parts[i]!, at);
    if (found < 0 || found + parts[i]!.length > end) return false;
    at = found + parts[i]!.length;
  }
  return true;
}

/**
 * Whether some topic matches both patterns (each a publishId's parts): a walk
 * over both at once, where a gap may take what the other has at that point.
 * Memoized over the positions, so quadratic in the patterns' lengths.
 */
export function topicsOverlap(a: readonly string[], b: readonly string[]): boolean {
  const x = tokens(a);
  const y = tokens(b);
  const seen = new Map<number, boolean>();
  const walk = (i: number, j: number): boolean => {
    const key = i * (y.length + 1) + j;
    const known = seen.get(key);
    if (known !== undefined) return known;
    seen.set(key, false);
    let result: boolean;
    if (i === x.length && j === y.length) result = true;
    else if (x[i] === GAP) result = walk(i + 1, j) || (j < y.length && walk(i, j + 1));
    else if (y[j] === GAP) result = walk(i, j + 1) || (i < x.length && walk(i + 1, j));
    else result = i < x.length && j < y.length && x[i] === y[j] && walk(i + 1, j + 1);
    seen.set(key, result);
    return result;
  };
  return walk(0, 0);
}

const GAP = Symbol("gap");

/** A pattern's characters, with GAP between its parts. */
function tokens(parts: readonly string[]): Array<string | typeof GAP> {
  const out: Array<string | typeof GAP> = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(GAP);
    out.push(...p);
  });
  return out;
}

/** What a parameter that is not a plain name (a destructuring pattern) is written as in a key. */
export const PATTERN_PARAM = "_";
