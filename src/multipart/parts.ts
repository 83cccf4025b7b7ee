import { isPrototypeKey } from "../prototype-keys";

/** Part rules both multipart parsers share, as busboy defines them. */

/** A part is a file when it names a filename or is typed application/octet-stream. */
export function isFilePart(mimeType: string, filename: string | undefined): boolean {
  return filename !== undefined || mimeType === "application/octet-stream";
}

/** The client's file name without any directory part ("." and ".." become ""). */
export function uploadFilename(filename: string | undefined): string {
  if (filename === undefined) return "";
  const cut = Math.max(filename.lastIndexOf("/"), filename.lastIndexOf("\\"));
  const base = cut === -1 ? filename : filename.slice(cut + 1);
  return base === "." || base === ".." ? "" : base;
}

/** Adds a value to a form record; repeated names become arrays, and prototype names are dropped. */
export function addField(fields: Record<string, unknown>, name: string, value: unknown): void {
  if (isPrototypeKey(name)) return;
  const prev = fields[name];
  if (prev === undefined) fields[name] = value;
  else if (Array.isArray(prev)) prev.push(value);
  else fields[name] = [prev, value];
}
