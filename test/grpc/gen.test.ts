import * as grpc from "@grpc/grpc-js";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, emptyProject, generate } from "../support/build-routes";
import { collect, grpcClient, unary } from "../support/grpc-client";

/**
 * A gRPC service whose methods and hooks take injected parameters, built with
 * `spikard gen` and esbuild (no transformer in the compiler): the runtime finds
 * each method's dependencies in the generated folder by the implementation's
 * method and parameter names, and calls over grpc-js get them injected.
 */
const APP = path.join(ROOT, "test", "apps", "grpc-gen");
const root = protobuf.loadSync(path.join(ROOT, "test", "protos", "user.proto"));
const dirs: string[] = [];

function project(): string {
  const dir = emptyProject();
  dirs.push(dir);
  fs.mkdirSync(path.join(dir, "src", "gen"));
  fs.copyFileSync(path.join(ROOT, "test", "gen", "user.ts"), path.join(dir, "src", "gen", "user.ts"));
  for (const f of ["app.ts", "main-generated.ts"]) fs.copyFileSync(path.join(APP, f), path.join(dir, "src", f));
  return dir;
}

function bundle(dir: string, entry: string): string {
  const out = path.join(dir, "dist", `${path.basename(entry, ".ts")}.js`);
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "esbuild"), [`src/${entry}`, "--bundle", "--platform=node", "--format=cjs", "--target=node20", "--packages=external", `--outfile=${out}`, "--log-level=warning"], { cwd: dir, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`esbuild failed: ${r.stdout}${r.stderr}`);
  return out;
}

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe("a gRPC service built with spikard gen + esbuild", () => {
  let server: { grpcPort?: number; close(): Promise<void> };
  let client: grpc.Client & Record<string, any>;
  let dir: string;
  beforeAll(async () => {
    dir = project();
    generate(dir);
    const { app } = createRequire(__filename)(bundle(dir, "main-generated.ts")) as { app: { serve(o: object): Promise<typeof server> } };
    server = await app.serve({ host: "127.0.0.1", port: 0, grpcPort: 0 });
    client = grpcClient(root, "example.v1.UserService", server.grpcPort!);
  }, 300_000);
  afterAll(async () => {
    client?.close();
    await server?.close();
  });

  it("writes the service's metadata into the generated module", () => {
    const generated = fs.readFileSync(path.join(dir, "src", "spikard.gen", "app.ts"), "utf8");
    expect(generated).toContain("grpc(getUser(req,ctx,repo,tenant);listUsers(req,ctx,repo))");
  });

  it("injects each method's dependencies, and the hooks' (app and service), over grpc-js", async () => {
    const md = new grpc.Metadata();
    md.set("x-tenant", "acme");
    const { response, status } = await unary<{ id: number; name: string }>(client, "getUser", { id: 1 }, md);
    expect(response.name).toBe("Ada of acme (1 known)");
    expect(status.metadata.get("x-known")).toEqual(["1"]);
    const md2 = new grpc.Metadata();
    md2.set("x-tenant", "t");
    const { messages, status: listed } = await collect<{ name: string }>(client.listUsers({ count: 2 }, md2));
    expect(listed.code).toBe(grpc.status.OK);
    expect(messages.map((u) => u.name)).toEqual(["Ada", "user 2"]);
  });

  it("answers INVALID_ARGUMENT when a dependency's metadata is missing", async () => {
    await expect(unary(client, "getUser", { id: 1 })).rejects.toMatchObject({ code: grpc.status.INVALID_ARGUMENT });
  });

  it("refuses to register a service whose methods take dependencies when nothing was generated for it (NOT_TRANSFORMED)", () => {
    fs.writeFileSync(
      path.join(dir, "src", "bare.ts"),
      `import { Provide, Spikard, type Inject } from "spikard";
import { UserService } from "./gen/user";
const app = new Spikard();
app.provide("greeting", Provide.value("hi"));
app.grpc(UserService, {
  getUser: (req, ctx, greeting: Inject<string, "greeting">) => ({ id: req.id, name: greeting }),
  async *listUsers() {},
  upload: async () => ({ total: "0" }),
  async *chat() {},
});
`,
    );
    // Bundled alone, in a process of its own: the metadata this process loaded is global (one registry per process).
    const r = spawnSync(process.execPath, [bundle(dir, "bare.ts")], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/app\.grpc\(example\.v1\.UserService, \.\.\.\) was registered without compile-time metadata/);
  });
});
