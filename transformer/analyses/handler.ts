import path from "node:path";
import ts from "typescript";
import type { ArgSource } from "../../src/runtime/meta";
import { classTokenOf } from "../../src/runtime/token";
import { TransformerError } from "../TransformerError";
import { isTaggedClass, jsDocHost, markerOf } from "./declarations";
import { scalarShape, type ScalarShape } from "./scalar";
import { jsonProblem } from "./json-compat";

export type Source = ArgSource;

/** What the transformer learned about one handler parameter. */
export interface ParamPlan {
  name: string;
  source: Source;
  /** Wire name. */
  key: string;
  /** The value type (`T` of `Query<T>`). */
  type: ts.Type;
  /** The node that declares `type`, when there is one (declared literal order, docs). */
  typeNode?: ts.TypeNode;
  /** Body<Strict<T>>: no undeclared properties. */
  strict?: boolean;
  /** Body<OneOf<A | B>>: the union's members, to check that exactly one matches. */
  oneOf?: ts.Type[];
  optional: boolean;
  hasDefault: boolean;
  /** The default value when it is a literal (for documentation). */
  defaultLiteral?: unknown;
  shape?: ScalarShape;
  description?: string;
  node: ts.Node;
}

export interface HandlerPlan {
  params: ParamPlan[];
  /** Awaited return type. */
  returnType: ts.Type;
  doc: { summary?: string; description?: string; deprecated?: boolean; tags: string[]; operationId?: string };
  declaration: ts.SignatureDeclaration | undefined;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Resolves a handler expression through the checker (inline arrow, local or
 * imported function, method reference) and classifies each parameter.
 */
export function analyzeHandler(checker: ts.TypeChecker, handler: ts.Expression, method: string, path: string, pathParams: string[], skip = 0): HandlerPlan {
  const signature = checker.getTypeAtLocation(handler).getCallSignatures()[0];
  if (signature === undefined) throw new TransformerError("SPK001", `${method} ${path}`);
  return analyzeSignature(checker, signature, method, path, pathParams, skip);
}

/** The same for a signature already resolved (a method of a WebSocket route's handlers object). */
export function analyzeSignature(checker: ts.TypeChecker, signature: ts.Signature, method: string, path: string, pathParams: string[], skip = 0): HandlerPlan {
  const declaration = signature.getDeclaration() as ts.SignatureDeclaration | undefined;
  const params: ParamPlan[] = [];
  let bodyName: string | undefined;
  for (const symbol of signature.getParameters().slice(skip)) {
    const decl = symbol.valueDeclaration;
    if (decl === undefined || !ts.isParameter(decl)) throw new TransformerError("SPK001", `${method} ${path}`);
    if (!ts.isIdentifier(decl.name)) throw new TransformerError("SPK003");
    const name = decl.name.text;
    const plan = classify(checker, decl, name, method, path, pathParams);
    if (plan.source === "body") {
      if (bodyName !== undefined) throw new TransformerError("SPK007", bodyName, name);
      bodyName = name;
    }
    params.push(plan);
  }
  const returnType = checker.getAwaitedType(signature.getReturnType()) ?? signature.getReturnType();
  return { params, returnType, doc: readDoc(declaration), declaration };
}

function classify(checker: ts.TypeChecker, decl: ts.ParameterDeclaration, name: string, method: string, path: string, pathParams: string[]): ParamPlan {
  const marker = markerOf(checker, decl.type);
  const hasDefault = decl.initializer !== undefined;
  const optional = decl.questionToken !== undefined || hasDefault || decl.dotDotDotToken !== undefined;
  const base = {
    name,
    optional,
    hasDefault,
    defaultLiteral: hasDefault ? literalValue(decl.initializer!) : undefined,
    node: decl,
    description: paramDescription(decl, name),
    typeNode: decl.type as ts.TypeNode | undefined,
  };
  if (marker !== undefined) {
    const args = marker.node.typeArguments ?? [];
    const type = args[0] !== undefined ? checker.getTypeFromTypeNode(args[0]) : checker.getAnyType();
    base.typeNode = args[0];
    const override = args[1] !== undefined ? literalText(checker.getTypeFromTypeNode(args[1])) : undefined;
    const source = marker.kind as Source;
    if (source === "body") {
      const body = unwrapBodyMarkers(checker, type, args[0]);
      if (body.type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) throw new TransformerError("SPK005", name, checker.typeToString(body.type), "it accepts anything", "a request body");
      checkBodyCarried(checker, name, body.type);
      return { ...base, source, key: "body", ...body };
    }
    if (source === "inject") {
      if (override === undefined) throw new TransformerError("SPK010", `Inject<T, Name> needs a string literal name for parameter "${name}".`);
      return { ...base, source, key: override, type };
    }
    if (source === "path" && !pathParams.includes(override ?? name)) throw new TransformerError("SPK006", name, path, override ?? name);
    return withShape(checker, { ...base, source, key: wireName(source, override ?? name, override !== undefined), type }, path);
  }
  const type = checker.getTypeAtLocation(decl);
  if (type.flags & ts.TypeFlags.Any) throw new TransformerError("SPK002", name, name);
  if (isTaggedClass(checker, type, "spikardRequest")) return { ...base, source: "request", key: name, type };
  if (isTaggedClass(checker, type, "spikardBackground")) return { ...base, source: "background", key: name, type };
  if (isAbortSignal(type)) return { ...base, source: "signal", key: name, type };
  const token = classToken(checker, type);
  if (token !== undefined) return { ...base, source: "inject", key: token, type };
  if (pathParams.includes(name)) return withShape(checker, { ...base, source: "path", key: name, type }, path);
  const shape = scalarShape(checker, nonUndefined(checker, type, optional));
  if (typeof shape !== "string" && !shape.any) return { ...base, source: "query", key: name, type, shape };
  if (!BODY_METHODS.has(method)) throw new TransformerError("SPK008", name, checker.typeToString(type), method);
  checkBodyCarried(checker, name, type);
  return { ...base, source: "body", key: "body", type };
}

/** A body type with a part no request can carry (a Map, a function...) would answer 422 to every request. */
function checkBodyCarried(checker: ts.TypeChecker, name: string, type: ts.Type): void {
  const problem = jsonProblem(checker, type, "body");
  if (problem !== undefined) throw new TransformerError("SPK014", name, checker.typeToString(type), problem.what, problem.at, problem.fix);
}

/** Peels Strict<...> and OneOf<...> off a body type, remembering what they asked for. */
export function unwrapBodyMarkers(checker: ts.TypeChecker, type: ts.Type, node: ts.TypeNode | undefined): { type: ts.Type; typeNode?: ts.TypeNode; strict?: boolean; oneOf?: ts.Type[] } {
  let strict = false;
  let oneOf: ts.Type[] | undefined;
  let current = node;
  for (let marker = markerOf(checker, current); marker !== undefined && (marker.kind === "strict" || marker.kind === "oneOf"); marker = markerOf(checker, current)) {
    current = marker.node.typeArguments?.[0];
    if (current === undefined) break;
    type = checker.getTypeFromTypeNode(current);
    if (marker.kind === "strict") strict = true;
    else oneOf = type.isUnion() ? type.types.filter((t) => !(t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null))) : [type];
  }
  return { type, typeNode: current, ...(strict ? { strict } : {}), ...(oneOf ? { oneOf } : {}) };
}

