import { SpikardError } from "../errors";
import { StreamingResponse } from "../response";
import { unbound, type ChannelRuntime, type Handler, type RouteDefinition, type RouteOptions } from "../route-definition";
import type { SseMeta } from "../runtime/meta";
import { EventStream } from "./stream";

/** `app.sse(path, generator, options)`. */
export interface SseRouteOptions extends Pick<RouteOptions, "tags" | "summary" | "description" | "deprecated" | "operationId" | "errorFormat" | "skip" | "middleware"> {
  /** Seconds between keep-alive comments while no event is due; 0 never. Default 15. */
  keepAlive?: number;
}

const HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" } as const;

/**
 * An SSE route is a GET route: its parameters are extracted and validated,
 * hooks, dependencies and middleware run as for any route, and the handler's
 * generator (or a promise of one: an async function may refuse with an
 * HttpError before any event) becomes a streamed response through the one
 * response writer, with its backpressure.
 */
export function sseDefinition(path: string, handler: Handler, options: SseRouteOptions, meta: SseMeta): RouteDefinition {
  if (typeof handler !== "function") throw new SpikardError("INVALID_CONFIG", `sse ${path}: the handler must be a (generator) function`);
  const keepAlive = options.keepAlive ?? 15;
  if (!(typeof keepAlive === "number" && keepAlive >= 0 && Number.isFinite(keepAlive))) throw new SpikardError("INVALID_CONFIG", `sse ${path}: keepAlive must be seconds >= 0, got ${String(options.keepAlive)}`);
  const { keepAlive: _k, ...routeOptions } = options;
  return {
    method: "GET",
    path,
    handler: unbound(path),
    options: routeOptions,
    meta: { v: 1, args: meta.args, response: { kind: "dynamic" }, doc: meta.doc, openapi: meta.openapi, dependencyErrors: meta.dependencyErrors },
    channel: {
      kind: "sse",
      asyncapi: meta.asyncapi,
      bind: (runtime: ChannelRuntime, fullPath: string) => {
        const invalid = (why: string): void => runtime.logger.error(`spikard: SSE ${fullPath}: an event's data does not match its declared type (${why}); not sent`);
        const stream = (source: unknown): StreamingResponse => {
          if (!isIterator(source)) throw new SpikardError("INVALID_CONFIG", `sse ${fullPath}: the handler must return an (async) generator or iterable`);
          return new StreamingResponse(new EventStream(iteratorOf(source), meta.events, keepAlive * 1000, invalid), { headers: HEADERS, mediaType: HEADERS["content-type"] });
        };
        return (...args: unknown[]) => {
          const source = handler(...args);
          return source instanceof Promise ? source.then(stream) : stream(source);
        };
      },
    },
  };
}

function isIterator(v: unknown): v is AsyncIterable<unknown> | Iterable<unknown> {
  return v !== null && typeof v === "object" && (Symbol.asyncIterator in v || Symbol.iterator in v);
}

function iteratorOf(v: AsyncIterable<unknown> | Iterable<unknown>): AsyncIterator<unknown> | Iterator<unknown> {
  return Symbol.asyncIterator in v ? (v as AsyncIterable<unknown>)[Symbol.asyncIterator]() : (v as Iterable<unknown>)[Symbol.iterator]();
}
