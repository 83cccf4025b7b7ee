import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadFixtures } from "../src/codegen/fixtures/fixtures";
import { cli, tempProject, tspc, vitest } from "./support/generated-project";

const ROOT = path.resolve(__dirname, "..");
const DATA = path.join(ROOT, "testing_data");

describe("spikard generate fixtures", () => {
  let project: string;
  let out: string;
  let generated: ReturnType<typeof cli>;

  beforeAll(() => {
    // The DI fixtures pin Spikard's per-request answer to an unresolvable dependency.
    project = tempProject("spikard-fixtures-", { dependencyErrors: "respond" });
    out = path.join(project, "src", "fixtures");
    generated = cli(["generate", "fixtures", DATA, "--output", out]);
  }, 120_000);

  afterAll(() => fs.rmSync(project, { recursive: true, force: true }));

  it("writes an app module and a test file per category", () => {
    expect(generated.status, generated.stderr).toBe(0);
    const categories = [...new Set(loadFixtures(DATA).map((f) => f.category))];
    for (const c of categories) {
      expect(fs.existsSync(path.join(out, "apps", `${c}.ts`))).toBe(true);
      expect(fs.existsSync(path.join(out, `${c}.test.ts`))).toBe(true);
    }
  });

  it("compiles under strict and its tests pass as generated, one per fixture", () => {
    expect(tspc(project).split("\n").filter((l) => /error TS/.test(l) && !/SPK01[12]/.test(l))).toEqual([]);
    const r = vitest(project);
    expect(r.status, r.output.slice(-3000)).toBe(0);
    expect(Number(/Tests\s+(\d+) passed/.exec(r.output)?.[1])).toBe(loadFixtures(DATA).length);
  }, 600_000);

  it("is byte-identical on a second run, and --check agrees", () => {
    const again = cli(["generate", "fixtures", DATA, "--output", out]);
    expect(again.stdout).toContain("(0 written, 0 removed)");
    expect(cli(["generate", "fixtures", DATA, "--output", out, "--check"]).status).toBe(0);
  });

  it("answers a directory without fixtures with FIXTURES_DIR", () => {
    const empty = fs.mkdtempSync(path.join(project, "empty-"));
    const r = cli(["generate", "fixtures", empty, "--output", path.join(project, "none")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("[FIXTURES_DIR]");
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});
