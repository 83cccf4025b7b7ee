import ts from "typescript";
import { TransformerError } from "../TransformerError";
import { displayToken } from "../../src/runtime/token";
import { publishParts, topicsOverlap } from "../../src/runtime/ids";
import type { FileRecord, GeneratedRegistration } from "./analyse";

/**
 * Registrations that would share a key in the generated metadata with
 * different code: the runtime, which finds metadata by key, could not tell
 * them apart (SPK016 routes, SPK017 factories and hooks, SPK018 classes),
 * and publishes whose topics could be the same string (SPK024: the runtime
 * matches a topic against their patterns). Equal code under one key is fine:
 * two apps in a project may both register `GET /health` with the same
 * handler types.
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
      out.push(diagnosticAt(reg, conflictError(reg, first.reg, whereBoth(first.name, record.name))));
    }
  }
  out.push(...publishConflicts([...seen.values()].filter((s) => s.reg.kind === "publish")));
  return out;
}

/** Distinct publish patterns (one per key, from `seen`) that some topic matches two of, with different code. */
function publishConflicts(publishes: Array<{ reg: GeneratedRegistration; name: string }>): ts.Diagnostic[] {
  const out: ts.Diagnostic[] = [];
  for (let i = 0; i < publishes.length; i++) {
    for (let j = 0; j < i; j++) {
      const [a, b] = [publishes[j]!, publishes[i]!];
      if (!topicsOverlap(publishParts(a.reg.id)!, publishParts(b.reg.id)!) || a.reg.fingerprint() === b.reg.fingerprint()) continue;
      out.push(diagnosticAt(b.reg, new TransformerError("SPK024", a.reg.label, b.reg.label, whereBoth(a.name, b.name))));
    }
  }
  return out;
}

function whereBoth(first: string, second: string): string {
  return first === second ? `twice in ${first}` : `in ${first} and ${second}`;
}

function conflictError(reg: GeneratedRegistration, first: GeneratedRegistration, where: string): TransformerError {
  switch (reg.kind) {
    case "route":
    case "websocket":
    case "sse":
      return new TransformerError("SPK016", reg.label, where);
    case "publish":
      return new TransformerError("SPK024", first.label, reg.label, where);
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
