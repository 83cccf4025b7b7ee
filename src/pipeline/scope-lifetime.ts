import type { BackgroundTasks } from "../background";
import { RequestScope } from "../di/container";
import type { Provider } from "../di/provide";
import type { Token } from "../di/token";
import type { LifecycleContext } from "./lifecycle-context";

/**
 * A request's (or gRPC call's) dependency scope and background tasks, released once both sides
 * are done: the handler (its promise settled) and the transport (the response written, the client
 * gone, the call ended). Dependency cleanups then run in reverse order, then the tasks, so a
 * streamed answer can still use what its dependencies opened; a graceful close waits for them.
 */
export class ScopeLifetime {
  readonly scope: RequestScope;
  private waiting = 2;

  constructor(
    private readonly ctx: LifecycleContext,
    data: unknown,
    providers: ReadonlyMap<Token, Provider> | undefined,
    readonly tasks: BackgroundTasks | undefined,
  ) {
    this.scope = new RequestScope(data, providers);
  }

  /** Called once by each side. */
  release(): void {
    if (--this.waiting === 0) this.ctx.track(this.close());
  }

  private async close(): Promise<void> {
    const log = (msg: string, err: unknown): void => this.ctx.logger.error(msg, err);
    await this.scope.close(log);
    if (this.tasks !== undefined && this.tasks.size > 0) await this.tasks.run(log);
  }
}
