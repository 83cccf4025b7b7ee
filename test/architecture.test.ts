import path from "node:path";
import { describe, expect, it } from "vitest";
import { cycles, folderGraph, importGraph } from "./support/import-graph";

const SRC = path.resolve(__dirname, "..", "src");
const graph = importGraph(SRC);

describe("src/ layering", () => {
  it("has no import cycle between modules", () => {
    expect(cycles(graph)).toEqual([]);
  });

  it("has no import cycle between folders", () => {
    expect(cycles(folderGraph(graph))).toEqual([]);
  });

  it("imports uWebSockets.js only in adapter/uws", () => {
    const fs = require("node:fs") as typeof import("node:fs");
    const offenders = [...graph.keys()].filter((m) => !m.startsWith(path.join("adapter", "uws")) && /["']uWebSockets\.js["']/.test(fs.readFileSync(path.join(SRC, m), "utf8")));
    expect(offenders).toEqual([]);
  });

  it("imports no adapter from the core (app.ts picks one from config, lazily)", () => {
    const core = [...graph.entries()].filter(([m]) => !m.startsWith("adapter") && !m.startsWith("testing"));
    const direct = core.filter(([, deps]) => [...deps].some((d) => d.startsWith(path.join("adapter", "uws")) || d.startsWith(path.join("adapter", "memory"))));
    expect(direct.map(([m]) => m)).toEqual([]);
  });
});
