import { generateFromOpenApi, OPENAPI_LAYOUT } from "../codegen/openapi/generate";
import { loadSpec } from "../codegen/openapi/load";
import { generateInto } from "./generate-into";

export const USAGE = "spikard generate openapi SPEC.yaml|json --output DIR [--check] [--prune]";

/**
 * `spikard generate openapi`: DIR/types.ts, DIR/routes/<tag>.ts, DIR/app.ts
 * and DIR/*.test.ts from the spec. `--check` writes nothing and fails when
 * DIR is not what this run would write; `--prune` drops edited handlers
 * whose operations are gone from the spec.
 */
export function generateOpenApi(argv: string[]): number {
  return generateInto(argv, USAGE, OPENAPI_LAYOUT, (spec, existing, flags) => generateFromOpenApi(loadSpec(spec), existing, { prune: flags.has("prune") }));
}
