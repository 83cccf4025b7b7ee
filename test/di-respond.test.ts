import fs from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Spikard } from "spikard";
import { TestClient } from "spikard/testing";
import { compileApps } from "./support/compile-app";
import { compileWithTransformer } from "./support/transform-in-memory";

const ROOT = path.resolve(__dirname, "..");

describe('transformer option dependencyErrors: "respond"', () => {
  const respond = (name: string) => compileWithTransformer(path.join(ROOT, "test-error", name), undefined, { dependencyErrors: "respond" });

  it.each([
    ["dependency-cycle.ts", "SPK012", "Dependency cycle: Clock -> Scheduler -> Clock"],
    ["missing-provider.ts", "SPK011", "No provider for Mailer"],
  ])("prints %s as a warning, not a diagnostic (tsc exits non-zero on any), and still compiles its routes", (file, code, text) => {
    const { js, diagnostics, warnings } = respond(file);
    expect(diagnostics).toEqual([]);
    // A cycle is reported at each provide() on it, as the error would be.
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    for (const w of warnings) {
      expect(w).toMatch(new RegExp(`test-error/${file.replace(".", "\\.")}\\(\\d+,\\d+\\): warning \\[spikard ${code}\\]`));
      expect(w).toContain('dependencyErrors: "respond"');
    }
    expect(warnings[0]).toContain(`[spikard ${code}] ${text}`);
    expect(js).toContain('dependencyErrors: "respond"');
  });

  it("is an error by default", () => {
    const { diagnostics, warnings } = compileWithTransformer(path.join(ROOT, "test-error", "missing-provider.ts"));
    expect(warnings).toEqual([]);
    expect(diagnostics.join("\n")).toContain("[spikard SPK011]");
  });

  it("rejects a value it does not know", () => {
    const { diagnostics } = compileWithTransformer(path.join(ROOT, "test-error", "missing-provider.ts"), undefined, { dependencyErrors: "ignore" as never });
    expect(diagnostics.join("\n")).toContain('dependencyErrors must be "fail" or "respond", not "ignore"');
  });
});

describe("routes with unresolvable dependencies in a respond build (tspc, as a user builds)", () => {
  const compiled = compileApps(["test/apps/di-respond.ts"], { dependencyErrors: "respond" });
  afterAll(() => fs.rmSync(compiled.dir, { recursive: true, force: true }));
  const warnings: string[] = [];
  const logger = { error: () => {}, info: () => {}, warn: (m: unknown) => warnings.push(String(m)) };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { buildRespondApp } = require(path.join(compiled.out, "di-respond.js")) as { buildRespondApp: (l: typeof logger) => Spikard };
  const client = new TestClient(buildRespondApp(logger));

  it("answers a cycle with Spikard's dependency-error problem, naming the cycle", async () => {
    const res = await client.get("/circular");
    expect(res.statusCode).toBe(500);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.json()).toEqual({
      type: "https://spikard.dev/errors/dependency-error",
      title: "Dependency Resolution Failed",
      status: 500,
      detail: "Circular dependency detected",
      errors: [{ type: "circular_dependency", msg: "Circular dependency detected in dependency graph", cycle: ["service_a", "service_b", "service_a"] }],
    });
  });

  it("answers a missing provider with the key that is not registered", async () => {
    const res = await client.get("/missing");
    expect(res.statusCode).toBe(500);
    expect(res.json()).toEqual({
      type: "https://spikard.dev/errors/dependency-error",
      title: "Dependency Resolution Failed",
      status: 500,
      detail: "Required dependency not found",
      errors: [{ type: "missing_dependency", msg: "Dependency 'mailer' is not registered", dependency_key: "mailer" }],
    });
  });

  it("serves the routes whose dependencies resolve", async () => {
    expect((await client.get("/fine")).json()).toEqual({ answer: 42 });
  });

  it("logged each broken route once, at start-up, with its chain", async () => {
    await client.get("/circular");
    await client.get("/missing");
    expect(warnings).toEqual([
      "spikard: GET /circular answers 500 dependency-error: Dependency cycle: service_a -> service_b -> service_a",
      "spikard: GET /missing answers 500 dependency-error: No provider for mailer (GET /missing -> mailer). Register it with app.provide(...).",
    ]);
  });
});
