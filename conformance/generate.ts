import type { Fixture } from "./fixtures";
import { newContext, schemaToTs, type JsonSchema } from "./schema-to-ts";
import { planLifecycle, usesScopedRouter } from "./generate-lifecycle";

/**
 * Fixture → TypeScript source for an app factory. The handler's parameters are
 * typed from the fixture's parameter and body schemas; the handler answers
 * with the fixture's expected response. Responses the framework must produce
 * itself (validation errors, body errors, middleware rejections) are never
 * answered by the handler: it answers 299 instead, so a missing check fails.
 */
export interface GeneratedApp {
  fixture: Fixture;
  /** Exported factory name. */
  factory: string;
  code: string;
  /** Files the app serves (static_files fixtures), relative to the build's static/ folder. */
  files: Array<{ path: string; content: string }>;
}

export const HANDLER_REACHED_STATUS = 299;

const MARKERS = { path: "Path", query: "Query", headers: "Header", header: "Header", cookies: "Cookie", cookie: "Cookie" } as const;

/** Headers each configured middleware produces (the handler leaves them to it). */
const MIDDLEWARE_HEADERS: Record<string, RegExp> = {
  cors: /^(access-control-|vary$)/i,
  compression: /^(content-encoding$|vary$)/i,
  request_id: /^x-request-id$/i,
  rate_limit: /^(x-ratelimit|ratelimit|retry-after$)/i,
  jwt_auth: /^www-authenticate$/i,
  api_key_auth: /^www-authenticate$/i,
};
/** Headers the transport writes. */
const TRANSPORT_HEADERS = /^(content-length$|transfer-encoding$|connection$|date$)/i;
/** Statuses only the framework produces for a request that reaches a route. */
const FRAMEWORK_STATUSES = new Set([400, 401, 408, 413, 414, 415, 422, 429, 431, 504]);

export function generateApp(fixture: Fixture, index: number): GeneratedApp {
  const h = fixture.data.handler ?? {};
  const req = fixture.data.request;
  const exp = fixture.data.expected_response;
  const prefix = `F${index}`;
  const factory = `app${index}`;
  const method = String(h.method ?? req.method).toLowerCase();
  const route = String(h.route ?? req.path.split("?")[0]);
  const ctx = newContext((h.body_schema ?? {}) as JsonSchema, prefix);
  const params: string[] = [];
  const used = new Set<string>();

  for (const [source, defs] of Object.entries((h.parameters ?? {}) as Record<string, Record<string, JsonSchema>>)) {
    const marker = MARKERS[source as keyof typeof MARKERS];
    if (marker === undefined) continue;
    for (const [wire, schema] of Object.entries(defs)) {
      params.push(paramDecl(marker, wire, schema, ctx, used));
    }
  }
  const files = (h.parameters?.files ?? {}) as Record<string, JsonSchema>;
  const bodySchema = Object.keys(files).length > 0 ? withFiles(h.body_schema as JsonSchema | undefined, files) : h.body_schema;
  if (bodySchema !== undefined) {
    let bodyType = schemaToTs(bodySchema, ctx);
    if (Array.isArray(bodySchema.oneOf)) bodyType = `OneOf<${bodyType}>`;
    if (bodySchema.additionalProperties === false) bodyType = `Strict<${bodyType}>`;
    params.push(`${unique("body", used)}: Body<${bodyType}>`);
  }

  const lifecycle = planLifecycle(fixture, (name) => unique(toIdentifier(name), used));
  const sleep = h.middleware?.request_timeout?.sleep_ms;
  if (typeof sleep === "number") lifecycle.prelude.unshift(`await new Promise((r) => setTimeout(r, ${sleep}));`);
  params.push(...lifecycle.params);
  noOptionalBeforeRequired(params);
  const owner = responder(fixture);
  const answer =
    owner === "handler"
      ? `return ${fixture.category === "streaming" && typeof exp.body === "string" ? streamExpression(exp) : respondExpression(exp, middlewareNames(h), lifecycle.body)};`
      : owner === "throw"
        ? `throw new Error("unhandled failure in handler");`
        : `return new Response({ statusCode: ${h.middleware?.rate_limit?.warmup_expect_status ?? HANDLER_REACHED_STATUS}, content: { handler_reached: true } });`;
  const target = usesScopedRouter(fixture) ? "scoped" : "app";
  const verb = routeMethod(method);
  const isAsync = lifecycle.prelude.some((l) => l.includes("await "));
  // As Spikard's own generator: the app of a static-files fixture is only its mounts, so a path naming no file
  // meets no handler either.
  const servesFiles = Array.isArray(h.middleware?.static_files) && (h.middleware.static_files as unknown[]).length > 0;
  const registration = servesFiles
    ? `// ${route}: served by the static mounts alone`
    : `${target}.${verb}(${verb === "route" ? `${JSON.stringify(method.toUpperCase())}, ` : ""}${JSON.stringify(route)}, ${isAsync ? "async " : ""}(${params.join(", ")}) => { ${[...lifecycle.prelude, answer].join(" ")} });`;
  const code = [
    `// ${fixture.id}`,
    ...ctx.aliases,
    `export function ${factory}(): Spikard {`,
    `  const app = new Spikard(${serverConfig(h, prefix)});`,
    ...lifecycle.setup.map((l) => `  ${l}`),
    `  ${registration}`,
    ...(target === "scoped" ? ["  app.includeRouter(scoped);"] : []),
    `  return app;`,
    `}`,
  ].join("\n");
  const served = (Array.isArray(h.middleware?.static_files) ? (h.middleware.static_files as Array<{ files?: Array<{ path: string; content: string }> }>) : []).flatMap((m, i) =>
    (m.files ?? []).map((f) => ({ path: `${prefix}/${i}/${f.path}`, content: f.content })),
  );
  return { fixture, factory, code, files: served };
}

