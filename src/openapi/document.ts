import type { RouteDefinition } from "../router";
import type { OpenApiConfig } from "./config";

/** What the transformer wrote for one route (see transformer/programmers/openapi-fragment.ts). */
interface OperationFragment {
  operation: Json;
  components: Record<string, Json>;
}

type Json = Record<string, unknown>;

/** Extra components and security requirements contributed by middleware (auth). */
export interface OpenApiContributions {
  securitySchemes?: Record<string, Json>;
  /** The middleware each scheme stands for: an operation requires every scheme whose middleware its route does not skip. */
  schemeMiddleware?: Record<string, string>;
}

const BASE_SCHEMAS: Record<string, Json> = {
  ValidationProblem: {
    type: "object",
    description: "RFC 9457 problem details listing every validation error of the request.",
    properties: {
      type: { type: "string", const: "https://spikard.dev/errors/validation-error" },
      title: { type: "string" },
      status: { type: "integer", const: 422 },
      detail: { type: "string" },
      errors: {
        type: "array",
        items: {
          type: "object",
          properties: {
            type: { type: "string" },
            loc: { type: "array", items: { type: "string" } },
            msg: { type: "string" },
            input: {},
            ctx: { type: "object" },
          },
          required: ["type", "loc", "msg"],
        },
      },
    },
    required: ["type", "title", "status", "detail", "errors"],
  },
  BadRequest: {
    type: "object",
    description: "A body that could not be decoded.",
    properties: { detail: { type: "string" }, error: { type: "string" } },
  },
};

/**
 * Assembles the OpenAPI 3.1 document from the operation fragments the
 * transformer computed for each route at build time. Deterministic: paths
 * and methods are sorted, so the same routes give byte-identical output.
 */
export function buildOpenApiDocument(routes: readonly RouteDefinition[], config: OpenApiConfig, extra: OpenApiContributions = {}): Json {
  const info: Json = { title: config.title ?? "Spikard API", version: config.version ?? "1.0.0" };
  if (config.description) info.description = config.description;
  if (config.contact) info.contact = config.contact;
  if (config.license) info.license = config.license;
  const schemas: Record<string, Json> = { ...BASE_SCHEMAS };
  const paths: Record<string, Record<string, Json>> = {};
  const sorted = [...routes].sort((a, b) => (a.path === b.path ? METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method) : a.path < b.path ? -1 : 1));
  for (const route of sorted) {
    const fragment = route.meta.openapi === undefined ? undefined : (JSON.parse(route.meta.openapi) as OperationFragment);
    let operation: Json = fragment ? fragment.operation : { responses: { "200": { description: "Successful response" } } };
    if (fragment) operation = mergeComponents(schemas, fragment.components, operation);
    applyOptions(operation, route);
    const security = securityOf(route, extra.schemeMiddleware);
    if (security !== undefined) operation.security = security;
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }
  const doc: Json = { openapi: "3.1.0", info };
  if (config.servers?.length) doc.servers = config.servers;
  doc.paths = paths;
  const components: Json = { schemas: sortKeys(schemas) };
  if (extra.securitySchemes) components.securitySchemes = extra.securitySchemes;
  doc.components = components;
  return doc;
}

const METHOD_ORDER = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

/** The schemes a route requires (all together), leaving out those whose middleware it skips; [] marks a public route. */
function securityOf(route: RouteDefinition, schemeMiddleware: Record<string, string> | undefined): Array<Record<string, string[]>> | undefined {
  if (schemeMiddleware === undefined) return undefined;
  const skip = route.options.skip ?? [];
  const required = Object.keys(schemeMiddleware).filter((scheme) => !skip.includes(schemeMiddleware[scheme]!));
  return required.length === 0 ? [] : [Object.fromEntries(required.map((n) => [n, []]))];
}

/** `/users/{id:int}` → `/users/{id}`. */
export function openApiPath(path: string): string {
  return path.replace(/\{([A-Za-z_][A-Za-z0-9_]*):[A-Za-z]+\}/g, "{$1}");
}

function applyOptions(operation: Json, route: RouteDefinition): void {
  const o = route.options;
  if (o.summary) operation.summary = o.summary;
  if (o.description) operation.description = o.description;
  if (o.operationId) operation.operationId = o.operationId;
  if (o.deprecated) operation.deprecated = true;
  if (o.tags?.length) operation.tags = [...new Set([...((operation.tags as string[]) ?? []), ...o.tags])];
  const status = o.statusCode;
  const responses = operation.responses as Record<string, Json> | undefined;
  if (status !== undefined && status !== 200 && responses?.["200"]) {
    responses[String(status)] = responses["200"];
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

function sortKeys(o: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
}
