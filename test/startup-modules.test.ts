import { execFileSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "..");

/** The package modules a fresh process has loaded after building an app's pipeline with `config`. */
function loadedAfterStart(config: string): string[] {
  const script = `
    const { Spikard } = require(${JSON.stringify(path.join(ROOT, "dist", "src", "index.js"))});
    const app = new Spikard(${config});
    app.pipeline();
    const root = ${JSON.stringify(ROOT + path.sep)};
    console.log(JSON.stringify(Object.keys(require.cache).map((k) => k.startsWith(root) ? k.slice(root.length) : k)));
  `;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as string[];
}

describe("start-up loads only what the app uses", () => {
  it("an app without middleware or streamed uploads loads neither the middleware modules nor busboy", () => {
    const loaded = loadedAfterStart("{}");
    expect(loaded.filter((m) => /dist\/src\/middleware\/(?!types)|busboy|streamsearch|multipart\/collector/.test(m))).toEqual([]);
  });

  it("a configured middleware is loaded, and only that one", () => {
    const loaded = loadedAfterStart(`{ cors: { allowedOrigins: ["https://example.com"] } }`);
    expect(loaded.filter((m) => /dist\/src\/middleware\/(?!types)/.test(m)).map((m) => m.split("/").slice(-2).join("/"))).toEqual(["cors/index.js"]);
  });
});
