/**
 * The part of every generated client that does the requests: written into
 * client.ts (a client depends on nothing but fetch), not imported.
 */
export const CLIENT_RUNTIME = `
export interface ClientOptions {
  /** Where the app is served, e.g. "http://localhost:8000". */
  baseUrl: string;
  /** Headers sent with every request (credentials, say). */
  headers?: Record<string, string>;
  /** The fetch to use; default globalThis.fetch. */
  fetch?: typeof fetch;
  /** The WebSocket constructor for WebSocket routes; default globalThis.WebSocket (on Node 20: the ws package's). */
  WebSocket?: unknown;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Headers for this request only. */
  headers?: Record<string, string>;
}

/** One documented response of a route: its status, its body as declared, and its headers. */
export interface Result<S extends number, B> {
  status: S;
  body: B;
  headers: Headers;
}

/** A response with a status the route does not document. */
export class ClientError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly headers: Headers,
  ) {
    super(\`unexpected status \${status}: \${body.slice(0, 200)}\`);
    this.name = "ClientError";
  }
}

type ReadKind = "json" | "text" | "blob" | "stream" | "empty";
interface Plan {
  body?: "json" | "form" | "multipart" | "text" | "bytes";
  separators?: Record<string, string>;
  responses: Record<string, ReadKind>;
}
type Scalar = string | number | boolean | bigint | null | undefined;
interface Args {
  path?: Record<string, Scalar>;
  query?: Record<string, Scalar | readonly Scalar[]>;
  headers?: Record<string, Scalar | readonly Scalar[]>;
  cookies?: Record<string, Scalar | readonly Scalar[]>;
  body?: unknown;
}

function caller(options: ClientOptions) {
  const base = options.baseUrl.replace(/\\/+$/, "");
  return async (method: string, route: string, args: Args, plan: Plan, call: CallOptions = {}): Promise<Result<number, unknown>> => {
    const url = requestUrl(base, route, args, plan.separators ?? {});
    const headers = requestHeaders(options, call, args);
    const init: RequestInit = { method, headers, signal: call.signal };
    if (args.body !== undefined) init.body = encodeBody(args.body, plan.body ?? "json", headers);
    const res = await (options.fetch ?? fetch)(url, init);
    const status = String(res.status);
    const kind = plan.responses[status] ?? plan.responses[\`\${status[0]}XX\`] ?? plan.responses.default;
    if (kind === undefined) throw new ClientError(res.status, await res.text(), res.headers);
    return { status: res.status, body: await readBody(res, kind), headers: res.headers };
  };
}

/** The route with its path values encoded (one cannot reach another route) and the query appended. */
function requestUrl(base: string, route: string, args: Args, separators: Record<string, string>): URL {
  const url = new URL(base + route.replace(/\\{([^}]+)\\}/g, (_m, name: string) => encodeURIComponent(String(args.path?.[name] ?? ""))));
  for (const [k, v] of Object.entries(args.query ?? {})) {
    if (v === undefined) continue;
    const sep = separators[k];
    if (Array.isArray(v)) {
      if (sep !== undefined) url.searchParams.append(k, v.map(String).join(sep));
      else for (const x of v) url.searchParams.append(k, String(x));
    } else url.searchParams.append(k, String(v));
  }
  return url;
}

/** The client's headers, the call's, the route's header parameters (by wire name) and its cookies. */
function requestHeaders(options: ClientOptions, call: CallOptions, args: Args): Headers {
  const headers = new Headers(options.headers);
  for (const [k, v] of Object.entries(call.headers ?? {})) headers.set(k, v);
  for (const [k, v] of Object.entries(args.headers ?? {})) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(",") : String(v));
  const cookie = cookieHeader(args);
  if (cookie !== undefined) headers.append("cookie", cookie);
  return headers;
}

function cookieHeader(args: Args): string | undefined {
  const cookies = Object.entries(args.cookies ?? {}).filter(([, v]) => v !== undefined);
  return cookies.length === 0 ? undefined : cookies.map(([k, v]) => \`\${k}=\${encodeURIComponent(Array.isArray(v) ? v.join(",") : String(v))}\`).join("; ");
}

function encodeBody(body: unknown, kind: NonNullable<Plan["body"]>, headers: Headers): BodyInit {
  switch (kind) {
    case "json":
      headers.set("content-type", "application/json");
      return JSON.stringify(body);
    case "text":
      headers.set("content-type", "text/plain; charset=utf-8");
      return String(body);
    case "bytes":
      if (!headers.has("content-type")) headers.set("content-type", "application/octet-stream");
      return body as BodyInit;
    case "form": {
      const form = new URLSearchParams();
      for (const [k, v] of fields(body, "")) form.append(k, String(v));
      return form;
    }
    case "multipart": {
      const form = new FormData();
      for (const [k, v] of fields(body, "")) {
        if (v instanceof Blob) form.append(k, v, typeof File !== "undefined" && v instanceof File ? v.name : "blob");
        else form.append(k, String(v));
      }
      return form;
    }
  }
}

/** Form fields of a body: arrays repeat the name, nested objects read \`name[key]\`. */
function* fields(value: unknown, prefix: string): Generator<[string, unknown]> {
  for (const [k, v] of Object.entries((value ?? {}) as Record<string, unknown>)) {
    const name = prefix === "" ? k : \`\${prefix}[\${k}]\`;
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const x of v) yield [name, x];
    else if (v !== null && typeof v === "object" && !(v instanceof Blob)) yield* fields(v, name);
    else yield [name, v];
  }
}

async function readBody(res: Response, kind: ReadKind): Promise<unknown> {
  switch (kind) {
    case "stream":
      return chunks(res);
    case "blob":
      return res.blob();
    case "text":
      return res.text();
    case "json": {
      const text = await res.text();
      return text === "" ? undefined : parseJson(res, text);
    }
    case "empty": {
      // Undocumented content: read it by its type.
      const text = await res.text();
      if (text === "") return undefined;
      return /json/.test(res.headers.get("content-type") ?? "") ? parseJson(res, text) : text;
    }
  }
}

/** A body that should be JSON and is not is the server's fault, reported as such. */
function parseJson(res: Response, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ClientError(res.status, text, res.headers);
  }
}

async function* chunks(res: Response): AsyncGenerator<Uint8Array> {
  if (res.body === null) return;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}
`;
