import { afterNext, readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";
import { Response } from "../../response";

export interface CorsOptions {
  /** Allowed origins; "*" allows any. */
  allowedOrigins: string[];
  allowedMethods?: string[];
  allowedHeaders?: string[];
  exposeHeaders?: string[];
  /** Seconds a preflight may be cached. */
  maxAge?: number;
  allowCredentials?: boolean;
}

/**
 * Preflights (OPTIONS with Access-Control-Request-Method) are answered here:
 * 204 with the allowed methods and headers, or 403 when the origin, method or
 * a header is not allowed. Other requests from an allowed origin get
 * Access-Control-Allow-Origin (and expose/credentials headers, Vary: Origin);
 * a disallowed origin is refused with 403. A request from the server's own
 * origin (Origin equal to its scheme and Host) is not cross-origin: it passes
 * untouched.
 */
export function cors(options: CorsOptions): Middleware {
  const anyOrigin = options.allowedOrigins.includes("*");
  const origins = new Set(options.allowedOrigins);
  const methods = (options.allowedMethods ?? ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]).map((m) => m.toUpperCase());
  const headers = (options.allowedHeaders ?? []).map((h) => h.toLowerCase());
  const allowed = (origin: string): boolean => anyOrigin || origins.has(origin);
  return readOnlyBeforeNext(function cors(req, next) {
    const origin = req.header("origin");
    const requestedMethod = req.header("access-control-request-method");
    if (req.method === "OPTIONS" && requestedMethod !== undefined) {
      if (origin === undefined || !allowed(origin)) return rejection("CORS_ORIGIN_FORBIDDEN", [origin ?? ""]);
      if (!methods.includes("*") && !methods.includes(requestedMethod.toUpperCase())) return rejection("CORS_PREFLIGHT_FORBIDDEN", []);
      const requested = (req.header("access-control-request-headers") ?? "").split(",").map((h) => h.trim().toLowerCase()).filter(Boolean);
      if (!headers.includes("*") && requested.some((h) => !headers.includes(h))) return rejection("CORS_PREFLIGHT_FORBIDDEN", []);
      const out: Record<string, string> = { "access-control-allow-origin": origin, "access-control-allow-methods": methods.join(", "), "access-control-allow-headers": (options.allowedHeaders ?? []).join(", ") };
      if (options.maxAge !== undefined) out["access-control-max-age"] = String(options.maxAge);
      if (options.allowCredentials) out["access-control-allow-credentials"] = "true";
      return new Response({ statusCode: 204, headers: out });
    }
    // Browsers send Origin on same-origin POSTs too (the app's own /docs "Try it out"): CORS is not about those.
    if (origin === undefined || isSameOrigin(req, origin)) return next();
    if (!allowed(origin)) return origin === "null" ? rejection("CORS_NULL_ORIGIN", []) : rejection("CORS_ORIGIN_FORBIDDEN", [origin]);
    return afterNext(next(), (res) => {
      res.setHeader("access-control-allow-origin", anyOrigin && !options.allowCredentials ? "*" : origin);
      const vary = res.getHeader("vary");
      res.setHeader("vary", vary ? `${vary}, Origin` : "Origin");
      if (options.exposeHeaders?.length) res.setHeader("access-control-expose-headers", options.exposeHeaders.join(", "));
      if (options.allowCredentials) res.setHeader("access-control-allow-credentials", "true");
      return res;
    });
  });
}

/**
 * Origin names the page's scheme, host and port; a request the page sends to
 * its own server carries the same host in Host. The server speaks plain HTTP;
 * behind a TLS-terminating proxy, X-Forwarded-Proto names the scheme the page
 * saw. A browser sets neither Host nor Origin for a script, so a page of
 * another origin cannot make the two agree.
 */
function isSameOrigin(raw: { header(name: string): string | undefined }, origin: string): boolean {
  const host = raw.header("host");
  if (host === undefined) return false;
  const scheme = raw.header("x-forwarded-proto")?.split(",")[0]!.trim().toLowerCase() || "http";
  return withoutDefaultPort(origin.toLowerCase()) === withoutDefaultPort(`${scheme}://${host.toLowerCase()}`);
}

function withoutDefaultPort(origin: string): string {
  return origin.replace(/^(http:\/\/[^/]*?):80$/, "$1").replace(/^(https:\/\/[^/]*?):443$/, "$1");
}