/**
 * A user-declared class type is a dependency, keyed by where it is declared
 * (`class:<file>:<Name>`); the provide() call for the class gets the same key.
 */
export function classToken(checker: ts.TypeChecker, type: ts.Type): string | undefined {
  const symbol = type.getSymbol();
  if (symbol === undefined || !(symbol.flags & ts.SymbolFlags.Class)) return undefined;
  const decl = symbol.declarations?.find(ts.isClassDeclaration);
  if (decl === undefined) return undefined;
  const file = decl.getSourceFile();
  if (file.hasNoDefaultLib || /[\\/]typescript[\\/]lib[\\/]lib\.[^/\\]*\.d\.ts$/.test(file.fileName)) return undefined;
  if (["spikardRequest", "spikardResponse", "spikardUpload", "spikardBackground"].some((t) => isTaggedClass(checker, type, t))) return undefined;
  return classTokenOf(tokenPath(file.fileName), symbol.getName());
}

/** The platform's AbortSignal (declared by TypeScript's lib or @types/node, never a user type of that name). */
function isAbortSignal(type: ts.Type): boolean {
  const symbol = type.getSymbol();
  if (symbol?.getName() !== "AbortSignal") return false;
  return (symbol.declarations ?? []).some((d) => {
    const f = d.getSourceFile();
    return f.hasNoDefaultLib || /[\\/](typescript[\\/]lib|@types[\\/]node)[\\/]/.test(f.fileName);
  });
}

