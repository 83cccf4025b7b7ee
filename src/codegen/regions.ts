import { createHash } from "node:crypto";

/**
 * Marked regions: the parts of a generated file its user owns. Each region
 * starts with `// spikard:user <key> <hash>` and ends with
 * `// spikard:end <key>`; the hash is that of the text the generator wrote
 * there. On regeneration a region whose text still has that hash is
 * untouched and is written anew (so a changed example reaches it); an edited
 * one is kept as it is. Everything outside the markers is regenerated.
 */
export interface Region {
  key: string;
  hash: string;
  body: string;
}

const REGION = /^[ \t]*\/\/ spikard:user (\S+) ([0-9a-f]{8})\n([\s\S]*?)^[ \t]*\/\/ spikard:end \1[ \t]*$/gm;

export function readRegions(text: string): Map<string, Region> {
  const out = new Map<string, Region>();
  for (const m of text.matchAll(REGION)) out.set(m[1]!, { key: m[1]!, hash: m[2]!, body: m[3]! });
  return out;
}

export function hashOf(body: string): string {
  return createHash("sha1").update(body).digest("hex").slice(0, 8);
}

export function isEdited(region: Region): boolean {
  return hashOf(region.body) !== region.hash;
}

/** The regions of one file being generated, against what the file on disk holds. */
export class RegionWriter {
  private readonly written = new Set<string>();

  constructor(private readonly existing: Map<string, Region> = new Map()) {}

  /** Whether the user changed this region's text. */
  edited(key: string): boolean {
    const r = this.existing.get(key);
    return r !== undefined && isEdited(r);
  }

  /** The region's text: the user's when edited, else `body` (lines already indented, each ending in "\n"). */
  region(key: string, body: string, indent: string): string {
    this.written.add(key);
    const r = this.existing.get(key);
    const kept = r !== undefined && isEdited(r) ? r : { key, hash: hashOf(body), body };
    return `${indent}// spikard:user ${key} ${kept.hash}\n${kept.body}${indent}// spikard:end ${key}\n`;
  }

  /** Edited regions of the old file that this generation did not write (their operation is gone). */
  orphans(): Region[] {
    return [...this.existing.values()].filter((r) => !this.written.has(r.key) && isEdited(r));
  }
}

/** A region key from a name (operationIds may hold characters a marker line cannot). */
export function regionKey(kind: string, name: string): string {
  return `${kind}.${encodeURIComponent(name)}`;
}