/** `parameters.files` (content types, magic-number checks) merged into the body as constrained UploadFile fields. */
function withFiles(body: JsonSchema | undefined, files: Record<string, JsonSchema>): JsonSchema {
  const properties = { ...((body?.properties ?? {}) as Record<string, JsonSchema>) };
  const required = new Set((body?.required as string[] | undefined) ?? []);
  for (const [name, spec] of Object.entries(files)) {
    const accept = Array.isArray(spec.content_type) ? (spec.content_type as string[]).map((t) => JSON.stringify(t)).join(" | ") : "string";
    properties[name] = { ts_type: `UploadFile<${accept}, ${spec.validate_magic_numbers === true}>` };
    if (spec.required === true) required.add(name);
  }
  return { ...(body ?? {}), type: "object", properties, required: [...required] };
}

/**
 * TypeScript refuses `a?: X` before a required parameter (TS1016); the fixture's declared order is kept by
 * giving such a parameter an undefined default instead, which the transformer reads as optional too.
 */
function noOptionalBeforeRequired(params: string[]): void {
  const isOptional = (p: string): boolean => OPTIONAL_PARAM.test(p);
  const lastRequired = params.findLastIndex((p) => !isOptional(p) && !p.includes(" = "));
  for (let i = 0; i < lastRequired; i++) {
    if (isOptional(params[i]!)) params[i] = `${params[i]!.replace(OPTIONAL_PARAM, "$1:")} = undefined as never`;
  }
}

const OPTIONAL_PARAM = /^([A-Za-z_$][\w$]*)\?:/;

function routeMethod(method: string): string {
  return ["get", "post", "put", "patch", "delete", "head", "options"].includes(method) ? method : "route";
}

