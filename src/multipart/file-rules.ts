import type { ValidationErrorDetail } from "../problem";
import type { FormShape } from "../runtime/meta";
import { UploadFile } from "./upload-file";

/** Signatures for the content check; the first match names the detected type. */
const SIGNATURES: Array<[string, number[]]> = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/gif", [0x47, 0x49, 0x46, 0x38]],
  ["application/pdf", [0x25, 0x50, 0x44, 0x46]],
  ["application/zip", [0x50, 0x4b, 0x03, 0x04]],
  ["image/webp", [0x52, 0x49, 0x46, 0x46]],
  ["image/bmp", [0x42, 0x4d]],
];

/**
 * Checks the file parts of a multipart body against `UploadFile<Accept, CheckContent>`:
 * declared content type allowed, and (when asked) content present and its magic
 * numbers agreeing with the declared type. Errors use Spikard's `files` location.
 */
export function checkFiles(value: unknown, shape: FormShape | undefined, errors: ValidationErrorDetail[], loc: string[] = []): void {
  if (shape === undefined || value === null || typeof value !== "object") return;
  if ("f" in shape) {
    if (value instanceof UploadFile) checkFile(value, shape.f, errors, loc);
    else if (Array.isArray(value)) for (const v of value) if (v instanceof UploadFile) checkFile(v, shape.f, errors, loc);
    return;
  }
  if ("a" in shape && Array.isArray(value)) for (const v of value) checkFiles(v, shape.a, errors, loc);
  if ("o" in shape) for (const [k, s] of Object.entries(shape.o)) checkFiles((value as Record<string, unknown>)[k], s, errors, [...loc, k]);
}

function checkFile(file: UploadFile, rules: { accept?: string[]; checkContent?: boolean }, errors: ValidationErrorDetail[], loc: string[]): void {
  const at = ["files", ...loc];
  const declared = file.contentType.split(";")[0]!.trim().toLowerCase();
  if (rules.accept !== undefined && !rules.accept.some((a) => matches(a, declared))) {
    errors.push({ type: "validation_error", loc: at, msg: `Invalid content type '${file.contentType}'. Allowed types: ${rules.accept.join(", ")}` });
    return;
  }
  if (!rules.checkContent) return;
  if (file.size === 0) {
    errors.push({ type: "validation_error", loc: at, msg: "File buffer is empty", ctx: { buffer_size: 0 } });
    return;
  }
  const head = file.peek(8);
  const detected = SIGNATURES.find(([, sig]) => sig.every((b, i) => head[i] === b))?.[0];
  if (detected !== undefined && detected !== declared) {
    errors.push({
      type: "validation_error",
      loc: at,
      msg: `File type mismatch: MIME type is ${declared} but magic numbers indicate ${detected}`,
      ctx: { declared_mime: declared, detected_type: detected, magic_bytes: head.toString("hex") },
    });
  }
}

function matches(pattern: string, type: string): boolean {
  const p = pattern.toLowerCase();
  return p === type || p === "*/*" || (p.endsWith("/*") && type.startsWith(p.slice(0, -1)));
}
