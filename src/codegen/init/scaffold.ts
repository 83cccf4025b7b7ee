import type { GeneratedFile } from "../output";

export interface ScaffoldOptions {
  /** npm package name of the new project. */
  name: string;
  /** How package.json depends on spikard (a version range, or a file:/tarball spec). */
  spikard: string;
  /** Versions of the toolchain, pinned as this spikard was built and tested with. */
  versions: { typescript: string; "ts-patch": string; typia: string; "@types/node": string; vitest: string };
}

/**
 * `spikard init`: a project whose `npm install && npm test` passes — the
 * pinned toolchain, a strict tsconfig with the transformer, an app, a test
 * that goes through the transformer under Vitest, and a README.
 */
export function scaffoldProject(o: ScaffoldOptions): GeneratedFile[] {
  const pkg = {
    name: o.name,
    version: "0.1.0",
    private: true,
    description: "A Spikard app: the handler types are the schema.",
    main: "dist/app.js",
    scripts: {
      build: "tspc",
      start: "tspc && node dist/app.js",
      test: "vitest run",
      openapi: "tspc && spikard openapi dist/app.js --out openapi.json",
      client: "tspc && spikard client dist/app.js --out client/client.ts",
    },
    engines: { node: ">=20" },
    dependencies: { spikard: o.spikard, typia: o.versions.typia },
    devDependencies: {
      "@types/node": o.versions["@types/node"],
      "ts-patch": o.versions["ts-patch"],
      typescript: o.versions.typescript,
      vitest: o.versions.vitest,
    },
  };
  const tsconfig = {
    compilerOptions: {
      target: "ES2022",
      module: "node16",
      moduleResolution: "node16",
      strict: true,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ["node"],
      outDir: "dist",
      rootDir: "src",
      plugins: [{ transform: "spikard/transformer" }],
    },
    include: ["src"],
    exclude: ["src/**/*.test.ts"],
  };
  return [
    { path: "package.json", content: `${JSON.stringify(pkg, null, 2)}\n` },
    { path: "tsconfig.json", content: `${JSON.stringify(tsconfig, null, 2)}\n` },
    { path: "vitest.config.ts", content: VITEST_CONFIG },
    { path: ".gitignore", content: "node_modules/\ndist/\n" },
    { path: "src/app.ts", content: APP },
    { path: "src/app.test.ts", content: APP_TEST },
    { path: "README.md", content: readme(o.name) },
  ];
}

const VITEST_CONFIG = `import spikard from "spikard/vite";
import { defineConfig } from "vitest/config";

// The plugin runs the Spikard transformer on test imports, so tests need no separate build.
export default defineConfig({
  plugins: [spikard()],
  test: { include: ["src/**/*.test.ts"] },
});
`;

const APP = `import { HttpError, Spikard, type Body, type Int, type Path, type Query } from "spikard";
import type { tags } from "typia";

/** A to-do item. */
export interface Todo {
  id: number;
  /** What to do. */
  title: string & tags.MinLength<1> & tags.MaxLength<200>;
  done: boolean;
}

export interface NewTodo {
  title: string & tags.MinLength<1> & tags.MaxLength<200>;
}

const todos = new Map<number, Todo>();

export const app = new Spikard({ openapi: { title: "Todos", version: "0.1.0" } });

/** List to-dos. */
app.get("/todos", (limit: Query<Int & tags.Minimum<1> & tags.Maximum<100>> = 20): Todo[] => [...todos.values()].slice(0, limit));

/** Create a to-do. */
app.post("/todos", (todo: Body<NewTodo>): Todo => {
  const created = { id: todos.size + 1, title: todo.title, done: false };
  todos.set(created.id, created);
  return created;
}, { statusCode: 201 });

/** Get one to-do. */
app.get("/todos/{id}", (id: Path<Int>): Todo => {
  const todo = todos.get(id);
  if (todo === undefined) throw new HttpError(404, \`No to-do \${id}\`);
  return todo;
});

if (require.main === module) app.run();
`;

const APP_TEST = `import { describe, expect, it } from "vitest";
import { TestClient } from "spikard/testing";
import { app } from "./app";

const client = new TestClient(app);

describe("todos", () => {
  it("creates and reads a to-do", async () => {
    const created = await client.post("/todos", { json: { title: "Write tests" } });
    expect(created.statusCode).toBe(201);
    const { id } = created.json<{ id: number }>();
    expect((await client.get(\`/todos/\${id}\`)).json()).toEqual({ id, title: "Write tests", done: false });
  });

  it("answers 422 for a body its type rejects", async () => {
    const res = await client.post("/todos", { json: { title: "" } });
    expect(res.statusCode).toBe(422);
    expect(res.json().errors[0].loc).toEqual(["body", "title"]);
  });

  it("answers 422 for a query parameter out of range", async () => {
    const res = await client.get("/todos", { query: { limit: 0 } });
    expect(res.statusCode).toBe(422);
  });
});
`;

function readme(name: string): string {
  return `# ${name}

A [Spikard](https://github.com/Goldziher/spikard) app for TypeScript: the handler
types are the schema. The transformer (the \`plugins\` entry in tsconfig.json)
reads them at build time and emits the validators, serializers and OpenAPI
document.

\`\`\`bash
npm install
npm test        # vitest, through the transformer (spikard/vite)
npm start       # build with tspc and serve on $PORT (default 8000)
npm run openapi # write openapi.json
npm run client  # write a typed fetch client for the routes to client/client.ts
\`\`\`

The app is in \`src/app.ts\`; \`GET /docs\` serves its documentation.
`;
}
