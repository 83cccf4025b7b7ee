import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { LiveTestClient, TestClient } from "spikard/testing";
import { app } from "../examples/api";
import { chromiumMissing, launchChromium } from "./support/chromium";

const ROOT = path.resolve(__dirname, "..");
const client = new TestClient(app);

describe("OpenAPI document of the example app", () => {
  it("validates with zero errors in swagger-parser", async () => {
    const doc = (await client.get("/openapi.json")).assertStatusOk().json();
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it("documents parameters, bodies, responses and JSDoc from the handler types", async () => {
    const doc = (await client.get("/openapi.json")).json();
    const getUser = doc.paths["/users/{id}"].get;
    expect(getUser.summary).toBe("Get a user.");
    expect(getUser.tags).toEqual(["users"]);
    expect(getUser.parameters).toEqual([{ name: "id", in: "path", required: true, schema: { type: "integer" } }]);
    expect(getUser.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/User" });
    expect(getUser.responses["422"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/ValidationProblem" });

    const search = doc.paths["/search"].get;
    expect(search.parameters).toEqual([
      { name: "q", in: "query", required: true, schema: { type: "string" }, description: "Free-text query." },
      { name: "limit", in: "query", required: false, schema: { type: "integer", default: 10 }, description: "Maximum number of results." },
    ]);
    expect(doc.paths["/info"].get.parameters[0]).toMatchObject({ name: "x-token", in: "header", required: true });
    expect(doc.paths["/profile"].get.parameters[0]).toMatchObject({ name: "session_id", in: "cookie" });

    const pay = doc.paths["/payments"].post;
    expect(pay.summary).toBe("Record a payment.");
    expect(Object.keys(pay.requestBody.content)).toEqual(["application/json", "application/x-www-form-urlencoded", "multipart/form-data"]);
    expect(doc.components.schemas.Payment).toEqual({
      type: "object",
      description: "A payment to record.",
      properties: {
        id: { type: "string", minLength: 3, description: "Client-chosen identifier." },
        amount: { type: "number", minimum: 0, description: "Amount in cents." },
      },
      required: ["id", "amount"],
    });
    expect(doc.info).toMatchObject({ title: "Spikard example API", version: "1.0.0", license: { name: "MIT" } });
    expect(doc.servers).toEqual([{ url: "http://localhost:8000", description: "Development" }]);
    // The document and docs routes are served, not documented.
    expect(doc.paths["/openapi.json"]).toBeUndefined();
  });

  it("serves the same document as YAML", async () => {
    const res = (await client.get("/openapi.yaml")).assertStatusOk();
    expect(res.headers["content-type"]).toBe("application/yaml");
    expect(res.text()).toContain("openapi: 3.1.0");
    expect(res.text()).toContain("/users/{id}:");
  });

  it("round-trips through openapi-typescript: a client typed from the document matches the handler types", async () => {
    const doc = (await client.get("/openapi.json")).json();
    const generated = astToString(await openapiTS(doc));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-openapi-"));
    fs.writeFileSync(path.join(dir, "api.d.ts"), generated);
    fs.writeFileSync(
      path.join(dir, "client.ts"),
      `import type { paths, components } from "./api";
type User = { id: number; name: string };
type Payment = { id: string; amount: number };
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const userMatches: Exact<paths["/users/{id}"]["get"]["responses"][200]["content"]["application/json"], User> = true;
const paymentMatches: Exact<components["schemas"]["Payment"], Payment> = true;
const bodyMatches: Exact<NonNullable<paths["/payments"]["post"]["requestBody"]>["content"]["application/json"], Payment> = true;
type SearchQuery = NonNullable<paths["/search"]["get"]["parameters"]["query"]>;
const query: SearchQuery = { q: "x", limit: 3 };
// @ts-expect-error q is required
const missing: SearchQuery = { limit: 3 };
export { userMatches, paymentMatches, bodyMatches, query, missing };
`,
    );
    const program = ts.createProgram([path.join(dir, "client.ts")], { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022 });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    expect(diagnostics).toEqual([]);
  });

  it("is generated deterministically: two builds give byte-identical documents", () => {
    const outputs = [0, 1].map((i) => {
      // Inside the package, so the output resolves typia and spikard like a user's build does.
      fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
      const dir = fs.mkdtempSync(path.join(ROOT, "test-results", `build-${i}-`));
      execFileSync(process.execPath, [path.join(ROOT, "node_modules/ts-patch/bin/tspc.js"), "-p", path.join(ROOT, "examples/tsconfig.json"), "--outDir", dir], { cwd: ROOT, stdio: "pipe" });
      const out = path.join(dir, "openapi.json");
      const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli.js"), "openapi", path.join(dir, "app.js"), "--out", out], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      return fs.readFileSync(out);
    });
    expect(outputs[0]!.length).toBeGreaterThan(1000);
    expect(outputs[0]!.equals(outputs[1]!)).toBe(true);
  });

  it("names the port the example app serves as its server", () => {
    const dir = fs.mkdtempSync(path.join(ROOT, "test-results", "port-"));
    execFileSync(process.execPath, [path.join(ROOT, "node_modules/ts-patch/bin/tspc.js"), "-p", path.join(ROOT, "examples/tsconfig.json"), "--outDir", dir], { cwd: ROOT, stdio: "pipe" });
    const out = path.join(dir, "openapi.json");
    const r = spawnSync(process.execPath, [path.join(ROOT, "dist/src/cli.js"), "openapi", path.join(dir, "app.js"), "--out", out], { cwd: ROOT, encoding: "utf8", env: { ...process.env, SPIKARD_PORT: "", PORT: "9123" } });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(fs.readFileSync(out, "utf8")).servers).toEqual([{ url: "http://localhost:9123", description: "Development" }]);
  });
});

describe("interactive docs", () => {
  const live = new LiveTestClient(app);
  afterAll(() => live.close());

  it("serves Swagger UI with its assets from the package, not a CDN", async () => {
    const page = (await live.get("/docs")).assertStatusOk();
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.text()).not.toMatch(/https?:\/\//);
    for (const asset of ["/docs/swagger-ui.css", "/docs/swagger-ui-bundle.js", "/docs/swagger-ui-standalone-preset.js"]) {
      const res = (await live.get(asset)).assertStatusOk();
      expect(res.bytes().length).toBeGreaterThan(1000);
    }
  });

  it.skipIf(chromiumMissing)("lists the operations in headless Chromium (screenshot in test-results/)", async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${await live.url}/docs`);
      await page.waitForSelector(".opblock-summary-path", { timeout: 30_000 });
      const listed = await page.$$eval(".opblock-summary-path", (els) => els.map((e) => e.getAttribute("data-path") ?? e.textContent ?? ""));
      expect(listed).toEqual(expect.arrayContaining(["/users/{id}", "/search", "/payments"]));
      fs.mkdirSync(path.join(ROOT, "test-results"), { recursive: true });
      await page.screenshot({ path: path.join(ROOT, "test-results", "openapi-docs.png"), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
