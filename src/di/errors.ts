import { SpikardError } from "../errors";
import { displayToken } from "./token";

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

/**
 * A dependency graph that cannot be resolved: a token nothing provides, or a
 * cycle. Thrown at start-up (the message names the chain); with the
 * transformer option `dependencyErrors: "respond"`, kept on the route and
 * answered per request as Spikard's `dependency-error` problem details.
 */
export class DependencyGraphError extends SpikardError {
  private constructor(
    message: string,
    readonly problem: { detail: string; error: Record<string, unknown> },
  ) {
    super("DEPENDENCY", message);
  }

  /** `chain` is who needs it, from the route down to the missing name. */
  static missing(key: string, chain: string[]): DependencyGraphError {
    return new DependencyGraphError(`No provider for ${key} (${chain.join(" -> ")}). Register it with app.provide(...).`, {
      detail: "Required dependency not found",
      error: { type: "missing_dependency", msg: `Dependency '${key}' is not registered`, dependency_key: key },
    });
  }

  /** `cycle` starts and ends with the same name. */
  static cycle(cycle: string[]): DependencyGraphError {
    return new DependencyGraphError(`Dependency cycle: ${cycle.join(" -> ")}`, {
      detail: "Circular dependency detected",
      error: { type: "circular_dependency", msg: "Circular dependency detected in dependency graph", cycle },
    });
  }

  toProblem(): Record<string, unknown> {
    return { type: "https://spikard.dev/errors/dependency-error", title: "Dependency Resolution Failed", status: 500, detail: this.problem.detail, errors: [this.problem.error] };
  }
}
