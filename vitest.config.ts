import path from "node:path";
import { defineConfig } from "vitest/config";
import spikard from "./dist/vite/index.js";

const dist = (p: string): string => path.resolve(__dirname, "dist", p);

// Tests import the built package (as users do); `npm test` builds first.
export default defineConfig({
  plugins: [spikard()],
  resolve: {
    alias: [
      { find: /^spikard$/, replacement: dist("src/index.js") },
      { find: /^spikard\/testing$/, replacement: dist("src/testing/index.js") },
      { find: /^spikard\/runtime$/, replacement: dist("src/runtime/index.js") },
      { find: /^spikard\/runtime\/typia\/(.*)$/, replacement: dist("src/runtime/typia/$1.js") },
      { find: /^spikard\/middleware$/, replacement: dist("src/middleware/index.js") },
      { find: /^spikard\/rate-limit$/, replacement: dist("src/middleware/rate-limit/index.js") },
      { find: /^spikard\/fixtures$/, replacement: dist("src/codegen/fixtures/index.js") },
      { find: /^spikard\/grpc$/, replacement: dist("src/grpc/index.js") },
      { find: /^spikard\/websocket$/, replacement: dist("src/websocket/index.js") },
    ],
  },
  test: {
    globalSetup: ["test/support/global-setup.ts"],
    include: ["test/**/*.test.ts", "src/**/*.test.ts", "transformer/**/*.test.ts", "conformance/**/*.test.ts", "benchmarks/lib/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    server: { deps: { external: [/\/dist\//] } },
  },
});
