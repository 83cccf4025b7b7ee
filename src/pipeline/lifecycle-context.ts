import type { Container } from "../di/container";
import type { BodyLimits } from "./body";

/** What the lifecycle steps (hooks, dependencies, cleanups) of every request and gRPC call share. */
export interface LifecycleContext {
  container: Container;
  logger: Pick<Console, "error" | "warn">;
  limits: BodyLimits;
  /** Background work still running (awaited by a graceful close). */
  track(work: Promise<void>): void;
}
