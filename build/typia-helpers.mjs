// Writes dist/src/runtime/typia/<helper>.{js,d.ts}: one re-export per run-time helper of the pinned
// typia (typia/lib/internal/_x), which generated code imports as `spikard/runtime/typia/_x`
// (transformer/file-context.ts says why). Listed from typia's own folder, so the set always matches it.
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(path.join(root, "package.json"));
const internal = path.join(path.dirname(require.resolve("typia/package.json")), "lib", "internal");
const out = path.join(root, "dist", "src", "runtime", "typia");

fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(out, { recursive: true });
const helpers = fs.readdirSync(internal).filter((f) => f.endsWith(".js")).map((f) => f.slice(0, -3));
for (const name of helpers) {
  const from = `typia/lib/internal/${name}`;
  fs.writeFileSync(path.join(out, `${name}.js`), `"use strict";\nmodule.exports = require(${JSON.stringify(from)});\n`);
  fs.writeFileSync(path.join(out, `${name}.d.ts`), `export * from ${JSON.stringify(from)};\n`);
}
console.log(`build/typia-helpers: ${helpers.length} helpers in ${path.relative(root, out)}`);
