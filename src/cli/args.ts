/** Command-line arguments: positionals, `--name value` options and `--flag`s. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

export function parseArgs(argv: string[], valued: readonly string[]): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith("--")) out.positionals.push(a);
    else if (valued.includes(a.slice(2))) {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      out.options.set(a.slice(2), v);
    } else out.flags.add(a.slice(2));
  }
  return out;
}

/** Wrong arguments: the CLI prints the message and the command's usage. */
export class UsageError extends Error {}
