import { BackgroundTasks, Header, HttpError, Inject, Provide, Request, Response, Router, Spikard } from "spikard";

export class Counter {
  static created = 0;
  readonly id = ++Counter.created;
}

export class DatabasePool {
  static created = 0;
  readonly id: number;
  constructor() {
    this.id = ++DatabasePool.created;
  }
}

export class RequestContext {
  constructor(
    readonly pool: DatabasePool,
    readonly user: string,
  ) {}
}

export class Ephemeral {
  static created = 0;
  readonly id = ++Ephemeral.created;
}

export class Tracked {
  constructor(readonly name: string) {}
}


export interface Settings {
  env: string;
}

/** Records factory setup and cleanup in order, for the cleanup-order tests. */
export const events: string[] = [];
export const background: string[] = [];

export function buildDiApp(): Spikard {
  const app = new Spikard({ logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
  app.provide(
    DatabasePool,
    Provide(
      async () => {
        await new Promise((r) => setTimeout(r, 20));
        return new DatabasePool();
      },
      { singleton: true },
    ),
  );
  app.provide(RequestContext, Provide((pool: DatabasePool, x_user: Header<string>) => new RequestContext(pool, x_user)));
  app.provide(Counter, Provide(() => new Counter()));
  app.provide(Ephemeral, Provide(() => new Ephemeral(), { cacheable: false }));
  app.provide("settings", Provide.value<Settings>({ env: "test" }));
  app.provide(
    Tracked,
    Provide(function* (ctx: RequestContext) {
      events.push(`open ${ctx.user}`);
      try {
        yield new Tracked(ctx.user);
      } finally {
        events.push(`close ${ctx.user}`);
      }
    }),
  );

  app.get("/pool", async (pool: DatabasePool) => ({ pool: pool.id }));
  app.get("/context", (ctx: RequestContext, again: RequestContext) => ({ same: ctx === again, pool: ctx.pool.id, user: ctx.user }));
  app.get("/counter", (a: Counter, b: Counter) => ({ a: a.id, b: b.id }));
  app.get("/ephemeral", (a: Ephemeral, b: Ephemeral) => ({ distinct: a.id !== b.id }));
  app.get("/settings", (settings: Inject<Settings, "settings">) => ({ env: settings.env }));
  app.get("/tracked", (t: Tracked) => {
    events.push(`handle ${t.name}`);
    return { name: t.name };
  });
  app.get("/tracked-fails", (t: Tracked) => {
    events.push(`handle ${t.name}`);
    throw new HttpError(409, "conflict");
  });
  app.get("/tracked-slow", async (t: Tracked) => {
    events.push(`handle ${t.name}`);
    await new Promise((r) => setTimeout(r, 300));
    return { name: t.name };
  });
  app.post("/background", (tasks: BackgroundTasks) => {
    tasks.add(async (label: string) => {
      await new Promise((r) => setTimeout(r, 50));
      background.push(label);
    }, "first");
    tasks.add(() => {
      throw new Error("task failure is only logged");
    });
    tasks.add((label: string) => void background.push(label), "second");
    return new Response({ statusCode: 202, content: { queued: tasks.size } });
  });
  return app;
}

/** Hooks in every phase, on the app and on a router, recording their order. */
export function buildHookApp(): Spikard {
  const app = new Spikard({ logger: { error: () => undefined, warn: () => undefined, info: () => undefined } });
  app.provide("settings", Provide.value<Settings>({ env: "hooked" }));
  const order = (req: Request, label: string): void => {
    ((req.state.order as string[] | undefined) ?? (req.state.order = [])) && (req.state.order as string[]).push(label);
  };
  app.onRequest((req) => order(req, "app onRequest"));
  app.preValidation((req) => {
    order(req, "app preValidation");
    if (req.headers["x-stop"] === "preValidation") return new Response({ statusCode: 429, content: { stopped: "preValidation" } });
    return req;
  });
  app.preHandler((req, settings: Inject<Settings, "settings">) => {
    order(req, `app preHandler ${settings.env}`);
    if (req.headers["x-stop"] === "preHandler") return new Response({ statusCode: 403, content: { stopped: "preHandler" } });
  });
  app.onRequest((req) => {
    order(req, "app onRequest 2");
    if (req.headers["x-stop"] === "onRequest") return new Response({ statusCode: 401, content: { stopped: "onRequest" } });
  });
  app.onResponse((res) => {
    res.setHeader("x-frame-options", "DENY");
    return res;
  });
  app.onError((error) => {
    if (error instanceof Error && error.message === "recoverable") return new Response({ statusCode: 503, content: { recovered: true } });
  });

  const api = new Router({ prefix: "/api" });
  api.onRequest((req) => order(req, "router onRequest"));
  api.onResponse((res, req) => {
    res.setHeader("x-order", ((req.state.order as string[] | undefined) ?? []).join(","));
  });
  api.get("/items", (req: Request) => ({ order: req.state.order }));
  api.get("/boom", () => {
    throw new Error("recoverable");
  });
  api.get("/crash", () => {
    throw new Error("not recoverable");
  });
  app.includeRouter(api);
  app.get("/plain", () => ({ ok: true }));
  return app;
}

/**
 * Apps whose dependency problems only show at start-up: the provide() keys are
 * computed, so the transformer cannot see them (the static cases are compile
 * errors, see test-error/).
 */
export function buildBrokenApp(kind: "missing" | "cycle"): Spikard {
  const app = new Spikard();
  const name = (s: string): string => s;
  if (kind === "missing") {
    app.provide(name("other"), Provide.value(1));
    app.get("/x", (u: Inject<number, "unprovided">) => ({ ok: !!u }));
  } else {
    app.provide(name("a"), Provide((b: Inject<number, "b">) => b));
    app.provide(name("b"), Provide((a: Inject<number, "a">) => a));
    app.get("/x", (a: Inject<number, "a">) => ({ ok: !!a }));
  }
  return app;
}
