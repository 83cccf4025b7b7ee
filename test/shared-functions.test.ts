import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileWithTransformer } from "./support/transform-in-memory";

const ROOT = path.resolve(__dirname, "..");
const DIR = path.join(ROOT, "test-results", "shared-functions");

function emit(source: string): string {
  fs.mkdirSync(DIR, { recursive: true });
  const file = path.join(DIR, "app.ts");
  fs.writeFileSync(file, source);
  const { js, diagnostics } = compileWithTransformer(file);
  expect(diagnostics).toEqual([]);
  return js;
}

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

describe("generated functions shared across a file's routes", () => {
  const js = emit(`
import { Spikard, type Body, type Path, type Query } from "spikard";
import type { tags } from "typia";
interface Item { name: string & tags.MinLength<1>; price: number & tags.Minimum<0> }
interface Other { name: string & tags.MinLength<1>; price: number & tags.Minimum<0> }
const app = new Spikard();
app.post("/a", (item: Body<Item>): Item => item);
app.put("/b/{id}", (id: Path<number>, item: Body<Item>): Item => item);
app.post("/c", (other: Body<Other>): Other => other);
app.get("/d/{id}", (id: Path<number>, limit: Query<number & tags.Minimum<1>> = 10) => ({ id, limit }));
app.get("/e", (limit: Query<number & tags.Minimum<1>> = 5) => ({ limit }));
export default app;
`);

  it("generates one validator per distinct type, however many routes use it", () => {
    // Item, Other (a distinct declaration with the same shape), number, number & Minimum<1>.
    expect(count(js, /const __spikard_checks_\d+ = /g)).toBe(4);
    expect(count(js, /expected: "Item"/g)).toBe(2); // its two report sites, emitted once
  });

  it("generates one serializer per distinct response type", () => {
    // Item, Other, and the two inferred object literals.
    expect(count(js, /const __spikard_stringify_\d+ = /g)).toBe(4);
  });

  it("references the shared functions from every route that needs them", () => {
    const checksOfItem = js.match(/\.\.\.(__spikard_checks_\d+)/g) ?? [];
    expect(checksOfItem.length).toBe(7); // a, b (id + item), c, d (id + limit), e
  });
});

describe("Pattern checks", () => {
  const js = emit(`
import { Spikard, type Body, type Query } from "spikard";
import type { tags } from "typia";
interface Line { sku: string & tags.Pattern<"^[A-Z]{3}-[0-9]{4}$"> }
interface Order { id: string & tags.Pattern<"^ORD-[0-9]{6}$">; lines: Line[]; alt?: string & tags.Pattern<"^[A-Z]{3}-[0-9]{4}$"> }
const app = new Spikard();
app.post("/orders", (order: Body<Order>): Order => order);
app.get("/find", (sku: Query<string & tags.Pattern<"^[A-Z]{3}-[0-9]{4}$">>) => ({ sku }));
export default app;
`);

  it("are compiled once per pattern at module level, not a RegExp per checked value", () => {
    // typia writes RegExp("...").test(v) inside the checks: a new object for every value checked.
    expect(count(js, /const __spikard_pattern_\d+ = new RegExp\(/g)).toBe(2);
    expect(count(js, /RegExp\(/g)).toBe(2);
    expect(count(js, /__spikard_pattern_\d+\.test\(/g)).toBeGreaterThanOrEqual(4);
  });
});

describe("serializers", () => {
  const js = emit(`
import { Spikard } from "spikard";
interface Line { sku: string; qty: number }
interface Order { id: string; lines: Line[]; note?: { text: string } }
type Shape = { at: { x: string } } | { at: { y: number } };
const app = new Spikard();
app.get("/order", (): Order => ({ id: "o", lines: [] }));
app.get("/shape", (): Shape => ({ at: { y: 1 } }));
export default app;
`);
  // A serializer is one statement, `(() => { ... })();`, ending its line.
  const serializer = (n: number): string => js.match(new RegExp(`const __spikard_stringify_${n} = [\\s\\S]*?\\}\\)\\(\\);\\n`))![0];

  it("carry no type-test functions when no union needs telling apart", () => {
    expect(serializer(1)).toContain("_so0");
    expect(serializer(1)).not.toMatch(/_i[ouat]\d/);
  });

  it("keep the type tests a union of objects is told apart by", () => {
    expect(serializer(2)).toMatch(/const _io\d+ = /);
  });
});
