import ts from "typescript";
import { isTaggedClass, jsDocHost, tagOf } from "./declarations";
import type { ResponsePlan } from "./response";

/** What one documented answer carries. */
export type DocumentedBody =
  | { kind: "json"; type: ts.Type; mediaType?: string }
  | { kind: "text" | "bytes"; mediaType?: string }
  | { kind: "stream"; mediaType: string }
  /** An `HttpError`'s RFC 9457 problem details. */
  | { kind: "problem" }
  | { kind: "none" };

export interface DocumentedResponse {
  /** Absent: the route's success status (200, or its `statusCode` option). */
  status?: number;
  body: DocumentedBody;
  description?: string;
}

const STREAM_DEFAULT_TYPE = "application/octet-stream";

/**
 * Every answer a handler can give that its types and code show: plain return
 * values at the route's status, each `Response<T, S>` member of the return
 * type at its status S, the `new Response({ statusCode, content, mediaType })`
 * and `new StreamingResponse(source, { mediaType })` it builds, the
 * `new HttpError(status)` it throws, and what its JSDoc declares with
 * `@response 404 NotFound` (a type in the handler's scope) or
 * `@response 409 Description of the conflict`.
 */
export function documentedResponses(checker: ts.TypeChecker, returnType: ts.Type, plan: ResponsePlan, declaration: ts.SignatureDeclaration | undefined): DocumentedResponse[] {
  const out: DocumentedResponse[] = [];
  const built = declaration === undefined ? { responses: [], streams: [], errors: [] } : constructionsIn(checker, declaration);
  // A handler that always throws (`never`) answers only its errors.
  const members = returnType.flags & ts.TypeFlags.Never ? [] : returnType.isUnion() ? returnType.types : [returnType];
  let dynamicResponse = false;
  const plain: ts.Type[] = [];
  for (const t of members) {
    if (!isTaggedClass(checker, t, "spikardResponse")) plain.push(t);
    else if (isStream(t)) out.push(...(built.streams.length ? built.streams : [{ body: { kind: "stream", mediaType: STREAM_DEFAULT_TYPE } } satisfies DocumentedResponse]));
    else {
      const typed = typedResponse(checker, t);
      if (typed.length > 0) out.push(...typed);
      else dynamicResponse = true;
    }
  }
  out.push(...plainBodies(checker, plan, plain).map((body) => ({ body })));
  // A `Response` whose status the type leaves open: the ones the handler builds say which.
  if (dynamicResponse) out.push(...(built.responses.length ? built.responses : [{ body: { kind: "none" } } satisfies DocumentedResponse]));
  for (const status of built.errors) out.push({ status, body: { kind: "problem" } });
  out.push(...declaredResponses(checker, declaration));
  return out;
}

/** Plain return values, written by kind at the route's status: JSON (typia's serializer), text, bytes. */
function plainBodies(checker: ts.TypeChecker, plan: ResponsePlan, plain: ts.Type[]): DocumentedBody[] {
  if (plain.length === 0) return [];
  if (plan.kind === "empty") return [{ kind: "none" }];
  const values = plain.filter((t) => !(t.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never)));
  const out: DocumentedBody[] = [];
  if (values.length < plain.length) out.push({ kind: "none" });
  if (values.some((t) => t.flags & ts.TypeFlags.StringLike)) out.push({ kind: "text" });
  if (values.some(isBytes)) out.push({ kind: "bytes" });
  const json = values.filter((t) => !(t.flags & ts.TypeFlags.StringLike) && !isBytes(t));
  if (json.length > 0) out.push({ kind: "json", type: plan.jsonType ?? (json.length === 1 ? json[0]! : checker.getUnknownType()) });
  return out;
}