function paramDecl(marker: string, wire: string, schema: JsonSchema, ctx: ReturnType<typeof newContext>, used: Set<string>): string {
  const ident = unique(toIdentifier(wire), used);
  const base = schemaToTs(stripParamKeys(schema), ctx);
  const type = withSeparator(base, schema);
  // The wire name is explicit whenever the identifier could not carry it (headers are matched case-insensitively).
  const needsName = marker === "Header" ? ident.replace(/_/g, "-").toLowerCase() !== wire.toLowerCase() : ident !== wire;
  const markerType = `${marker}<${type}${needsName ? `, ${JSON.stringify(wire)}` : ""}>`;
  if ("default" in schema) return `${ident}: ${markerType} = ${JSON.stringify(schema.default)} as never`;
  const optional = schema.optional === true || (schema.required === false);
  return `${ident}${optional ? "?" : ""}: ${markerType}`;
}

function withSeparator(type: string, schema: JsonSchema): string {
  return typeof schema.separator === "string" ? `(${type} & Separator<${JSON.stringify(schema.separator)}>)` : type;
}

/** Parameter-only keys that are not JSON Schema. */
function stripParamKeys(schema: JsonSchema): JsonSchema {
  const { optional: _o, required: _r, annotation: _a, source: _s, separator: _sep, default: _d, description: _desc, samesite: _ss, httponly: _ho, ...rest } = schema;
  return rest;
}

function toIdentifier(wire: string): string {
  let id = wire.replace(/[^A-Za-z0-9_$]/g, "_");
  if (/^[0-9]/.test(id)) id = `_${id}`;
  if (RESERVED.has(id)) id = `${id}_`;
  return id;
}

function unique(name: string, used: Set<string>): string {
  let n = name;
  for (let i = 2; used.has(n); i++) n = `${name}${i}`;
  used.add(n);
  return n;
}

const RESERVED = new Set(["break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof", "new", "null", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "let", "static", "yield", "await", "implements", "interface", "package", "private", "protected", "public", "arguments", "eval"]);

/**
 * Who must produce the expected response: the handler (it is the endpoint's own
 * answer), the framework (validation, body errors, middleware, limits), or the
 * framework's unhandled-exception path (the handler throws).
 */
export function responder(fixture: Fixture): "handler" | "framework" | "throw" {
  const h = fixture.data.handler;
  const exp = fixture.data.expected_response;
  const status = exp.status_code as number;
  if (status < 400) return "handler";
  // With onError hooks configured, a 500 is the hooks' answer to a failing handler.
  const hooks = (h?.middleware?.lifecycle_hooks ?? {}) as Record<string, unknown[]>;
  if (status === 500 && (hooks.on_error?.length ?? 0) > 0) return "throw";
  // Request-phase hooks answer errors themselves (rate limits, authorization).
  if (["on_request", "pre_validation", "pre_handler"].some((p) => (hooks[p]?.length ?? 0) > 0)) return "framework";
  const body = exp.body as Record<string, unknown> | undefined;
  if (body && typeof body === "object" && typeof body.type === "string" && body.type.startsWith("https://spikard.dev/errors/")) {
    return body.type.endsWith("/internal-server-error") ? "throw" : "framework";
  }
  // A fixture without a handler spec describes an endpoint answering this status itself.
  if (h === undefined) return "handler";
  if (configured(h)) return "framework";
  const shapesRequest = h.body_schema !== undefined || h.parameters !== undefined;
  return shapesRequest && FRAMEWORK_STATUSES.has(status) && !needsUnconfiguredFeature(status, h, fixture.data.request) ? "framework" : "handler";
}

/**
 * A status only a feature the fixture does not configure could produce (408 without a request timeout,
 * 429 without a rate limit, 413 without a body limit for a body under the default one) is the endpoint's
 * own answer, however the request is shaped.
 */
function needsUnconfiguredFeature(status: number, h: Record<string, any>, req: Record<string, any>): boolean {
  if (status === 413) return h.middleware?.body_limit === undefined && h.max_body_size === undefined && requestSize(req) < DEFAULT_MAX_BODY_SIZE;
  const feature = FEATURE_STATUSES[status];
  return feature !== undefined && h.middleware?.[feature] === undefined;
}

