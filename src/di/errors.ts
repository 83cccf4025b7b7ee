import { displayToken } from "./container";

/** A provider built a value that does not match the type the handler declared: a 500, as Spikard answers it. */
export class DependencyTypeError extends Error {
  readonly key: string;
  readonly expected: string;
  readonly actual: string;

  constructor(token: string, expected: string, value: unknown) {
    const key = displayToken(token);
    const actual = value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
    super(`Dependency '${key}' type mismatch: expected ${expected}, got ${actual}`);
    this.name = "DependencyTypeError";
    this.key = key;
    this.expected = expected;
    this.actual = actual;
  }

  toProblem(): Record<string, unknown> {
    return {
      type: "https://spikard.dev/errors/dependency-error",
      title: "Dependency Resolution Failed",
      status: 500,
      detail: "Dependency type mismatch",
      errors: [{ type: "type_mismatch", msg: this.message, dependency_key: this.key, expected_type: this.expected, actual_type: this.actual }],
    };
  }
}
