import type { AdapterRequest } from "./adapter/types";
import { parseCookies, parseQuery, scanQuery } from "./request";

/**
 * The request as handlers and hooks see it. Everything is parsed lazily: a
 * route that only reads one query parameter never builds the header record.
 * Declare a parameter of this type to receive it in a handler.
 * @spikardRequest
 */
export class Request {
  /** Whether the raw query has no escapes, so single keys can be scanned; decided on first use. */
  private _plainQuery: boolean | undefined = undefined;
  /**
   * What hooks replaced and what was parsed whole, in one object made on
   * first such use: most requests never make it, and each field here would
   * otherwise be allocated with every Request (V8 sizes objects by fields).
   */
  private _more: Overrides | undefined = undefined;

  constructor(
    /** The adapter's request. */
    readonly raw: AdapterRequest,
    /** Captured path values, in pattern order. */
    readonly pathValues: readonly string[],
    private readonly paramNames: readonly string[],
  ) {}

  private more(): Overrides {
    // Every field present from the start: one hidden class for all of them.
    return (this._more ??= { state: undefined, query: undefined, cookies: undefined, headers: undefined, params: undefined, method: undefined, path: undefined });
  }

  /** Values shared between middleware, hooks, dependencies and the handler of one request (verified JWT claims in `state.jwt`). */
  get state(): Record<string, unknown> {
    // Created on first use: most requests never touch it.
    const more = this.more();
    return (more.state ??= {});
  }

  /** The client's address as the connection sees it. */
  get remoteAddress(): string {
    return this.raw.remoteAddress();
  }
  set state(s: Record<string, unknown>) {
    this.more().state = s;
  }

  get method(): string {
    return this._more?.method ?? this.raw.method;
  }
  set method(m: string) {
    this.more().method = m;
  }

  get path(): string {
    return this._more?.path ?? this.raw.path;
  }
  set path(p: string) {
    this.more().path = p;
  }

  /** Query parameters; repeated keys become arrays. */
  get query(): Record<string, string | string[]> {
    const more = this.more();
    return (more.query ??= parseQuery(this.raw.query));
  }
  set query(q: Record<string, string | string[]>) {
    this.more().query = q;
  }

  /** One query parameter's value(s), as `query[key]`; an unescaped query is scanned instead of parsed whole. */
  queryParam(key: string): string | string[] | undefined {
    const parsed = this._more?.query;
    if (parsed !== undefined) return parsed[key];
    const raw = this.raw.query;
    this._plainQuery ??= raw.indexOf("%") === -1 && raw.indexOf("+") === -1;
    return this._plainQuery && plainKey(key) ? scanQuery(raw, key) : this.query[key];
  }

  /** Headers with lower-case names. */
  get headers(): Record<string, string> {
    const more = this.more();
    return (more.headers ??= this.raw.headers());
  }
  set headers(h: Record<string, string>) {
    this.more().headers = h;
  }

  get cookies(): Record<string, string> {
    const more = this.more();
    return (more.cookies ??= parseCookies(this.header("cookie")));
  }
  set cookies(c: Record<string, string>) {
    this.more().cookies = c;
  }

  /** Path parameters by name (raw strings). */
  get params(): Record<string, string> {
    const more = this.more();
    if (more.params === undefined) {
      const out: Record<string, string> = {};
      this.paramNames.forEach((n, i) => (out[n] = this.pathValues[i] ?? ""));
      more.params = out;
    }
    return more.params;
  }
  set params(p: Record<string, string>) {
    this.more().params = p;
  }

  /** One header by case-insensitive name; hooks may have replaced the record. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    const replaced = this._more?.headers;
    if (replaced !== undefined) return replaced[lower];
    return this.raw.header(lower);
  }

  /** Path parameter by position, honouring replacement by hooks. */
  pathValue(index: number): string | undefined {
    const replaced = this._more?.params;
    if (replaced !== undefined) return replaced[this.paramNames[index]!];
    return this.pathValues[index];
  }
}

interface Overrides {
  state: Record<string, unknown> | undefined;
  query: Record<string, string | string[]> | undefined;
  cookies: Record<string, string> | undefined;
  headers: Record<string, string> | undefined;
  params: Record<string, string> | undefined;
  method: string | undefined;
  path: string | undefined;
}

/** A key the scan can match literally: nothing a query string escapes or splits on. */
function plainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 37 /* % */ || c === 43 /* + */ || c === 38 /* & */ || c === 61 /* = */) return false;
  }
  return key.length > 0;
}
