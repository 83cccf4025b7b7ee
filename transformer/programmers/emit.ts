import ts from "typescript";

const f = ts.factory;

declare const VALUE: unique symbol;

/**
 * An expression that evaluates to a `T` at run time. The type parameter is a
 * compile-time tag only: it lets `emit<ParamMeta>({...})` check each property
 * against the runtime's own declaration (src/runtime/meta.ts), so a field the
 * runtime renames or a kind it no longer knows fails to compile here.
 */
export type Expr<T> = ts.Expression & { readonly [VALUE]: T };

/**
 * The properties of an emitted `T`: one expression per field, required where
 * `T` requires it. Optional fields may be `undefined`, and are then left out.
 */
export type Props<T> = { [K in keyof T]: Expr<T[K]> | (undefined extends T[K] ? undefined : never) };

/** An object literal of type `T`, with `spreads` (`...shared`) placed first. */
export function emit<T>(props: Props<T>, ...spreads: Array<Expr<Partial<T>>>): Expr<T> {
  const assignments: ts.ObjectLiteralElementLike[] = spreads.map((s) => f.createSpreadAssignment(s));
  for (const [key, value] of Object.entries(props) as Array<[string, ts.Expression | undefined]>) {
    if (value !== undefined) assignments.push(f.createPropertyAssignment(propertyName(key), value));
  }
  return typed<T>(f.createObjectLiteralExpression(assignments, true));
}

/** An array literal of `T`s. */
export function array<T>(items: ReadonlyArray<Expr<T>>, multiLine = false): Expr<T[]> {
  return typed<T[]>(f.createArrayLiteralExpression(items, multiLine));
}

export function str<S extends string>(s: S): Expr<S> {
  return typed<S>(f.createStringLiteral(s));
}

export function bool<B extends boolean>(b: B): Expr<B> {
  return typed<B>(b ? f.createTrue() : f.createFalse());
}

/** A JSON-compatible value as an expression. */
export function literal<T>(v: T): Expr<T> {
  return typed<T>(literalNode(v));
}

/**
 * Generated code (a typia validator, a shared constant) declared to evaluate
 * to `T`: the one place where an expression's run-time type is asserted
 * rather than built.
 */
export function typed<T>(e: ts.Expression): Expr<T> {
  return e as Expr<T>;
}

function literalNode(v: unknown): ts.Expression {
  if (v === null) return f.createNull();
  if (v === undefined) return f.createIdentifier("undefined");
  if (typeof v === "string") return f.createStringLiteral(v);
  if (typeof v === "boolean") return v ? f.createTrue() : f.createFalse();
  if (typeof v === "number") return v < 0 ? f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-v)) : f.createNumericLiteral(v);
  if (Array.isArray(v)) return f.createArrayLiteralExpression(v.map(literalNode));
  return f.createObjectLiteralExpression(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => f.createPropertyAssignment(propertyName(k), literalNode(x))),
    true,
  );
}

function propertyName(key: string): ts.PropertyName {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? f.createIdentifier(key) : f.createStringLiteral(key);
}
