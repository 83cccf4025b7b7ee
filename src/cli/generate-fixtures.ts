import { FIXTURES_LAYOUT, generateFromFixtures } from "../codegen/fixtures/generate-project";
import { generateInto } from "./generate-into";

export const USAGE = "spikard generate fixtures DIR --output OUT [--check]";

/** `spikard generate fixtures`: typed apps and tests from a directory laid out like Spikard's fixture suite. */
export function generateFixtures(argv: string[]): number {
  return generateInto(argv, USAGE, FIXTURES_LAYOUT, (dir) => ({ files: generateFromFixtures(dir) }));
}
