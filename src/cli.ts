#!/usr/bin/env node
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { generateProto } from "./cli/generate-proto";

/**
 * `spikard openapi <compiled app module> [--out openapi.json|openapi.yaml]`
 *
 * Writes the app's OpenAPI document without opening a socket: the module runs
 * in a child process with SPIKARD_OPENAPI_OUT set, so its `app.run()` /
 * `app.serve()` writes the document and exits instead of listening.
 */
function main(argv: string[]): number | Promise<number> {
  const [command, modulePath, ...rest] = argv;
  if (command === "generate" && modulePath === "proto") return generateProto(rest);
  // Loaded only for this command: it brings the TypeScript compiler and typia's programmers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  if (command === "gen") return (require("../transformer/gen/command") as typeof import("../transformer/gen/command")).genCommand(argv.slice(1));
  if (command !== "openapi" || modulePath === undefined) {
    console.error("usage: spikard openapi <compiled-app.js> [--out openapi.json|openapi.yaml]\n       spikard gen [--project tsconfig.json] [--out <folder>] [--check | --watch]\n       spikard generate proto ...");
    return 2;
  }
  const outIndex = rest.indexOf("--out");
  const out = path.resolve(outIndex === -1 ? "openapi.json" : rest[outIndex + 1] ?? "openapi.json");
  fs.rmSync(out, { force: true });
  const child = spawnSync(process.execPath, [path.resolve(modulePath)], {
    env: { ...process.env, SPIKARD_OPENAPI_OUT: out },
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 60_000,
  });
  if (!fs.existsSync(out)) {
    console.error(`spikard: ${modulePath} did not call app.serve()/app.run(), or failed (exit ${child.status}); no document written.`);
    return 1;
  }
  console.log(`spikard: wrote ${path.relative(process.cwd(), out)}`);
  return 0;
}

void Promise.resolve(main(process.argv.slice(2))).then((code) => process.exit(code));