/** The declaring file relative to the working directory, without its TypeScript extension. */
function tokenPath(fileName: string): string {
  const rel = path.relative(process.cwd(), fileName).split(path.sep).join("/");
  return rel.replace(/(\.d)?\.(c|m)?tsx?$/, "").replace(/\.(c|m)?js$/, "");
}

function withShape(checker: ts.TypeChecker, plan: ParamPlan, path: string): ParamPlan {
  const shape = scalarShape(checker, nonUndefined(checker, plan.type, plan.optional));
  if (typeof shape === "string") throw new TransformerError("SPK004", plan.name, checker.typeToString(plan.type), plan.source);
  if (shape.array && plan.source === "path") throw new TransformerError("SPK004", plan.name, checker.typeToString(plan.type), `path (${path})`);
  return { ...plan, shape, optional: plan.optional || shape.optional };
}

/** With `?`, TypeScript adds `undefined` to the type; decoding is about the rest. */
function nonUndefined(_checker: ts.TypeChecker, type: ts.Type, optional: boolean): ts.Type {
  return optional ? stripUndefined(type) : type;
}

function stripUndefined(type: ts.Type): ts.Type {
  if (!type.isUnion()) return type;
  const rest = type.types.filter((t) => !(t.flags & ts.TypeFlags.Undefined));
  return rest.length === 1 ? rest[0]! : type;
}

/** Header names are matched as Spikard does: underscores read as hyphens, case-insensitively. */
function wireName(source: Source, name: string, _explicit: boolean): string {
  if (source === "header") return name.replace(/_/g, "-").toLowerCase();
  return name;
}

function literalText(t: ts.Type): string | undefined {
  return t.isStringLiteral() ? t.value : undefined;
}

/** The value of a literal initializer (`10`, `"x"`, `true`, `null`, `[1, 2]`, `{ a: 1 }`); undefined otherwise. */
export function literalValue(e: ts.Expression): unknown {
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (ts.isStringLiteralLike(e)) return e.text;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text);
  if (ts.isArrayLiteralExpression(e)) {
    const items = e.elements.map((x) => literalValue(x));
    return items.every((x) => x !== undefined) ? items : undefined;
  }
  if (ts.isObjectLiteralExpression(e)) {
    const out: Record<string, unknown> = {};
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p) || !(ts.isIdentifier(p.name) || ts.isStringLiteral(p.name))) return undefined;
      const v = literalValue(p.initializer);
      if (v === undefined) return undefined;
      out[p.name.text] = v;
    }
    return out;
  }
  return undefined;
}

function readDoc(decl: ts.SignatureDeclaration | undefined): HandlerPlan["doc"] {
  const doc: HandlerPlan["doc"] = { tags: [] };
  if (decl === undefined) return doc;
  const host = jsDocHost(decl);
  const comments = ts.getJSDocCommentsAndTags(host).filter(ts.isJSDoc);
  const text = comments.map((c) => (typeof c.comment === "string" ? c.comment : ts.getTextOfJSDocComment(c.comment) ?? "")).join("\n").trim();
  if (text) {
    const [first, ...rest] = text.split(/\n\s*\n|\n/);
    doc.summary = first!.trim();
    const description = rest.join("\n").trim();
    if (description) doc.description = description;
  }
  for (const tag of ts.getJSDocTags(host)) {
    const comment = (typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment) ?? "").trim();
    switch (tag.tagName.text) {
      case "deprecated":
        doc.deprecated = true;
        break;
      case "tag":
        if (comment) doc.tags.push(comment);
        break;
      case "operationId":
        if (comment) doc.operationId = comment;
        break;
      case "summary":
        if (comment) doc.summary = comment;
        break;
      case "description":
        if (comment) doc.description = comment;
        break;
    }
  }
  return doc;
}

function paramDescription(decl: ts.ParameterDeclaration, name: string): string | undefined {
  const fn = decl.parent;
  for (const tag of ts.getJSDocTags(jsDocHost(fn))) {
    if (ts.isJSDocParameterTag(tag) && ts.isIdentifier(tag.name) && tag.name.text === name) {
      const c = typeof tag.comment === "string" ? tag.comment : ts.getTextOfJSDocComment(tag.comment);
      return c?.replace(/^-\s*/, "").trim() || undefined;
    }
  }
  return undefined;
}
