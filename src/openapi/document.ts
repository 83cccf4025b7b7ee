import type { RouteDefinition } from "../route-definition";
import type { OperationFragment } from "../runtime/meta";
import { middlewareResponses, securityOf, securitySchemes, type DocumentedServer } from "./server-responses";
import { PROBLEM_SCHEMAS } from "./problem-schemas";
import { operationIds } from "./operation-ids";
import type { OpenApiConfig } from "./config";

type Json = Record<string, unknown>;

/** What the document is built from besides the routes: `ServerConfig.openapi` and the middleware the server runs. */
export type DocumentConfig = { openapi?: OpenApiConfig } & DocumentedServer;

/**
 * Assembles the OpenAPI 3.1 document from the operation fragments the
 * transformer computed for each route at build time, and adds what the
 * server's configuration answers on every route (authentication, CORS, body
 * limits, rate limits, timeouts). Deterministic: paths and methods are
 * sorted, so the same routes give byte-identical output.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], config: DocumentConfig): Json {
  const openapi = config.openapi ?? {};
  const info: Json = { title: openapi.title ?? "Spikard API", version: openapi.version ?? "1.0.0" };
  if (openapi.description) info.description = openapi.description;
  if (openapi.contact) info.contact = openapi.contact;
  if (openapi.license) info.license = openapi.license;
  const schemas: Record<string, Json> = { ...PROBLEM_SCHEMAS };
  const paths: Record<string, Record<string, Json>> = {};
  const sorted = [...routes].sort((a, b) => (a.path === b.path ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) : a.path < b.path ? -1 : 1));
  const operations = sorted.map((route) => {
    const fragment = route.meta.openapi === undefined ? undefined : (JSON.parse(route.meta.openapi) as OperationFragment);
    let operation: Json = fragment ? fragment.operation : { responses: { "200": { description: "Successful response" } } };
    if (fragment) operation = mergeComponents(schemas, fragment.components, operation);
    applyOptions(operation, route);
    return operation;
  });
  const ids = operationIds(sorted.map((route, i) => ({ method: route.method, path: route.path, explicit: route.options.operationId ?? (operations[i]!.operationId as string | undefined) })));
  const tags = new Set<string>();
  sorted.forEach((route, i) => {
    const operation = operations[i]!;
    operation.operationId = ids[i];
    const responses = operation.responses as Record<string, Json>;
    for (const [status, response] of Object.entries(middlewareResponses(config, route, operation))) responses[status] ??= response;
    operation.responses = sortKeys(responses);
    const security = securityOf(config, route);
    if (security !== undefined) operation.security = security;
    for (const tag of (operation.tags as string[] | undefined) ?? []) tags.add(tag);
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  });
  const doc: Json = { openapi: "3.1.0", info };
  if (openapi.servers?.length) doc.servers = openapi.servers;
  // Every tag an operation uses is declared, in a stable order.
  if (tags.size > 0) doc.tags = [...tags].sort().map((name) => ({ name }));
  doc.paths = paths;
  // The rejection bodies no operation answers with are left out.
  const used = JSON.stringify(paths);
  for (const name of Object.keys(PROBLEM_SCHEMAS)) if (schemas[name] === PROBLEM_SCHEMAS[name] && !used.includes(`"#/components/schemas/${name}"`)) delete schemas[name];
  const components: Json = { schemas: sortKeys(schemas) };
  const schemes = securitySchemes(config);
  if (schemes) components.securitySchemes = schemes;
  doc.components = components;
  return doc;
}

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** `/users/{id:int}` → `/users/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*):[A-Za-z]+\}/g, "{$1}");
}

function applyOptions(operation: Json, route: RouteDefinition): void {
  const o = route.options;
  if (o.summary) operation.summary = o.summary;
  if (o.description) operation.description = o.description;
  if (o.deprecated) operation.deprecated = true;
  if (o.tags?.length) operation.tags = [...new Set([...((operation.tags as string[]) ?? []), ...o.tags])];
  const status = o.statusCode;
  const responses = operation.responses as Record<string, Json> | undefined;
  // The transformer moved plain returns to a literal statusCode itself; a computed one is only known here.
  if (status !== undefined && status !== 200 && responses?.["200"] && responses[String(status)] === undefined) {
    const moved = responses["200"];
    if (status === 204 || status === 304) delete moved.content;
    responses[String(status)] = moved;
    delete responses["200"];
  }
}

/** Adds a fragment's components; a name already taken by a different schema gets a suffix and the fragment's refs follow. */
function mergeComponents(target: Record<string, Json>, components: Record<string, Json>, operation: Json): Json {
  const renames = new Map<string, string>();
  for (const [name, schema] of Object.entries(components)) {
    const existing = target[name];
    if (existing === undefined || JSON.stringify(existing) === JSON.stringify(schema)) {
      target[name] = schema;
      continue;
    }
    let n = 2;
    while (target[`${name}_${n}`] !== undefined && JSON.stringify(target[`${name}_${n}`]) !== JSON.stringify(schema)) n++;
    renames.set(name, `${name}_${n}`);
  }
  if (renames.size === 0) return operation;
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (v === null || typeof v !== "object") return v;
    const out: Json = {};
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") {
        const name = x.replace("#/components/schemas/", "");
        out[k] = renames.has(name) ? `#/components/schemas/${renames.get(name)}` : x;
      } else out[k] = rewrite(x);
    }
    return out;
  };
  for (const [name, renamed] of renames) target[renamed] = rewrite(components[name]) as Json;
  return rewrite(operation) as Json;
}

function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