const FEATURE_STATUSES: Record<number, string> = { 408: "request_timeout", 429: "rate_limit" };
/** ServerConfig's default maxBodySize. */
const DEFAULT_MAX_BODY_SIZE = 1 << 20;

/** About how many bytes the fixture's request body takes (enough to compare with a limit of a MiB). */
function requestSize(req: Record<string, any>): number {
  const files = Array.isArray(req.files) ? (req.files as Array<{ content?: string }>).reduce((n, f) => n + String(f.content ?? "").length, 0) : 0;
  return files + JSON.stringify(req.body ?? req.body_raw ?? req.form_data ?? "").length;
}

/** The middleware a fixture configures (its keys, plus handler-level cors). */
function middlewareNames(h: Record<string, any>): string[] {
  return [...Object.keys(h.middleware ?? {}), ...(h.cors ? ["cors"] : [])];
}

/**
 * Middleware, dependencies or server limits are configured: their headers and errors are not the handler's.
 * A `health_check` block is not among them: Spikard has no such middleware, and its own generator has the
 * handler answer those fixtures' status, headers and body.
 */
function configured(h: Record<string, any> | undefined): boolean {
  if (h === undefined) return false;
  // Lifecycle hooks are part of the app, not header-producing middleware.
  const middleware = Object.keys(h.middleware ?? {}).some((k) => k !== "lifecycle_hooks");
  return middleware || ["dependencies", "cors", "security", "max_body_size", "max_header_size", "max_uri_length", "max_nesting_depth"].some((k) => h[k] !== undefined);
}

/** Streaming fixtures answer through StreamingResponse, line by line. */
function streamExpression(exp: Record<string, any>): string {
  const body = exp.body as string;
  const chunks = body.split(/(?<=\n)/);
  const headers = Object.fromEntries(Object.entries((exp.headers ?? {}) as Record<string, string>).filter(([k]) => k.toLowerCase() !== "content-type" && !TRANSPORT_HEADERS.test(k)));
  const type = Object.entries((exp.headers ?? {}) as Record<string, string>).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "application/octet-stream";
  return `new StreamingResponse((async function* () { for (const c of ${JSON.stringify(chunks)}) { yield c; await new Promise((r) => setImmediate(r)); } })(), { statusCode: ${exp.status_code}, mediaType: ${JSON.stringify(type)}, headers: ${JSON.stringify(headers)} })`;
}

function respondExpression(exp: Record<string, any>, middleware: string[], computedBody?: string): string {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries((exp.headers ?? {}) as Record<string, string>)) {
    if (typeof v === "string" && v.startsWith("<<") && v.endsWith(">>")) continue;
    if (TRANSPORT_HEADERS.test(k) && k.toLowerCase() !== "content-length" && k.toLowerCase() !== "connection") continue;
    if (middleware.some((m) => MIDDLEWARE_HEADERS[m]?.test(k))) continue;
    headers[k] = v;
  }
  const parts = [`statusCode: ${exp.status_code}`];
  if (computedBody !== undefined) parts.push(`content: ${computedBody}`);
  else if ("body" in exp && exp.body !== null && exp.body !== undefined) parts.push(`content: ${JSON.stringify(exp.body)}`);
  if (Object.keys(headers).length > 0) parts.push(`headers: ${JSON.stringify(headers)}`);
  const cookies = exp.cookies as Record<string, Record<string, unknown>> | undefined;
  let chain = "";
  for (const [name, c] of Object.entries(cookies ?? {})) {
    const opts: Record<string, unknown> = {};
    if (c.max_age !== undefined) opts.maxAge = c.max_age;
    if (c.domain !== undefined) opts.domain = c.domain;
    if (c.path !== undefined) opts.path = c.path;
    if (c.secure !== undefined) opts.secure = c.secure;
    if (c.httponly !== undefined) opts.httpOnly = c.httponly;
    if (c.samesite !== undefined) opts.sameSite = String(c.samesite).charAt(0).toUpperCase() + String(c.samesite).slice(1).toLowerCase();
    chain += `.setCookie(${JSON.stringify(name)}, ${JSON.stringify(String(c.value ?? ""))}, ${JSON.stringify(opts)})`;
  }
  return `new Response({ ${parts.join(", ")} })${chain}`;
}

