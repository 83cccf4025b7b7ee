import type { ITypiaContext } from "@typia/core";
import ts from "typescript";

/**
 * Generated functions shared by every route of a file that needs the same one.
 * Most parameter types repeat across routes (`Path<number>`, `Query<Int>`, one
 * interface in several bodies); the checker hands out one ts.Type per distinct
 * type, so a function is generated once per type and referenced by a
 * module-level constant: typia analyses each type once, and the output carries
 * one copy instead of one per route.
 */
interface FileFunctions {
  byType: WeakMap<ts.Type, Map<string, ts.Identifier>>;
  /** Module-level RegExp constants by `flags/source`. */
  regExps: Map<string, ts.Identifier>;
  statements: ts.Statement[];
}

const files = new WeakMap<ITypiaContext, FileFunctions>();

function of(context: ITypiaContext): FileFunctions {
  let file = files.get(context);
  if (file === undefined) files.set(context, (file = { byType: new WeakMap(), regExps: new Map(), statements: [] }));
  return file;
}

/** A reference to the file-level constant holding `generate()`'s value for `type` and `variant`. */
export function shared(context: ITypiaContext, type: ts.Type, variant: string, generate: () => ts.Expression): ts.Identifier {
  const file = of(context);
  let variants = file.byType.get(type);
  if (variants === undefined) file.byType.set(type, (variants = new Map()));
  let name = variants.get(variant);
  if (name === undefined) {
    const value = generate();
    // A generated name cannot collide with the user's identifiers; the node is reused at every reference.
    name = ts.factory.createUniqueName(`__spikard_${variant}`);
    file.statements.push(
      ts.factory.createVariableStatement(undefined, ts.factory.createVariableDeclarationList([ts.factory.createVariableDeclaration(name, undefined, undefined, value)], ts.NodeFlags.Const)),
    );
    variants.set(variant, name);
  }
  return name;
}

/**
 * A module-level `RegExp(source, flags)` constant. typia writes Pattern checks as
 * `RegExp("...").test(v)`, which builds a RegExp object on every call; without
 * the `g`/`y` flags `test` keeps no state, so one object serves every call.
 */
export function sharedRegExp(context: ITypiaContext, source: string, flags: string): ts.Identifier {
  const file = of(context);
  const key = `${flags}/${source}`;
  let name = file.regExps.get(key);
  if (name === undefined) {
    name = ts.factory.createUniqueName("__spikard_pattern");
    const args = [ts.factory.createStringLiteral(source), ...(flags ? [ts.factory.createStringLiteral(flags)] : [])];
    // Declared first: a generated function may use it in its initialiser.
    file.statements.unshift(
      ts.factory.createVariableStatement(undefined, ts.factory.createVariableDeclarationList([ts.factory.createVariableDeclaration(name, undefined, undefined, ts.factory.createNewExpression(ts.factory.createIdentifier("RegExp"), undefined, args))], ts.NodeFlags.Const)),
    );
    file.regExps.set(key, name);
  }
  return name;
}

/** The constants to place after the imports, in the order they were first needed. */
export function sharedStatements(context: ITypiaContext): ts.Statement[] {
  return files.get(context)?.statements ?? [];
}
