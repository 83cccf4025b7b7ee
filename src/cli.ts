#!/usr/bin/env node
import path from "node:path";
import { CodegenError } from "./codegen/errors";
import { APP_DOCUMENTS, writeAppDocument } from "./codegen/app-document";
import { UsageError } from "./cli/args";
import { generateClientFile, USAGE as CLIENT } from "./cli/client";
import { generateAsyncApi, USAGE as GENERATE_ASYNCAPI } from "./cli/generate-asyncapi";
import { generateFixtures, USAGE as GENERATE_FIXTURES } from "./cli/generate-fixtures";
import { generateOpenApi, USAGE as GENERATE_OPENAPI } from "./cli/generate-openapi";
import { generateProto, USAGE as GENERATE_PROTO } from "./cli/generate-proto";
import { initProject, USAGE as INIT } from "./cli/init";
import { USAGE as GEN } from "../transformer/gen/usage";

type Command = { run(argv: string[]): number | Promise<number>; usage: string };

/** Subcommands; `generate` ones are keyed `generate <target>`. */
const COMMANDS: Record<string, Command> = {
  openapi: { run: exportDocument("openapi"), usage: "spikard openapi <compiled-app.js> [--out openapi.json|openapi.yaml]" },
  asyncapi: { run: exportDocument("asyncapi"), usage: "spikard asyncapi <compiled-app.js> [--out asyncapi.json|asyncapi.yaml]" },
  "generate openapi": { run: generateOpenApi, usage: GENERATE_OPENAPI },
  "generate asyncapi": { run: generateAsyncApi, usage: GENERATE_ASYNCAPI },
  "generate fixtures": { run: generateFixtures, usage: GENERATE_FIXTURES },
  "generate proto": { run: generateProto, usage: GENERATE_PROTO },
  client: { run: generateClientFile, usage: CLIENT },
  init: { run: initProject, usage: INIT },
  // Loaded only for this command: it brings the TypeScript compiler and typia's programmers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  gen: { run: (argv) => (require("../transformer/gen/command") as typeof import("../transformer/gen/command")).genCommand(argv), usage: GEN },
};

/**
 * `spikard openapi|asyncapi <compiled app module> [--out file.json|file.yaml]`
 * writes the app's OpenAPI or AsyncAPI document without opening a socket.
 */
function exportDocument(kind: keyof typeof APP_DOCUMENTS): (argv: string[]) => number {
  return (argv) => {
    const [modulePath, ...rest] = argv;
    if (modulePath === undefined) throw new UsageError(COMMANDS[kind]!.usage);
    const outIndex = rest.indexOf("--out");
    const out = path.resolve(outIndex === -1 ? `${kind}.json` : (rest[outIndex + 1] ?? `${kind}.json`));
    writeAppDocument(modulePath, out, kind);
    console.log(`spikard: wrote ${path.relative(process.cwd(), out)}`);
    return 0;
  };
}

async function main(argv: string[]): Promise<number> {
  const key = argv[0] === "generate" ? `generate ${argv[1] ?? ""}` : (argv[0] ?? "");
  const command = COMMANDS[key];
  if (command === undefined) {
    console.error(`usage:\n${Object.values(COMMANDS).map((c) => `  ${c.usage}`).join("\n")}`);
    return 2;
  }
  try {
    return await command.run(argv.slice(key.split(" ").length));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`usage: ${err.message}`);
      return 2;
    }
    // Problems with the input are the user's to fix: say what and where, without a stack trace.
    console.error(`spikard: ${err instanceof CodegenError ? `[${err.code}] ` : ""}${err instanceof Error ? err.message : String(err)}`);
    if (!(err instanceof CodegenError) && process.env.SPIKARD_DEBUG) console.error(err);
    return 1;
  }
}

void main(process.argv.slice(2)).then((code) => process.exit(code));
