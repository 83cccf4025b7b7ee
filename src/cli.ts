#!/usr/bin/env node
import { asyncapiCommand } from "./cli/asyncapi";
import { exportDocument } from "./cli/export-document";
import { generateProto } from "./cli/generate-proto";

/**
 * `spikard openapi <compiled app module> [--out openapi.json|openapi.yaml]`
 * `spikard asyncapi <compiled app module> [--out asyncapi.json|asyncapi.yaml]`
 * `spikard generate proto ...` (see cli/generate-proto.ts)
 *
 * Writes the app's document without opening a socket (see cli/export-document.ts).
 */
function main(argv: string[]): number {
  const [command, ...rest] = argv;
  if (command === "generate" && rest[0] === "proto") return generateProto(rest.slice(1));
  if (command === "asyncapi") return asyncapiCommand(rest);
  if (command !== "openapi" || rest[0] === undefined) {
    console.error("usage: spikard openapi|asyncapi <compiled-app.js> [--out file.json|file.yaml]\n       spikard generate proto ...");
    return 2;
  }
  return exportDocument("openapi", "SPIKARD_OPENAPI_OUT", rest);
}

process.exit(main(process.argv.slice(2)));
