import { createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveTestClient } from "spikard/testing";
import { loadSpec } from "../src/codegen/openapi/load";
import { compareDocuments } from "./support/openapi-equivalence";
import { cli, tempProject, tspc, vitest } from "./support/generated-project";

const ROOT = path.resolve(__dirname, "..");
const SHARED = path.resolve(ROOT, "..", "shared", "conformance", "spikard");
const sharedDir = fs.existsSync(SHARED) ? SHARED : path.resolve("/work/shared/conformance/spikard");

/** Every OpenAPI spec of Spikard's suite, and the OpenAPI Initiative's examples in testing_data. */
const SPECS = [
  ...fs.readdirSync(path.join(sharedDir, "schemas")).filter((f) => /\.openapi\.(ya?ml|json)$/.test(f)).map((f) => path.join(sharedDir, "schemas", f)),
  ...fs.readdirSync(path.join(sharedDir, "openapi_schemas")).map((f) => path.join(sharedDir, "openapi_schemas", f)),
  ...fs.readdirSync(path.join(ROOT, "testing_data", "openapi_schemas")).map((f) => path.join(ROOT, "testing_data", "openapi_schemas", f)),
].sort();
const nameOf = (spec: string): string => path.basename(spec).replace(/\..*$/, "");

const SECRET = "round-trip-secret";
const KEY = "round-trip-key";

function bearer(): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = `${part({ alg: "HS256", typ: "JWT" })}.${part({ sub: "t", exp: Math.floor(Date.now() / 1000) + 600 })}`;
  return `Bearer ${unsigned}.${createHmac("sha256", SECRET).update(unsigned).digest("base64url")}`;
}

describe("spikard generate openapi, for every spec of the suite", () => {
  let project: string;
  let build: string;
  const generated = new Map<string, ReturnType<typeof cli>>();

  beforeAll(() => {
    project = tempProject("spikard-codegen-");
    for (const spec of SPECS) generated.set(spec, cli(["generate", "openapi", spec, "--output", path.join(project, "src", nameOf(spec))]));
    build = tspc(project);
  }, 600_000);

  afterAll(() => {
    fs.rmSync(project, { recursive: true, force: true });
  });

  it.each(SPECS.map((s) => [nameOf(s), s]))("%s: generates without problems", (_name, spec) => {
    const r = generated.get(spec)!;
    expect(r.stderr.split("\n").filter((l) => l !== "" && !l.startsWith("note: ")), r.stderr).toEqual([]);
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(project, "src", nameOf(spec), "app.ts"))).toBe(true);
  });

  it("compiles under strict through the transformer", () => {
    expect(build).toBe("");
  });

  it("passes its generated tests as generated", () => {
    const r = vitest(project);
    expect(r.status, r.output.slice(-4000)).toBe(0);
    const count = Number(/Tests\s+(\d+) passed/.exec(r.output)?.[1] ?? 0);
    expect(count).toBeGreaterThan(SPECS.length * 3);
    expect(r.output).not.toMatch(/\bskipped\b/);
  }, 600_000);

  describe.each(SPECS.map((s) => [nameOf(s), s]))("%s round trip", (name, spec) => {
    let served: Record<string, unknown>;

    beforeAll(async () => {
      const app = await LiveTestClient.fromModule(path.join(project, "dist", name, "app.js"), { env: { JWT_SECRET: SECRET, API_KEYS: KEY } });
      try {
        const res = await app.get("/openapi.json", { headers: { authorization: bearer(), "x-api-key": KEY, "api-key": KEY } });
        expect(res.statusCode, res.text()).toBe(200);
        served = res.json();
      } finally {
        await app.close();
      }
    }, 60_000);

    it("serves its own document: paths, methods, parameters, bodies and response schemas equal the spec's", () => {
      const { differences } = compareDocuments(loadSpec(spec).doc, served);
      const unexplained = differences.filter((d) => d.known === undefined);
      expect(unexplained).toEqual([]);
      fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
      fs.writeFileSync(path.join(ROOT, "test-results", `round-trip-${name}.json`), JSON.stringify(differences, null, 2));
    });

    it("serves the spec's info and servers", () => {
      const doc = loadSpec(spec).doc as { info: Record<string, unknown>; servers?: Array<{ url: string }> };
      expect(served.info).toMatchObject({ title: doc.info.title, version: doc.info.version });
      expect(((served.servers ?? []) as Array<{ url: string }>).map((s) => s.url)).toEqual((doc.servers ?? []).map((s) => s.url));
    });
  });
});
