/**
 * The lifecycle hooks Spikard's fixtures name (`{"name": "security_headers",
 * "handler": "add_security_headers"}`), implemented once for the generated apps
 * and copied beside their sources (as _hooks.ts) when the runner builds them.
 *
 * A fixture names a hook but carries no code, so `hook()` resolves one the way
 * Spikard's own test generator mocks them: by the exact handler name first,
 * then by what the handler or hook name says it does (`*security*`, `*timing*`,
 * `*rate_limit*`, `*auth*`), and otherwise as a pass-through. Fixtures of
 * these categories that we have not seen keep working when they name a hook
 * differently.
 */
import { randomUUID } from "node:crypto";
import { Request, Response, type AnyResponse } from "spikard";

type Config = Record<string, unknown> | undefined;
type Hook = (req: Request, res: AnyResponse | undefined, config: Config, deps: Record<string, any>) => unknown;

const bearer = (req: Request): string | undefined => /^Bearer (.+)$/.exec(req.headers["authorization"] ?? "")?.[1];
const state = (req: Request, key: string): unknown[] => ((req.state[key] as unknown[] | undefined) ?? (req.state[key] = []));
const unauthorized = () => new Response({ statusCode: 401, content: { error: "Unauthorized", message: "Invalid or expired authentication token" } });

const checkRateLimit: Hook = (_req, _res, config) => {
  const max = Number(config?.max_requests ?? 100);
  if (max <= 0) return new Response({ statusCode: 429, content: { error: "Rate limit exceeded", message: "Too many requests, please try again later" }, headers: { "Retry-After": String(config?.window_seconds ?? 60) } });
};
const validateAuthToken: Hook = (req) => {
  const token = bearer(req);
  // The fixtures' tokens say what they are: "valid-token-…", "admin-token-…", "invalid-token", "expired-token".
  if (!token || /invalid|expired/i.test(token)) return unauthorized();
  req.state.user = token.startsWith("admin") ? { id: "admin-456", role: "admin" } : { id: "user-123", role: "user" };
};
const checkAdminRole: Hook = (req) => {
  if ((req.state.user as { role?: string } | undefined)?.role !== "admin") return new Response({ statusCode: 403, content: { error: "Forbidden", message: "Admin role required for this endpoint" } });
};
// A hook resolved by its purpose may be registered on a request phase (no response yet) or on onResponse.
const addSecurityHeaders: Hook = (_req, res) => {
  res?.setHeader("X-Content-Type-Options", "nosniff").setHeader("X-Frame-Options", "DENY").setHeader("X-XSS-Protection", "1; mode=block").setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
};
/** On a request phase a timing hook starts the clock (`start_timer`); on onResponse it reports the time taken. */
const addResponseTime: Hook = (req, res) => {
  if (res === undefined) {
    req.state.started = Date.now();
    return;
  }
  const started = (req.state.started as number | undefined) ?? Date.now();
  res.setHeader("X-Response-Time", `${Date.now() - started}ms`);
};
const passThrough: Hook = () => undefined;

export const HOOKS: Record<string, Hook> = {
  log_request: (req) => void state(req, "log").push(`${req.method} ${req.path}`),
  add_request_id: (req) => void (req.state.requestId = randomUUID()),
  check_rate_limit: checkRateLimit,
  validate_auth_token: validateAuthToken,
  check_admin_role: checkAdminRole,
  check_user_permissions: passThrough,
  add_security_headers: addSecurityHeaders,
  add_response_time: addResponseTime,
  log_successful_action: (req) => void state(req, "audit").push("ok"),
  log_error: (req) => void state(req, "errors").push("logged"),
  format_error_response: () => new Response({ statusCode: 500, content: { error: "Internal Server Error", message: "An unexpected error occurred", error_id: randomUUID() }, headers: { "Content-Type": "application/json" } }),
  append_first: (req) => void state(req, "execution_order").push("first_hook"),
  append_second: (req) => void state(req, "execution_order").push("second_hook"),
  append_third: (req) => void state(req, "execution_order").push("third_hook"),
  log_incoming_request: (req, _res, _config, deps) => void (req.state.logLevel = deps.logger?.level),
  check_authentication: (req, _res, _config, deps) => void (req.state.authMode = deps.auth_service?.strict_mode ? "strict" : "lenient"),
};

/** What a hook does when its handler name is not one of the above, from the words in its names. */
const BY_PURPOSE: Array<[RegExp, Hook]> = [
  [/security/, addSecurityHeaders],
  [/timing|timer|response_time|duration/, addResponseTime],
  [/rate_?limit|throttl/, checkRateLimit],
  [/admin|role|authoriz/, checkAdminRole],
  [/auth|token/, validateAuthToken],
  [/request_?id/, HOOKS.add_request_id!],
];

export function hook(handler: string | undefined, name: string | undefined): Hook {
  const exact = handler !== undefined ? HOOKS[handler] : undefined;
  if (exact) return exact;
  const words = `${handler ?? ""} ${name ?? ""}`.toLowerCase();
  return BY_PURPOSE.find(([re]) => re.test(words))?.[1] ?? passThrough;
}
