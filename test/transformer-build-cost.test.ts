import fs from "node:fs";
import path from "node:path";
import { MetadataCollection, MetadataFactory } from "@typia/core";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { memoizeTypiaHelpers } from "../transformer/programmers/typia-memo";
import { compileWithTransformer } from "./support/transform-in-memory";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "test-results", "build-cost");

function write(name: string, source: string): string {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, name);
  fs.writeFileSync(file, source);
  return file;
}

describe("typia's own transform pass (skipped when no file imports typia as a value)", () => {
  it("still expands typia calls made through a default import", () => {
    const { js, diagnostics } = compileWithTransformer(write("direct.ts", `import typia from "typia";\nexport const isPoint = typia.createIs<{ x: number }>();\n`));
    expect(diagnostics).toEqual([]);
    expect(js).not.toContain("typia.createIs");
    expect(js).toContain('"number" === typeof input.x');
  });

  it("still expands typia calls made through a namespace import", () => {
    const { js } = compileWithTransformer(write("namespace.ts", `import * as t from "typia";\nexport const isPoint = t.createIs<{ x: number }>();\n`));
    expect(js).not.toContain("t.createIs");
    expect(js).toContain('"number" === typeof input.x');
  });

  it("still expands calls through a module that re-exports typia", () => {
    write("reexport.ts", `export { default as typia } from "typia";\n`);
    const { js } = compileWithTransformer(write("via-reexport.ts", `import { typia } from "./reexport";\nexport const isPoint = typia.createIs<{ x: number }>();\n`));
    expect(js).not.toContain("typia.createIs");
    expect(js).toContain('"number" === typeof input.x');
  });

  it("leaves a file that only imports typia's tag types with the routes' own code", () => {
    const { js, diagnostics } = compileWithTransformer(
      write("types-only.ts", `import { Spikard, type Query } from "spikard";\nimport type { tags } from "typia";\nconst app = new Spikard();\napp.get("/n", (n: Query<number & tags.Minimum<1>>) => ({ n }));\nexport default app;\n`),
    );
    expect(diagnostics).toEqual([]);
    expect(js).toContain("1 <= input");
    expect(js).not.toMatch(/require\("typia"\)/);
  });
});

describe("memoized typia analysis", () => {
  memoizeTypiaHelpers();
  const file = write("memo.ts", `export interface Line { sku: string; qty: number }\nexport interface Order { id: string; lines: Line[]; note?: { text: string } }\n`);
  const program = ts.createProgram([file], { strict: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const line = checker.getTypeAtLocation((source.statements[0] as ts.InterfaceDeclaration).name);
  const order = checker.getTypeAtLocation((source.statements[1] as ts.InterfaceDeclaration).name);
  const options = { escape: false, constant: true, absorb: true };
  const names = (c: MetadataCollection) => c.objects().map((o) => o.name);

  it("hands a second caller a filled collection of its own and the same metadata", () => {
    const first = new MetadataCollection();
    const a = MetadataFactory.analyze({ checker, transformer: undefined, options, components: first, type: order });
    const second = new MetadataCollection();
    const b = MetadataFactory.analyze({ checker, transformer: undefined, options, components: second, type: order });
    expect(a.success && b.success).toBe(true);
    expect(b).toBe(a);
    expect(names(second)).toEqual(names(first));
    expect(names(second)).toEqual(["Order", "Line", "__type"]);
    // Copies, not the same maps: one caller's later use cannot change the other's.
    expect(second.objects()).toEqual(first.objects());
    expect(second).not.toBe(first);
  });

  it("analyses afresh for a collection that already holds types or was built with options", () => {
    const used = new MetadataCollection();
    MetadataFactory.analyze({ checker, transformer: undefined, options, components: used, type: line });
    const a = MetadataFactory.analyze({ checker, transformer: undefined, options, components: used, type: order });
    const b = MetadataFactory.analyze({ checker, transformer: undefined, options, components: new MetadataCollection(), type: order });
    expect(a).not.toBe(b);
    const named = new MetadataCollection({ replace: MetadataCollection.replace });
    const c = MetadataFactory.analyze({ checker, transformer: undefined, options, components: named, type: order });
    expect(c).not.toBe(b);
  });

  it("analyses afresh when an option is a function (its errors depend on what it closes over)", () => {
    const reject = () => ["rejected"];
    const withHook = { ...options, validate: reject };
    const first = MetadataFactory.analyze({ checker, transformer: undefined, options: withHook, components: new MetadataCollection(), type: order });
    expect(first.success).toBe(false);
    const accept = () => [];
    const second = MetadataFactory.analyze({ checker, transformer: undefined, options: { ...options, validate: accept }, components: new MetadataCollection(), type: order });
    expect(second.success).toBe(true);
  });
});