/** What a `content` of type `t` is written as (src/pipeline/respond.ts). */
function contentBody(checker: ts.TypeChecker, t: ts.Type, mediaType?: string): DocumentedBody {
  const members = (t.isUnion() ? t.types : [t]).filter((m) => !(m.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
  if (members.length === 0 || t.flags & ts.TypeFlags.Never) return { kind: "none" };
  if (members.every((m) => m.flags & ts.TypeFlags.StringLike)) return { kind: "text", mediaType };
  if (members.every((m) => isBytes(m))) return { kind: "bytes", mediaType };
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: "json", type: checker.getUnknownType(), mediaType };
  return { kind: "json", type: t, mediaType };
}

/** `Response<T, S>` with S a number literal (or a union of them): one answer per status. */
function typedResponse(checker: ts.TypeChecker, t: ts.Type): DocumentedResponse[] {
  const args = typeArgumentsOf(checker, t);
  const status = args[1];
  if (status === undefined) return [];
  const statuses = (status.isUnion() ? status.types : [status]).map((s) => (s.isNumberLiteral() ? s.value : undefined));
  if (statuses.some((s) => s === undefined)) return [];
  const body = args[0] === undefined ? ({ kind: "none" } as const) : contentBody(checker, args[0]);
  return statuses.map((s) => ({ status: s, body: s === 204 || s === 304 ? { kind: "none" } : body }));
}

function typeArgumentsOf(checker: ts.TypeChecker, t: ts.Type): readonly ts.Type[] {
  const ref = t as ts.TypeReference;
  return ref.target !== undefined ? checker.getTypeArguments(ref) : [];
}

/** Ours (tagged `@spikardResponse`, checked by the caller) and the streaming one. */
function isStream(t: ts.Type): boolean {
  return t.getSymbol()?.getName() === "StreamingResponse";
}

function isBytes(t: ts.Type): boolean {
  const name = t.getSymbol()?.getName();
  return name === "Uint8Array" || name === "Buffer";
}

interface Constructions {
  responses: DocumentedResponse[];
  streams: DocumentedResponse[];
  /** Statuses of the `HttpError`s the handler constructs. */
  errors: number[];
}

/** The responses and errors a handler's own code constructs with literal arguments. */
function constructionsIn(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration): Constructions {
  const found: Constructions = { responses: [], streams: [], errors: [] };
  const body = (declaration as ts.FunctionLikeDeclaration).body;
  if (body === undefined) return found;
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node)) {
      const type = checker.getTypeAtLocation(node);
      if (isTaggedClass(checker, type, "spikardResponse")) {
        if (isStream(type)) {
          const init = objectLiteral(node.arguments?.[1]);
          found.streams.push({ status: numberProp(checker, init, "statusCode"), body: { kind: "stream", mediaType: stringProp(checker, init, "mediaType") ?? STREAM_DEFAULT_TYPE } });
        } else {
          const init = objectLiteral(node.arguments?.[0]);
          const status = numberProp(checker, init, "statusCode");
          const content = init?.properties.find((p) => propName(p) === "content");
          const mediaType = stringProp(checker, init, "mediaType");
          const contentType = content === undefined ? undefined : ts.isPropertyAssignment(content) ? checker.getTypeAtLocation(content.initializer) : ts.isShorthandPropertyAssignment(content) ? checker.getTypeAtLocation(content.name) : undefined;
          const body: DocumentedBody = contentType === undefined || status === 204 || status === 304 ? { kind: "none" } : contentBody(checker, contentType, mediaType);
          found.responses.push({ status, body });
        }
      } else if (tagOf(type.getSymbol()?.declarations?.[0], "spikardHttpError") !== undefined) {
        const status = node.arguments?.[0] === undefined ? undefined : checker.getTypeAtLocation(node.arguments[0]);
        if (status?.isNumberLiteral()) found.errors.push(status.value);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function objectLiteral(e: ts.Expression | undefined): ts.ObjectLiteralExpression | undefined {
  return e !== undefined && ts.isObjectLiteralExpression(e) ? e : undefined;
}

function propName(p: ts.ObjectLiteralElementLike): string | undefined {
  return p.name !== undefined && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) ? p.name.text : undefined;
}

function propType(checker: ts.TypeChecker, init: ts.ObjectLiteralExpression | undefined, name: string): ts.Type | undefined {
  const p = init?.properties.find((x) => propName(x) === name);
  return p !== undefined && ts.isPropertyAssignment(p) ? checker.getTypeAtLocation(p.initializer) : undefined;
}

function numberProp(checker: ts.TypeChecker, init: ts.ObjectLiteralExpression | undefined, name: string): number | undefined {
  const t = propType(checker, init, name);
  return t?.isNumberLiteral() ? t.value : undefined;
}

function stringProp(checker: ts.TypeChecker, init: ts.ObjectLiteralExpression | undefined, name: string): string | undefined {
  const t = propType(checker, init, name);
  return t?.isStringLiteral() ? t.value : undefined;
}

const RESPONSE_TAG = /^(\d{3})(?:\s+([\s\S]*))?$/;

/**
 * `@response 404 NotFound`: the status, then a type in the handler's scope
 * (its body's schema) or a description (an `HttpError`'s problem details).
 * A type may be followed by a description: `@response 409 Conflict The slug is taken`.
 */
function declaredResponses(checker: ts.TypeChecker, declaration: ts.SignatureDeclaration | undefined): DocumentedResponse[] {
  if (declaration === undefined) return [];
  const out: DocumentedResponse[] = [];
  for (const tag of ts.getJSDocTags(jsDocHost(declaration))) {
    if (tag.tagName.text !== "response") continue;
    const text = (typeof tag.comment === "string" ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? "")).trim();
    const m = RESPONSE_TAG.exec(text);
    if (m === null) continue;
    const status = Number(m[1]);
    const rest = (m[2] ?? "").trim();
    const [first = "", ...words] = rest.split(/\s+/);
    const type = /^[A-Za-z_$][\w$]*$/.test(first) ? typeNamed(checker, declaration, first) : undefined;
    if (type !== undefined) out.push({ status, body: contentBody(checker, type), description: words.join(" ") || first });
    else out.push({ status, body: status === 204 || status === 304 ? { kind: "none" } : { kind: "problem" }, description: rest || undefined });
  }
  return out;
}

function typeNamed(checker: ts.TypeChecker, at: ts.Node, name: string): ts.Type | undefined {
  for (const found of checker.getSymbolsInScope(at, ts.SymbolFlags.Type | ts.SymbolFlags.Alias)) {
    if (found.getName() !== name) continue;
    // An exported declaration's local symbol carries no meaning of its own; the export symbol does.
    const exported = checker.getExportSymbolOfSymbol(found);
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    if (target.flags & ts.SymbolFlags.Type) return checker.getDeclaredTypeOfSymbol(target);
  }
  return undefined;
}
