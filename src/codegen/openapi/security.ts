import { pointerJoin } from "../json-pointer";
import type { Json } from "./load";
import type { ApiModel } from "./model";

/**
 * The spec's security schemes as the app's authentication config. The
 * runtime checks its configured mechanisms on every request (jwtAuth for
 * bearer tokens, apiKeyAuth for a key header), so the plan picks the one set
 * of mechanisms every protected operation accepts; where operations differ
 * (alternatives, public operations, per-operation schemes) that is a note.
 */
export interface SecurityPlan {
  jwt?: { scheme: string };
  apiKey?: { scheme: string; headerName: string };
}

type Mechanism = "jwt" | `apiKey:${string}`;

export function planSecurity(model: ApiModel): SecurityPlan {
  const doc = model.spec.doc;
  const schemes = ((doc.components as Json | undefined)?.securitySchemes ?? {}) as Json;
  const mechanisms = new Map<string, Mechanism | undefined>();
  const mechanismOf = (name: string, ptr: string): Mechanism | undefined => {
    if (mechanisms.has(name)) return mechanisms.get(name);
    const schemePtr = pointerJoin("#/components/securitySchemes", name);
    let s = schemes[name] as Json | undefined;
    if (s !== undefined && typeof s.$ref === "string") s = model.resolve(s.$ref) as Json | undefined;
    let m: Mechanism | undefined;
    if (s === undefined) model.problems.push({ pointer: ptr, message: `security scheme ${JSON.stringify(name)} is not defined in components.securitySchemes` });
    else if (s.type === "http" && String(s.scheme).toLowerCase() === "bearer") {
      m = "jwt";
      if (s.bearerFormat !== undefined && String(s.bearerFormat).toUpperCase() !== "JWT") model.notes.push({ pointer: schemePtr, message: `bearer tokens (${String(s.bearerFormat)}) are verified as JWTs (jwtAuth)` });
    } else if (s.type === "apiKey" && s.in === "header" && typeof s.name === "string") m = `apiKey:${s.name}`;
    else if (s.type === "apiKey" && s.in === "query" && ["api_key", "apiKey", "key"].includes(String(s.name))) m = "apiKey:X-API-Key";
    else if (s.type === "oauth2" || s.type === "openIdConnect") {
      m = "jwt";
      model.notes.push({ pointer: schemePtr, message: `${String(s.type)} access tokens are verified as JWT bearer tokens (jwtAuth); scopes are not checked` });
    } else model.problems.push({ pointer: schemePtr, message: `security scheme ${describe(s)} is not supported; the server checks bearer JWTs (jwtAuth) and API keys in a header (apiKeyAuth)` });
    mechanisms.set(name, m);
    return m;
  };

  // Each operation: its alternatives, each a set of mechanisms (an empty set: public).
  const perOperation = model.operations.map((op) => {
    const ptr = Array.isArray((model.resolve(op.pointer) as Json | undefined)?.security) ? pointerJoin(op.pointer, "security") : "#/security";
    const alternatives = op.security.map((req) => new Set(Object.keys(req ?? {}).map((n) => mechanismOf(n, ptr)).filter((m): m is Mechanism => m !== undefined)));
    return { op, ptr, alternatives };
  });
  const protectedOps = perOperation.filter((o) => o.alternatives.length > 0 && o.alternatives.every((a) => a.size > 0));
  if (protectedOps.length === 0) return {};
  const candidates = protectedOps.flatMap((o) => o.alternatives);
  const fits = (m: Set<Mechanism>): boolean => protectedOps.every((o) => o.alternatives.some((a) => [...m].every((x) => a.has(x))));
  let chosen = candidates.find((c) => c.size > 0 && fits(c));
  if (chosen === undefined) {
    chosen = new Set(candidates.flatMap((c) => [...c]));
    model.notes.push({ pointer: protectedOps[0]!.ptr, message: `no one set of schemes satisfies every operation; every request needs ${[...chosen].map(label).join(" and ")}` });
  }
  // One note per distinct approximation, naming the operations it concerns (at the first one's pointer).
  const grouped = new Map<string, { ptr: string; ops: string[] }>();
  const add = (ptr: string, text: string, op: string): void => {
    const g = grouped.get(`${ptr}\u0000${text}`) ?? { ptr, ops: [] };
    g.ops.push(op);
    grouped.set(`${ptr}\u0000${text}`, g);
  };
  for (const o of perOperation) {
    if (protectedOps.includes(o)) {
      const others = o.alternatives.filter((a) => ![...chosen!].every((x) => a.has(x)));
      if (others.length > 0) add(o.ptr, `the alternative ${others.map((a) => [...a].map(label).join(" + ")).join(", ")} is not accepted; the app requires ${[...chosen].map(label).join(" and ")} on every request`, o.op.operationId);
    } else add(o.ptr, "public in the spec, but authentication applies to every route of the app", o.op.operationId);
  }
  for (const [key, g] of grouped) model.notes.push({ pointer: g.ptr, message: `${g.ops.join(", ")}: ${key.split("\u0000")[1]}` });
  const plan: SecurityPlan = {};
  for (const m of chosen) {
    const scheme = [...mechanisms.entries()].find(([, v]) => v === m)?.[0] ?? "";
    if (m === "jwt") plan.jwt = { scheme };
    else plan.apiKey = { scheme, headerName: m.slice("apiKey:".length) };
  }
  return plan;
}

function label(m: Mechanism): string {
  return m === "jwt" ? "a bearer JWT" : `an API key in ${m.slice(7)}`;
}

function describe(s: Json): string {
  return [s.type, s.scheme, s.in].filter((x) => x !== undefined).map(String).join(" ");
}
