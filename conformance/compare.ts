import { isDeepStrictEqual } from "node:util";
import type { WireResponse } from "./client";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The first difference between a response and the fixture's expectation, or undefined when they match. */
export function firstDifference(expected: Record<string, any>, res: WireResponse): string | undefined {
  if (res.status !== expected.status_code) return `status ${res.status}, expected ${expected.status_code}${preview(res)}`;
  for (const [name, want] of Object.entries((expected.headers ?? {}) as Record<string, string>)) {
    const got = res.headers[name.toLowerCase()];
    if (want === "<<absent>>") {
      if (got !== undefined) return `header ${name} present (${got.join(", ")}), expected absent`;
    } else if (want === "<<present>>") {
      if (got === undefined) return `header ${name} missing`;
    } else if (want === "<<uuid>>") {
      if (got === undefined || !UUID.test(got[0]!)) return `header ${name} = ${got?.join(", ")}, expected a UUID`;
    } else if (got === undefined || (got.join(", ") !== String(want) && !regexMatch(String(want), got.join(", ")))) {
      return `header ${name} = ${got === undefined ? "(missing)" : JSON.stringify(got.join(", "))}, expected ${JSON.stringify(want)}`;
    }
  }
  const cookieDiff = compareCookies(expected.cookies, res.headers["set-cookie"] ?? []);
  if (cookieDiff) return cookieDiff;
  if ("body" in expected) {
    const diff = compareBody(expected.body, res);
    if (diff) return diff;
  }
  if (expected.body_partial !== undefined) {
    const got = parseJson(res);
    if (!isSubset(expected.body_partial, got)) return `body ${truncate(res.body.toString())} does not contain ${truncate(JSON.stringify(expected.body_partial))}`;
  }
  if (Array.isArray(expected.validation_errors)) {
    const got = parseJson(res) as { errors?: unknown[] } | undefined;
    if (!got || !Array.isArray(got.errors)) return `expected validation errors, got ${truncate(res.body.toString())}`;
    for (const want of expected.validation_errors) {
      if (!got.errors.some((e) => isSubset(want, e))) return `missing validation error ${JSON.stringify(want)} in ${truncate(JSON.stringify(got.errors))}`;
    }
  }
  return undefined;
}

function compareBody(want: unknown, res: WireResponse): string | undefined {
  const text = res.body.toString("utf8");
  if (want === null || want === undefined) {
    if (text === "" || text === "null") return undefined;
    return `body ${truncate(text)}, expected empty`;
  }
  const type = res.headers["content-type"]?.[0] ?? "";
  if (typeof want === "string" && (text === want || !/^application\/(.+\+)?json/i.test(type))) {
    return text === want ? undefined : contrast(text, want);
  }
  const got = parseJson(res);
  if (got === NOT_JSON) return `body is not JSON: ${truncate(text)}`;
  if (isDeepStrictEqual(normalize(got), normalize(want)) || matchesWithMarkers(want, got, got)) return undefined;
  return contrast(JSON.stringify(got), JSON.stringify(want));
}

const NOT_JSON = Symbol("not json");

function parseJson(res: WireResponse): unknown {
  try {
    return JSON.parse(res.body.toString("utf8"));
  } catch {
    return NOT_JSON;
  }
}

/** JSON numbers compare by value (1.0 and 1 are the same number). */
function normalize(v: unknown): unknown {
  return v === undefined ? undefined : (JSON.parse(JSON.stringify(v)) as unknown);
}

function isSubset(want: unknown, got: unknown): boolean {
  if (want !== null && typeof want === "object" && !Array.isArray(want)) {
    if (got === null || typeof got !== "object") return false;
    return Object.entries(want).every(([k, v]) => isSubset(v, (got as Record<string, unknown>)[k]));
  }
  return isDeepStrictEqual(normalize(want), normalize(got));
}

/** Fixture header values like `.*` or `.*ms` are patterns. */
function regexMatch(pattern: string, value: string): boolean {
  if (!/[.*+?^$()[\]{}|\\]/.test(pattern)) return false;
  try {
    return new RegExp(`^${pattern}$`).test(value);
  } catch {
    return false;
  }
}

/** Body markers: `<<uuid>>`, `<<present>>`, `<<same_as:field>>` (a sibling field's value), and `.*`-style patterns. */
function matchesWithMarkers(want: unknown, got: unknown, parent: unknown): boolean {
  if (typeof want === "string") {
    if (want === "<<present>>") return got !== undefined && got !== null;
    if (want === "<<uuid>>") return typeof got === "string" && UUID.test(got);
    const same = /^<<same_as:([^>]+)>>$/.exec(want);
    if (same) return got !== undefined && isDeepStrictEqual(got, (parent as Record<string, unknown> | undefined)?.[same[1]!]);
    return want === got || (typeof got === "string" && regexMatch(want, got));
  }
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => matchesWithMarkers(w, got[i], got));
  if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object" || Array.isArray(got)) return false;
    const g = got as Record<string, unknown>;
    const keys = new Set([...Object.keys(want), ...Object.keys(g)]);
    return [...keys].every((k) => matchesWithMarkers((want as Record<string, unknown>)[k], g[k], g));
  }
  return isDeepStrictEqual(normalize(want), normalize(got));
}

function compareCookies(expected: Record<string, Record<string, unknown>> | undefined, setCookies: string[]): string | undefined {
  if (!expected) return undefined;
  for (const [name, attrs] of Object.entries(expected)) {
    const line = setCookies.find((c) => c.split("=")[0]!.trim() === name);
    if (!line) return `no Set-Cookie for ${name} (got ${JSON.stringify(setCookies)})`;
    const [pair, ...rest] = line.split(";").map((s) => s.trim());
    const value = decodeURIComponent(pair!.slice(pair!.indexOf("=") + 1));
    const parsed = new Map(rest.map((a) => [a.split("=")[0]!.toLowerCase(), a.includes("=") ? a.slice(a.indexOf("=") + 1) : true] as const));
    for (const [k, v] of Object.entries(attrs)) {
      if (k === "value") {
        if (value !== String(v)) return `cookie ${name} = ${value}, expected ${String(v)}`;
        continue;
      }
      const key = k.replace(/_/g, "-").toLowerCase();
      const got = parsed.get(key);
      if (typeof v === "boolean") {
        if (v !== (got !== undefined)) return `cookie ${name} attribute ${k} ${got === undefined ? "missing" : "present"}`;
      } else if (got === undefined || String(got).toLowerCase() !== String(v).toLowerCase()) return `cookie ${name} attribute ${k} = ${String(got)}, expected ${String(v)}`;
    }
  }
  return undefined;
}

function preview(res: WireResponse): string {
  const t = res.body.toString("utf8");
  return t ? ` (body ${truncate(t)})` : "";
}

/** Two long bodies shown from a little before where they first differ, so the difference is visible. */
function contrast(got: string, want: string): string {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  if (i <= 200) return `body ${truncate(got)}, expected ${truncate(want)}`;
  const from = i - 80;
  return `body differs at character ${i}: …${truncate(got.slice(from), 200)}, expected …${truncate(want.slice(from), 200)}`;
}

function truncate(s: string, n = 300): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}
