import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const CLI = path.join(ROOT, "dist/src/cli.js");
const PROTO = path.join(ROOT, "test/protos/user.proto");

function spikard(...args: string[]): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8", cwd: ROOT });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** Type-checks files under strict with spikard/grpc resolved to the built package. */
function typecheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node"],
    typeRoots: [path.join(ROOT, "node_modules/@types")],
    baseUrl: ROOT,
    paths: { "spikard/grpc": ["dist/src/grpc/index.d.ts"], spikard: ["dist/src/index.d.ts"] },
  });
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? path.basename(d.file.fileName) : ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}

describe("spikard generate proto", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-gen-"));

  it("writes the module, byte-identical on a second run and to the committed test/gen/user.ts", () => {
    expect(spikard("generate", "proto", PROTO, "--output", dir).status).toBe(0);
    const first = fs.readFileSync(path.join(dir, "user.ts"));
    const second = spikard("generate", "proto", PROTO, "--output", dir);
    expect(second.status).toBe(0);
    expect(second.out).toContain("unchanged");
    expect(fs.readFileSync(path.join(dir, "user.ts")).equals(first)).toBe(true);
    expect(fs.readFileSync(path.join(ROOT, "test/gen/user.ts")).equals(first)).toBe(true);
  });

  it("--check passes when current and exits 1 when stale or missing", () => {
    expect(spikard("generate", "proto", PROTO, "--output", path.join(ROOT, "test/gen"), "--check").status).toBe(0);
    fs.appendFileSync(path.join(dir, "user.ts"), "// edited\n");
    const stale = spikard("generate", "proto", PROTO, "--output", dir, "--check");
    expect(stale.status).toBe(1);
    expect(stale.out).toContain("stale");
    expect(spikard("generate", "proto", PROTO, "--output", path.join(dir, "none"), "--check").status).toBe(1);
  });

  it("the output compiles under strict, and a wrong field type in an implementation fails tsc", () => {
    spikard("generate", "proto", PROTO, "--output", dir);
    const ok = path.join(dir, "ok.ts");
    fs.writeFileSync(ok, `import { Spikard } from "spikard";
import { UserService } from "./user";
new Spikard().grpc(UserService, {
  async getUser(req) { return { id: req.id, name: "John" }; },
  async *listUsers() { yield { id: 1, name: "a" }; },
  async upload(requests) { let n = 0; for await (const r of requests) n += r.chunk.length; return { total: n }; },
  async *chat(requests) { for await (const m of requests) yield { text: m.text }; },
});
`);
    expect(typecheck([path.join(dir, "user.ts"), ok])).toEqual([]);
    const bad = path.join(dir, "bad.ts");
    fs.writeFileSync(bad, fs.readFileSync(ok, "utf8").replace(`name: "John"`, "name: 42"));
    const errors = typecheck([bad]);
    expect(errors.join("\n")).toMatch(/bad\.ts: .*(number|42).*string/s);
    const missing = path.join(dir, "missing.ts");
    fs.writeFileSync(missing, fs.readFileSync(ok, "utf8").replace(/ {2}async \*chat[^\n]*\n/, ""));
    expect(typecheck([missing]).join("\n")).toContain("chat");
  }, 120_000);

  it("reports an unreadable or invalid .proto and bad arguments", () => {
    expect(spikard("generate", "proto", path.join(dir, "nope.proto"), "--output", dir).status).toBe(1);
    const broken = path.join(dir, "broken.proto");
    fs.writeFileSync(broken, "syntax = \"proto3\"; message { }");
    const r = spikard("generate", "proto", broken, "--output", dir);
    expect(r.status).toBe(1);
    expect(r.out).toContain("broken.proto");
    expect(spikard("generate", "proto", PROTO).status).toBe(2);
  });
});
