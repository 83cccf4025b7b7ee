import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

/**
 * One temporary folder per test run, shared by every test file (each runs in
 * its own worker): big downloads such as TypeScript 7 are installed there once
 * per run (test/support/compilers.ts) and removed with it afterwards.
 */
export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "spikard-test-run-"));
  project.provide("runDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    runDir: string;
  }
}
