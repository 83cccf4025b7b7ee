import ts from "typescript";
import { TransformerError } from "../TransformerError";
import { displayToken } from "../../src/runtime/token";
import type { FileRecord, GeneratedRegistration } from "./analyse";

/**
 * Registrations that would share a key in the generated metadata with
 * different code: the runtime, which finds metadata by key, could not tell
 * them apart (SPK016 routes, SPK017 factories and hooks, SPK018 classes).
 * Equal code under one key is fine: two apps in a project may both register
 * `GET /health` with the same handler types.
 */
export function conflicts(records: Iterable<FileRecord>): ts.Diagnostic[] {
  const seen = new Map<string, { reg: GeneratedRegistration; name: string }>();
  const out: ts.Diagnostic[] = [];
  for (const record of [...records].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    for (const reg of record.registrations) {
      const key = `${reg.kind} ${reg.id}`;
      const first = seen.get(key);
      if (first === undefined) {
        seen.set(key, { reg, name: record.name });
        continue;
      }
      if (first.reg.fingerprint() === reg.fingerprint()) continue;
      const where = first.name === record.name ? `twice in ${record.name}` : `in ${first.name} and ${record.name}`;
      out.push(diagnosticAt(reg, conflictError(reg, first.reg, where)));
    }
  }
  return out;
}

function conflictError(reg: GeneratedRegistration, first: GeneratedRegistration, where: string): TransformerError {
  switch (reg.kind) {
    case "route":
      return new TransformerError("SPK016", reg.label, where);
    case "class":
      return new TransformerError("SPK018", reg.id, `${where}: ${displayFile(first.value)} and ${displayFile(reg.value)}`);
    default:
      return new TransformerError("SPK017", first.label, reg.label, `${reg.id.slice(reg.id.indexOf("("))}, ${where}`);
  }
}

/** `class:src/db:Pool` → `src/db`. */
function displayFile(value: ts.Expression): string {
  const token = ts.isStringLiteral(value) ? value.text : "";
  return token.slice("class:".length, token.length - displayToken(token).length - 1);
}

function diagnosticAt(reg: GeneratedRegistration, err: TransformerError): ts.Diagnostic {
  return { file: reg.file, start: reg.start, length: reg.length, category: ts.DiagnosticCategory.Error, code: 0, messageText: `[spikard ${err.code}] ${err.message}` };
}
