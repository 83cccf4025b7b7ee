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
}

/** `expected_types` (JSON type names) as the TypeScript type a parameter declares. */
const TS_TYPES: Record<string, string> = { object: "Record<string, unknown>", string: "string", number: "number", integer: "number", boolean: "boolean", array: "unknown[]" };

const PHASES: Record<string, string> = { on_request: "onRequest", pre_validation: "preValidation", pre_handler: "preHandler", on_response: "onResponse", on_error: "onError" };

export function planLifecycle(fixture: Fixture, ident: (name: string) => string): LifecyclePlan {
  const h = fixture.data.handler ?? {};
  const plan: LifecyclePlan = { setup: [], params: [], prelude: [] };
  const deps = (h.dependencies ?? {}) as Record<string, DependencySpec>;
  for (const [key, spec] of Object.entries(deps)) plan.setup.push(`app.provide(${JSON.stringify(key)}, ${provider(spec)});`);
  const overrides = (h.route_overrides ?? {}) as Record<string, DependencySpec>;
  const hasOverrides = Object.keys(overrides).length > 0;
  if (hasOverrides) {
    plan.setup.push("const scoped = new Router();");
    for (const [key, spec] of Object.entries(overrides)) plan.setup.push(`scoped.provide(${JSON.stringify(key)}, ${provider(spec)});`);
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
  const hooks = (h.middleware?.lifecycle_hooks ?? {}) as Record<string, Array<{ handler: string; config?: unknown; dependencies?: string[] }>>;
  for (const [phase, entries] of Object.entries(hooks)) {
    const method = PHASES[phase];
    if (method === undefined) continue;
    for (const e of entries) {
      const names = (e.dependencies ?? []).map((d) => [d, ident(`hook_${d}`)] as const);
      const depParams = names.map(([d, n]) => `${n}: Inject<any, ${JSON.stringify(d)}>`);
      const depObject = `{ ${names.map(([d, n]) => `${JSON.stringify(d)}: ${n}`).join(", ")} }`;
      const fixed = method === "onResponse" ? "res: Response, req: Request" : method === "onError" ? "_error: unknown, req: Request" : "req: Request";
      const res = method === "onResponse" ? "res" : "undefined";
      plan.setup.push(`app.${method}((${[fixed, ...depParams].join(", ")}) => HOOKS[${JSON.stringify(e.handler)}]!(req, ${res}, ${JSON.stringify(e.config)}, ${depObject}) as never);`);
    }
  }
  if (Object.keys(hooks).length > 0) plan.params.push("__req: Request");
  if (fixture.data.background !== undefined) {
    const bg = fixture.data.background as { state_path: string; state_key: string; value_field: string };
    plan.setup.push("const events: unknown[] = [];");
    plan.setup.push(`app.get(${JSON.stringify(bg.state_path)}, () => ({ ${JSON.stringify(bg.state_key)}: events }));`);
    plan.params.push("__tasks: BackgroundTasks");
    plan.prelude.push(`__tasks.add(async () => { await new Promise((r) => setTimeout(r, 20)); events.push((body as Record<string, unknown>)[${JSON.stringify(bg.value_field)}]); });`);
  }
  return plan;
}

/** Route-level overrides need the route on a Router providing them. */
export function usesScopedRouter(fixture: Fixture): boolean {
  return Object.keys(fixture.data.handler?.route_overrides ?? {}).length > 0;
}

function provider(spec: DependencySpec): string {
  if (spec.type === "value") return `Provide.value(${JSON.stringify(spec.value ?? null)})`;
  const deps = (spec.depends_on ?? []).map((d, i) => `d${i}: Inject<any, ${JSON.stringify(d)}>`);
  const body = spec.type === "async_factory" ? `async (${deps.join(", ")}) => { await Promise.resolve(); return { id: randomUUID() }; }` : `(${deps.join(", ")}) => ({ id: randomUUID() })`;
  return `Provide(${body}, ${JSON.stringify({ singleton: spec.singleton === true, cacheable: spec.cacheable === true })})`;
}

function markerFields(body: unknown): string[] {
  if (body === null || typeof body !== "object" || Array.isArray(body)) return [];
  return Object.entries(body as Record<string, unknown>)
    .filter(([, v]) => typeof v === "string" && /^<<(uuid|present|same_as:[^>]+)>>$/.test(v))
    .map(([k]) => k);
}
