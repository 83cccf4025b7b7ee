import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";
import { challenge } from "../challenge";

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
 * parameter); 401 problem details otherwise, as Spikard. API keys have no
 * registered HTTP authentication scheme: the 401's challenge names `ApiKey`
 * with the header to send it in, as the README promises a `WWW-Authenticate`
 * on every 401 (RFC 9110 §15.5.2 requires one).
 */
export function apiKeyAuth(options: ApiKeyOptions): Middleware {
  const headerName = options.headerName ?? "X-API-Key";
  const lower = headerName.toLowerCase();
  const keys = new Set(options.keys);
  const CHALLENGE = ["www-authenticate", challenge("ApiKey", { realm: options.realm ?? "api", header: headerName })];
  return readOnlyBeforeNext(function apiKeyAuth(req, next) {
    let key = req.header(lower);
    if (key === undefined) {
      for (const n of QUERY_NAMES) {
        const v = req.queryParam(n);
        if (v !== undefined) {
          key = typeof v === "string" ? v : v[0];
          break;
        }
      }
    }
    if (key === undefined) return rejection("UNAUTHORIZED", ["Missing API key", `Expected '${headerName}' header or 'api_key' query parameter with valid API key`], CHALLENGE);
    if (!keys.has(key)) return rejection("UNAUTHORIZED", ["Invalid API key", "The provided API key is not valid"], CHALLENGE);
    return next();
  });
}
