import { parseQuery } from "../../request";
import { challenge } from "../challenge";
import { answer, type Middleware } from "../types";

export interface ApiKeyOptions {
  keys: string[];
  /** Header carrying the key. Default "X-API-Key". */
  headerName?: string;
  /** The `realm` of the 401's `WWW-Authenticate: ApiKey` challenge. Default "api". */
  realm?: string;
}

const QUERY_NAMES = ["api_key", "apiKey", "key"];

/**
 * Requires one of `keys` in the header (or the `api_key`/`apiKey`/`key` query
 * parameter) on every request; 401 problem details otherwise, as Spikard.
 * API keys have no registered HTTP authentication scheme: the 401's challenge
 * names `ApiKey` with the header to send it in, as the README promises a
 * `WWW-Authenticate` on every 401 (RFC 9110 §15.5.2 requires one).
 */
export function apiKeyAuth(options: ApiKeyOptions): Middleware {
  const headerName = options.headerName ?? "X-API-Key";
  const lower = headerName.toLowerCase();
  const keys = new Set(options.keys);
  const problem = (title: string, detail: string): string => JSON.stringify({ type: "https://spikard.dev/errors/unauthorized", title, status: 401, detail });
  const HEADERS = ["content-type", "application/json", "www-authenticate", challenge("ApiKey", { realm: options.realm ?? "api", header: headerName })];
  return {
    name: "apiKeyAuth",
    handle(raw, sink, next) {
      let key = raw.header(lower);
      if (key === undefined && raw.query !== "") {
        const q = parseQuery(raw.query);
        for (const n of QUERY_NAMES) {
          const v = q[n];
          if (v !== undefined) {
            key = typeof v === "string" ? v : v[0];
            break;
          }
        }
      }
      if (key === undefined) return answer(sink, raw, 401, HEADERS, problem("Missing API key", `Expected '${headerName}' header or 'api_key' query parameter with valid API key`));
      if (!keys.has(key)) return answer(sink, raw, 401, HEADERS, problem("Invalid API key", "The provided API key is not valid"));
      next(sink);
    },
  };
}
