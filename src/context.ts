import { parseCookies, parseQuery, scanQuery, type RawRequest } from "./request";

/**
 * The request as handlers and hooks see it. Everything is parsed lazily: a
 * route that only reads one query parameter never builds the header record.
 * Declare a parameter of this type to receive it in a handler.
 * @spikardRequest
 */
export class Request {
  private _state: Record<string, unknown> | undefined;
  private _query: Record<string, string | string[]> | undefined;
  /** Whether the raw query has no escapes, so single keys can be scanned; decided on first use. */
  private _plainQuery: boolean | undefined;
  private _cookies: Record<string, string> | undefined;
  private _headers: Record<string, string> | undefined;
  private _params: Record<string, string> | undefined;
  private _method: string | undefined;
  private _path: string | undefined;

  constructor(
    /** The adapter's request. */
    readonly raw: RawRequest,
    /** Captured path values, in pattern order. */
    readonly pathValues: readonly string[],
    private readonly paramNames: readonly string[],
  ) {}

  /** Values shared between hooks, dependencies and the handler of one request (seeded from middleware's locals). */
  get state(): Record<string, unknown> {
    // Created on first use: most requests never touch it.
    return (this._state ??= this.raw.locals !== undefined ? { ...this.raw.locals } : {});
  }
  set state(s: Record<string, unknown>) {
    this._state = s;
  }

  get method(): string {
    return this._method ?? this.raw.method;
  }
  set method(m: string) {
    this._method = m;
  }

  get path(): string {
    return this._path ?? this.raw.path;
  }
  set path(p: string) {
    this._path = p;
  }

  /** Query parameters; repeated keys become arrays. */
  get query(): Record<string, string | string[]> {
    return (this._query ??= parseQuery(this.raw.query));
  }
  set query(q: Record<string, string | string[]>) {
    this._query = q;
  }

  /** One query parameter's value(s), as `query[key]`; an unescaped query is scanned instead of parsed whole. */
  queryParam(key: string): string | string[] | undefined {
    if (this._query !== undefined) return this._query[key];
    const raw = this.raw.query;
    this._plainQuery ??= raw.indexOf("%") === -1 && raw.indexOf("+") === -1;
    return this._plainQuery && plainKey(key) ? scanQuery(raw, key) : this.query[key];
  }

  /** Headers with lower-case names. */
  get headers(): Record<string, string> {
    return (this._headers ??= this.raw.headers());
  }
  set headers(h: Record<string, string>) {
    this._headers = h;
  }

  get cookies(): Record<string, string> {
    return (this._cookies ??= parseCookies(this.header("cookie")));
  }
  set cookies(c: Record<string, string>) {
    this._cookies = c;
  }

  /** Path parameters by name (raw strings). */
  get params(): Record<string, string> {
    if (this._params === undefined) {
      const out: Record<string, string> = {};
      this.paramNames.forEach((n, i) => (out[n] = this.pathValues[i] ?? ""));
      this._params = out;
    }
    return this._params;
  }
  set params(p: Record<string, string>) {
    this._params = p;
  }

  /** One header by case-insensitive name; hooks may have replaced the record. */
  header(name: string): string | undefined {
    const lower = name.toLowerCase();
    if (this._headers !== undefined) return this._headers[lower];
    return this.raw.header(lower);
  }

  /** Path parameter by position, honouring replacement by hooks. */
  pathValue(index: number): string | undefined {
    if (this._params !== undefined) return this._params[this.paramNames[index]!];
    return this.pathValues[index];
  }
}

/** A key the scan can match literally: nothing a query string escapes or splits on. */
function plainKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 37 /* % */ || c === 43 /* + */ || c === 38 /* & */ || c === 61 /* = */) return false;
  }
  return key.length > 0;
}