/** Fixture middleware settings as ServerConfig (snake_case → camelCase). */
function serverConfig(h: Record<string, any>, staticDir: string): string {
  const config: Record<string, unknown> = {};
  const mw0 = (h.middleware ?? {}) as Record<string, any>;
  if (mw0.compression) config.compression = { gzip: mw0.compression.gzip, brotli: mw0.compression.brotli, minSize: mw0.compression.min_size, quality: mw0.compression.quality };
  if (mw0.rate_limit) config.rateLimit = { perSecond: mw0.rate_limit.per_second, burst: mw0.rate_limit.burst, ipBased: mw0.rate_limit.ip_based };
  if (mw0.request_timeout) config.requestTimeout = mw0.request_timeout.seconds;
  if (mw0.request_id) config.enableRequestId = mw0.request_id.enabled !== false;
  const jwt = mw0.jwt_auth;
  if (jwt && jwt.enabled !== false) config.jwtAuth = { secret: jwt.secret, algorithm: jwt.algorithm, audience: jwt.audience, issuer: jwt.issuer, leeway: jwt.leeway };
  const key = mw0.api_key_auth;
  if (key && key.enabled !== false) config.apiKeyAuth = { keys: key.keys, headerName: key.header_name };
  const c = h.cors ?? mw0.cors;
  if (c) config.cors = { allowedOrigins: c.allowed_origins ?? c.allow_origins, allowedMethods: c.allowed_methods ?? c.allow_methods, allowedHeaders: c.allowed_headers ?? c.allow_headers, exposeHeaders: c.expose_headers, maxAge: c.max_age, allowCredentials: c.allow_credentials ?? c.allowCredentials };
  let staticCode = "";
  if (Array.isArray(mw0.static_files)) {
    const mounts = (mw0.static_files as Array<Record<string, any>>).map((m, i) => `{ directory: require("node:path").join(__dirname, "..", "static", ${JSON.stringify(staticDir)}, "${i}"), routePrefix: ${JSON.stringify(m.route_prefix)}, cacheControl: ${JSON.stringify(m.cache_control)}, indexFile: ${JSON.stringify(m.index_file)} }`);
    staticCode = `, staticFiles: [${mounts.join(", ")}]`;
  }
  if (typeof h.max_body_size === "number") config.maxBodySize = h.max_body_size;
  if (typeof h.max_nesting_depth === "number") config.maxJsonDepth = h.max_nesting_depth;
  if (typeof h.max_header_size === "number") config.maxHeaderSize = h.max_header_size;
  if (mw0.body_limit && (typeof mw0.body_limit.max_bytes === "number" || mw0.body_limit.max_bytes === null)) config.maxBodySize = mw0.body_limit.max_bytes;
  // Spikard-native parameter specs (explicit `required`, no language annotation) report constraint-format errors.
  const specs = Object.values((h.parameters ?? {}) as Record<string, Record<string, JsonSchema>>).flatMap((d) => Object.values(d));
  if (specs.some((s) => s.required === true && s.annotation === undefined)) config.validationErrorFormat = "constraint";
  // Handler failures are expected in some fixtures; keep the run's output to the report.
  return `{ ...${JSON.stringify(config)}${staticCode}, logger: quiet }`;
}

export const PRELUDE = `import { randomUUID } from "node:crypto";
import { Spikard, Router, Request, Response, StreamingResponse, Provide, BackgroundTasks, UploadFile, type AnyResponse, type Inject, type Query, type Path, type Header, type Cookie, type Body, type Separator, type Strict, type OneOf, type Rule, type MinProperties, type MaxProperties } from "spikard";
import type { tags } from "typia";
import { hook } from "./_hooks";
const quiet = { error() {}, warn() {}, info() {} };
`;
