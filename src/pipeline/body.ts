import { FormParseError, parseUrlEncoded } from "../forms/urlencoded";
import { coerceForm } from "../forms/shape";
import { checkFiles } from "../multipart/file-rules";
import type { ValidationErrorDetail } from "../problem";
import type { BodyMeta, ObjectRuleMeta } from "../runtime/meta";
import { canonicalJson, mapTypiaErrors, ruleFailure, sortByLoc, type ErrorFormat } from "../validation/error-mapper";
import { contentKind, parseContentType, type ContentKind } from "../http/content-type";
import { Rejection } from "../http-errors";
import { parseJsonSafely } from "./json";

export interface BodyLimits {
  /** Deepest JSON nesting accepted (objects and arrays). */
  maxJsonDepth: number;
}

/** The decoding a request gets: which decoder, decided from its Content-Type and what the route accepts. */
export interface BodyPlan {
  kind: ContentKind | "none";
  boundary?: string;
}

/**
 * Checks the Content-Type against what the body type accepts. Throws a
 * Rejection for what Spikard rejects up front: a malformed Content-Type (400),
 * multipart without boundary (400), JSON in another charset (415), a media
 * type the route cannot decode (415).
 */
export function planBody(meta: BodyMeta, header: string | undefined): BodyPlan {
  if (header === undefined || header === "") return { kind: "none" };
  const ct = parseContentType(header);
  if (ct === undefined) throw new Rejection("INVALID_CONTENT_TYPE");
  const kind = contentKind(ct);
  if (kind === "multipart" && !ct.params.boundary) throw new Rejection("MISSING_BOUNDARY");
  if (kind === "json") {
    const charset = ct.params.charset?.toLowerCase();
    if (charset !== undefined && charset !== "utf-8" && charset !== "utf8") throw new Rejection("UNSUPPORTED_CHARSET", ct.params.charset);
  }
  const accepts = meta.kinds;
  const ok =
    accepts.includes("bytes") ||
    (kind === "json" && accepts.includes("json")) ||
    (kind === "form" && accepts.includes("form")) ||
    (kind === "multipart" && accepts.includes("multipart")) ||
    (kind === "text" && accepts.includes("text"));
  if (!ok) throw new Rejection("UNSUPPORTED_MEDIA_TYPE");
  return kind === "multipart" ? { kind, boundary: ct.params.boundary } : { kind };
}

/** What arrived: the buffered bytes, or for multipart the collected fields and files. */
export interface ReceivedBody {
  plan: BodyPlan;
  buf: Buffer;
  fields?: Record<string, unknown>;
}

/** Decodes a received body and validates it; validation problems go to `errors`. */
export function decodeBody(meta: BodyMeta, body: ReceivedBody, errors: ValidationErrorDetail[], format: ErrorFormat, limits: BodyLimits): unknown {
  const { plan, buf } = body;
  if (meta.kinds.includes("bytes")) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  let value: unknown;
  switch (plan.kind) {
    case "multipart":
      value = coerceForm(body.fields ?? {}, meta.form);
      checkFiles(value, meta.form, errors);
      break;
    case "form":
      try {
        value = coerceForm(parseUrlEncoded(buf.toString("utf8")), meta.form);
      } catch (err) {
        if (err instanceof FormParseError) throw new Rejection("FORM_PARSE", err.message);
        throw err;
      }
      break;
    case "text":
      value = buf.toString("utf8");
      break;
    default:
      if (buf.length === 0) {
        if (meta.optional) return undefined;
        if (meta.kinds.includes("text")) {
          value = "";
          break;
        }
        // Spikard validates an empty body as null against the schema.
        value = null;
        break;
      }
      if (plan.kind === "none" && meta.kinds[0] === "text") {
        value = buf.toString("utf8");
        break;
      }
      value = parseJsonSafely(buf, limits.maxJsonDepth);
  }
  return validateBody(meta, value, errors, format);
}

export function validateBody(meta: BodyMeta, value: unknown, errors: ValidationErrorDetail[], format: ErrorFormat): unknown {
  const before = errors.length;
  checkBody(meta, value, errors, format);
  // A valid body loses the properties its type does not declare, as msgspec and pydantic drop them (Strict<T> rejected them instead).
  if (meta.prune !== undefined && errors.length === before) meta.prune(value);
  return value;
}

function checkBody(meta: BodyMeta, value: unknown, errors: ValidationErrorDetail[], format: ErrorFormat): unknown {
  if (meta.oneOf !== undefined) {
    const matches = meta.oneOf.reduce((n, is) => (is(value) ? n + 1 : n), 0);
    if (matches === 1) return value;
    const why = matches === 0 ? "is not valid under any of the schemas" : "is valid under more than one of the schemas";
    errors.push({ type: "validation_error", loc: ["body"], msg: `${canonicalJson(value)} ${why} listed in the 'oneOf' keyword`, input: value });
    return value;
  }
  if (meta.is !== undefined && !meta.is(value)) {
    const result = meta.validate!(value);
    if (!result.success) {
      const found = result.errors ?? [];
      // Only a JSON number literal beyond a double's range yields one (JSON.parse makes it ±Infinity); a strict
      // parser such as Spikard's rejects the document, and answering would turn the number into null.
      if (found.some((e) => typeof e.value === "number" && !Number.isFinite(e.value))) throw new Rejection("MALFORMED_BODY");
      errors.push(...sortByLoc(mapTypiaErrors(found, ["body"], { root: value, source: "body", enums: meta.enums, format })));
    }
  }
  if (meta.objectRules !== undefined) for (const rule of meta.objectRules) applyObjectRule(rule, value, rule.path, ["body"], errors);
  return value;
}

/** Walks `path` ("*" over array elements) and reports each object there that fails the rule. */
function applyObjectRule(rule: ObjectRuleMeta, value: unknown, path: string[], loc: Array<string | number>, errors: ValidationErrorDetail[]): void {
  if (value === null || typeof value !== "object") return;
  if (path.length === 0) {
    if (Array.isArray(value) || passes(rule, value)) return;
    errors.push(ruleFailure(rule.message, loc, value));
    return;
  }
  const [head, ...rest] = path;
  if (head === "*") {
    if (Array.isArray(value)) value.forEach((item, i) => applyObjectRule(rule, item, rest, [...loc, String(i)], errors)); // Spikard writes indices as strings
    return;
  }
  if (Object.prototype.hasOwnProperty.call(value, head!)) applyObjectRule(rule, (value as Record<string, unknown>)[head!], rest, [...loc, head!], errors);
}

/** A check that throws (a property of the wrong type, say) counts as failed. */
function passes(rule: ObjectRuleMeta, value: object): boolean {
  try {
    return Boolean(rule.check(value));
  } catch {
    return false;
  }
}
