import { transformSync } from "esbuild";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { parameterNames } from "./param-names";

/** Functions as written in TypeScript, and the names `spikard gen` reads from their declarations. */
const CASES: Array<[string, string, string[]]> = [
  ["an arrow", "(a: number, b: string) => a", ["a", "b"]],
  ["an arrow with one bare parameter", "(a) => a", ["a"]],
  ["an async arrow", "async (req: unknown, db: unknown) => db", ["req", "db"]],
  ["no parameters", "() => 1", []],
  ["a function expression", "function named(a: number, b: number) { return a + b; }", ["a", "b"]],
  ["a generator (a factory with cleanup)", "function* (ctx: unknown) { yield ctx; }", ["ctx"]],
  ["an async generator", "async function* (pool: unknown, x_user: string) { yield pool; }", ["pool", "x_user"]],
  ["defaults holding commas, brackets, strings and templates", "(a = Math.max(1, 2), b: string = \"x,y)\", c = `${[1, 2].join(\",\")}`, d = { x: [1, 2], y: (p: number, q: number) => p + q }, e = (1, 2)) => a", ["a", "b", "c", "d", "e"]],
  ["a rest parameter", "(first: string, ...rest: string[]) => rest", ["first", "rest"]],
  ["destructured parameters", "({ headers }: { headers: object }, [x]: number[], db: unknown) => db", ["_", "_", "db"]],
  ["comments between parameters", "(a /* , b */, // c, d\n e) => a", ["a", "e"]],
  ["a `this` parameter", "function (this: unknown, a: number) { return a; }", ["a"]],
  ["unicode names", "(größe: number, $x: number, _y: number) => größe", ["größe", "$x", "_y"]],
];

/**
 * How each compiler that may build the app writes the function (for ES2015 and
 * later, which spikard needs: ES5 output moves rest and destructured
 * parameters into the body).
 */
const COMPILERS: Array<[string, (source: string) => string]> = [
  ["tsc (ES2022)", (s) => ts.transpileModule(`export const f = ${s};`, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText],
  ["esbuild", (s) => transformSync(`export const f = ${s};`, { loader: "ts", format: "cjs", target: "es2022" }).code],
];

function compiled(compile: (s: string) => string, source: string): (...args: never[]) => unknown {
  const module = { exports: {} as { f?: (...args: never[]) => unknown } };
  new Function("exports", "require", "module", compile(source))(module.exports, require, module);
  return module.exports.f!;
}

describe("parameterNames reads what spikard gen read from the source", () => {
  describe.each(COMPILERS)("compiled by %s", (_name, compile) => {
    it.each(CASES)("%s", (_what, source, names) => {
      expect(parameterNames(compiled(compile, source))).toEqual(names);
    });
  });

  it("reads methods, generator methods and async methods", () => {
    const o = { m(a: number, b: number) { return a + b; }, *g(c: number) { yield c; }, async am(d: number) { return d; }, ["computed" + 1](e: number) { return e; } };
    expect([o.m, o.g, o.am, o.computed1].map((f) => parameterNames(f as never))).toEqual([["a", "b"], ["c"], ["d"], ["e"]]);
  });

  it("reads an arrow whose parameter is named async", () => {
    expect(parameterNames(new Function("return async => async")() as never)).toEqual(["async"]);
  });

  it("gives up on functions whose source it cannot see (bound, native)", () => {
    const f = (a: number, b: number): number => a + b;
    expect(parameterNames(f.bind(null) as never)).toBeUndefined();
    expect(parameterNames(Math.max as never)).toBeUndefined();
  });
});
