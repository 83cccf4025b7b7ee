/**
 * Errors. Two families:
 * - `HttpError`: what a handler throws to answer an RFC 9457 problem-details
 *   response with a given status.
 * - `SpikardError`: a misuse of the framework (bad route pattern, route built
 *   without the transformer, ...), coded from the `FRAMEWORK_ERRORS` table.
 */

export interface HttpErrorOptions {
  /** Problem `type` URI; defaults to `https://spikard.dev/errors/<slug of title>`. */
  type?: string;
  /** Problem `title`; defaults to the status's reason phrase. */
  title?: string;
  /** Extra members merged into the problem body. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * Thrown by a handler to answer RFC 9457 problem details with `statusCode`.
 * The transformer documents the statuses a handler constructs it with.
 * @spikardHttpError
 */
export class HttpError extends Error {
  readonly statusCode: number;
  readonly detail: string;
  readonly type: string;
  readonly title: string;
  readonly extensions: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(statusCode: number, detail?: string, options: HttpErrorOptions = {}) {
    const title = options.title ?? reasonPhrase(statusCode);
    super(detail ?? title, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.detail = detail ?? title;
    this.title = title;
    this.type = options.type ?? `https://spikard.dev/errors/${slug(title)}`;
    this.extensions = options.extensions;
    this.headers = options.headers;
  }

  /** The RFC 9457 body. */
  toProblem(): Record<string, unknown> {
    // Extensions add members; they cannot rewrite the problem's own fields.
    return { ...this.extensions, type: this.type, title: this.title, status: this.statusCode, detail: this.detail };
  }
}

function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

const REASONS: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
  405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long",
  415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot",
  421: "Misdirected Request", 422: "Unprocessable Entity", 423: "Locked", 424: "Failed Dependency",
  425: "Too Early", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
  431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
  504: "Gateway Timeout", 505: "HTTP Version Not Supported",
  100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted",
  203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content", 206: "Partial Content",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
  307: "Temporary Redirect", 308: "Permanent Redirect",
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? "Internal Server Error" : status >= 400 ? "Bad Request" : "OK");
}

/** Every framework misuse error, with the message template that tells how to fix it. */
export const FRAMEWORK_ERRORS = {
  NOT_TRANSFORMED:
    "%s was registered without compile-time metadata: the Spikard transformer did not run on it (plain tsc, tsx, ts-node) and no metadata from `spikard gen` is loaded. Build with the Spikard transformer: add { \"transform\": \"spikard/transformer\" } to compilerOptions.plugins and compile with `tspc` (ts-patch), or use the `spikard/vite` or `spikard/unplugin` plugin, or run with `node --import spikard/register`. With any other compiler (TypeScript 7's tsc, esbuild, Bun), run `npx spikard gen` and import the generated folder (`import \"./spikard.gen\"`) before any module that registers routes.",
  NOT_GENERATED: "%s has no generated metadata: %s. Run `npx spikard gen` again (or keep `npx spikard gen --watch` running).",
  ROUTE_PATTERN: "%s",
  DUPLICATE_ROUTE: "Route %s is registered twice.",
  PATH_PARAM_MISMATCH: "%s",
  UWS_FALLBACK:
    "uWebSockets.js could not load its native binary (%s). Its pure-JS fallback is far slower and is used only with allowSlowFallback: true (or SPIKARD_ALLOW_UWS_FALLBACK=1); the uws adapter serves on the node adapter instead. Install a build matching this Node/glibc to serve on uWS.",
  LISTEN_FAILED: "Could not listen on %s.",
  INVALID_CONFIG: "%s",
  DEPENDENCY: "%s",
  HOOK: "%s",
  STREAM_LENGTH: "StreamingResponse: %s.",
  REGISTERED_TOO_LATE: "Cannot register %s: %s. Register routes, hooks, providers, middleware and routers before serve()/run() or the first TestClient request.",
  INVALID_HEADER: "Invalid response header %s: refused, as node:http refuses it (it would split the response).",
  MIDDLEWARE: "Middleware: %s.",
  WEBSOCKET: "WebSocket: %s.",
  SSE_EVENT: "SseEvent: %s.",
  REQUEST_RELEASED: "The request's %s was read after the adapter released it (after its synchronous call, with no snapshot taken). Read it before awaiting, or let the pipeline snapshot it (middleware and hooks get a snapshot automatically).",
  GRPC_SERVICE: "%s.",
} as const;

export type FrameworkErrorCode = keyof typeof FRAMEWORK_ERRORS;

export class SpikardError extends Error {
  readonly code: FrameworkErrorCode;
  constructor(code: FrameworkErrorCode, ...args: string[]) {
    let i = 0;
    super(FRAMEWORK_ERRORS[code].replace(/%s/g, () => args[i++] ?? ""));
    this.name = "SpikardError";
    this.code = code;
  }
}
