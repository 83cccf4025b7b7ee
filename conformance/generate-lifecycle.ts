import type { Fixture } from "./fixtures";

/**
 * DI, lifecycle hooks and background tasks of a fixture, as TypeScript: the
 * provide() registrations, the handler's injected parameters, hook
 * registrations (from the named hook library), and what the handler computes
 * (dependency-derived values where the expected body has markers).
 */
export interface LifecyclePlan {
  setup: string[];
  params: string[];
  /** Statements run in the handler before it answers. */
  prelude: string[];
  /** A replacement for the expected body, when it must be computed. */
  body?: string;
}

interface DependencySpec {
  type: "value" | "factory" | "async_factory";
  value?: unknown;
  depends_on?: string[];
  singleton?: boolean;
  cacheable?: boolean;
  /** A generator factory: its cleanup runs after the response and is recorded in the fixture's background state. */
  cleanup?: boolean;
}

/** `expected_types` (JSON type names) as the TypeScript type a parameter declares. */
const TS_TYPES: Record<string, string> = { object: "Record<string, unknown>", string: "string", number: "number", integer: "number", boolean: "boolean", array: "unknown[]" };

const PHASES: Record<string, string> = { on_request: "onRequest", pre_validation: "preValidation", pre_handler: "preHandler", on_response: "onResponse", on_error: "onError" };

export function planLifecycle(fixture: Fixture, ident: (name: string) => string): LifecyclePlan {
  const h = fixture.data.handler ?? {};
  const plan: LifecyclePlan = { setup: [], params: [], prelude: [] };
  const deps = (h.dependencies ?? {}) as Record<string, DependencySpec>;
  const overrides = (h.route_overrides ?? {}) as Record<string, DependencySpec>;
  const cleanups = [...Object.values(deps), ...Object.values(overrides)].some((d) => d.cleanup === true);
  // Opened/closed events of generator factories, and what background tasks store: the state route shows them.
  if (cleanups || fixture.data.background !== undefined) plan.setup.push("const events: unknown[] = [];");
  for (const [key, spec] of Object.entries(deps)) plan.setup.push(`app.provide(${JSON.stringify(key)}, ${provider(key, spec)});`);
  if (Object.keys(overrides).length > 0) {
    plan.setup.push("const scoped = new Router();");
    for (const [key, spec] of Object.entries(overrides)) plan.setup.push(`scoped.provide(${JSON.stringify(key)}, ${provider(key, spec)});`);
  }
  const injected: Array<{ key: string; name: string }> = [];
  const expectedTypes = (h.expected_types ?? {}) as Record<string, string>;
  for (const key of (h.handler_dependencies ?? []) as string[]) {
    const name = ident(key);
    injected.push({ key, name });
    plan.params.push(`${name}: Inject<${TS_TYPES[expectedTypes[key] ?? ""] ?? "any"}, ${JSON.stringify(key)}>`);
  }
  const markers = markerFields(fixture.data.expected_response.body);
  if (markers.length > 0) {
    // Marker fields (<<uuid>>, <<present>>, <<same_as:...>>) take the ids of the injected factories, in order.
    const sources = injected.filter((d) => deps[d.key]?.type !== "value").map((d) => `${d.name}.id`);
    const body = { ...(fixture.data.expected_response.body as Record<string, unknown>) };
    const assignments = markers.map((field, i) => `${JSON.stringify(field)}: ${sources[i] ?? "undefined"}`);
    plan.body = `{ ...${JSON.stringify(body)}, ${assignments.join(", ")} }`;
  }
  const hooks = (h.middleware?.lifecycle_hooks ?? {}) as Record<string, Array<{ handler?: string; name?: string; config?: unknown; dependencies?: string[] }>>;
  for (const [phase, entries] of Object.entries(hooks)) {
    const method = PHASES[phase];
    if (method === undefined) continue;
    for (const e of entries) {
      const names = (e.dependencies ?? []).map((d) => [d, ident(`hook_${d}`)] as const);
      const depParams = names.map(([d, n]) => `${n}: Inject<any, ${JSON.stringify(d)}>`);
      const depObject = `{ ${names.map(([d, n]) => `${JSON.stringify(d)}: ${n}`).join(", ")} }`;
      const fixed = method === "onResponse" ? "res: AnyResponse, req: Request" : method === "onError" ? "_error: unknown, req: Request" : "req: Request";
      const res = method === "onResponse" ? "res" : "undefined";
      plan.setup.push(`app.${method}((${[fixed, ...depParams].join(", ")}) => hook(${JSON.stringify(e.handler)}, ${JSON.stringify(e.name)})(req, ${res}, ${JSON.stringify(e.config)}, ${depObject}) as never);`);
    }
  }
  if (Object.keys(hooks).length > 0) plan.params.push("__req: Request");
  if (fixture.data.background !== undefined) {
    const bg = fixture.data.background as { state_path: string; state_key: string; value_field?: string };
    plan.setup.push(`app.get(${JSON.stringify(bg.state_path)}, () => ({ ${JSON.stringify(bg.state_key)}: events }));`);
    // With generator dependencies the state is their cleanup log; otherwise a background task stores the body's field.
    if (!cleanups) {
      plan.params.push("__tasks: BackgroundTasks");
      plan.prelude.push(`__tasks.add(async () => { await new Promise((r) => setTimeout(r, 20)); events.push((body as Record<string, unknown>)[${JSON.stringify(bg.value_field)}]); });`);
    }
  }
  return plan;
}

/** Route-level overrides need the route on a Router providing them. */
export function usesScopedRouter(fixture: Fixture): boolean {
  return Object.keys(fixture.data.handler?.route_overrides ?? {}).length > 0;
}

function provider(key: string, spec: DependencySpec): string {
  if (spec.type === "value") return `Provide.value(${JSON.stringify(spec.value ?? null)})`;
  const deps = (spec.depends_on ?? []).map((d, i) => `d${i}: Inject<any, ${JSON.stringify(d)}>`).join(", ");
  let body: string;
  if (spec.cleanup === true) {
    const resource = resourceName(key);
    body = `async function* (${deps}) { events.push("${resource}_opened"); try { yield { id: randomUUID() }; } finally { events.push("${resource}_closed"); } }`;
  } else if (spec.type === "async_factory") body = `async (${deps}) => { await Promise.resolve(); return { id: randomUUID() }; }`;
  else body = `(${deps}) => ({ id: randomUUID() })`;
  // Spikard resolves a handler's dependency graph once per request, each key once, whatever `cacheable`
  // says (it only matters across separate resolutions), so a non-singleton is our per-request scope.
  return `Provide(${body}, ${JSON.stringify({ singleton: spec.singleton === true })})`;
}

/** The resource a generator dependency opens, named as Spikard's fixtures log it (`db_session` opens a session). */
function resourceName(key: string): string {
  const k = key.toLowerCase();
  if (k.includes("session")) return "session";
  if (k.includes("cache")) return "cache";
  if (k.includes("db") || k.includes("database")) return "db";
  return "session";
}

function markerFields(body: unknown): string[] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([, v]) => typeof v === "string" && /^<<(uuid|present|same_as:[^>]+)>>$/.test(v))
    .map(([k]) => k);
}
