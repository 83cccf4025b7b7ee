import { ASYNCAPI_LAYOUT, generateFromAsyncApi } from "../codegen/asyncapi/generate";
import { loadAsyncApi } from "../codegen/asyncapi/load";
import { generateInto } from "./generate-into";

export const USAGE = "spikard generate asyncapi SPEC.yaml|json --output DIR [--check] [--prune]";

/**
 * `spikard generate asyncapi`: DIR/types.ts, DIR/routes/<group>.ts (a
 * WebSocket or SSE route per channel), DIR/app.ts and DIR/*.test.ts from an
 * AsyncAPI 3.0 document; `--check` and `--prune` as for generate openapi.
 */
export function generateAsyncApi(argv: string[]): number {
  return generateInto(argv, USAGE, ASYNCAPI_LAYOUT, (spec, existing, flags) => generateFromAsyncApi(loadAsyncApi(spec), existing, { prune: flags.has("prune") }));
}
