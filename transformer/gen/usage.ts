/** `spikard gen`'s usage line, apart from the command so that the CLI can list it without loading TypeScript. */
export const USAGE = "spikard gen [--project tsconfig.json] [--out <folder>] [--check | --watch]";
