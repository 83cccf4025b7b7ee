/**
 * The lifecycle hooks Spikard's fixtures name (`"handler": "add_security_headers"`),
 * implemented once for the generated apps. Copied beside the generated sources
 * (as _hooks.ts) when the runner builds them. A fixture naming a hook that is
 * not here fails to compile, and so fails.
 */
import { randomUUID } from "node:crypto";
import { Request, Response } from "spikard";

type Config = Record<string, unknown> | undefined;
type Hook = (req: Request, res: Response | undefined, config: Config, deps: Record<string, any>) => unknown;

const bearer = (req: Request): string | undefined => /^Bearer (.+)$/.exec(req.headers["authorization"] ?? "")?.[1];
const state = (req: Request, key: string): unknown[] => ((req.state[key] as unknown[] | undefined) ?? (req.state[key] = []));

export const HOOKS: Record<string, Hook> = {
  log_request: (req) => void state(req, "log").push(`${req.method} ${req.path}`),
  add_request_id: (req) => void (req.state.requestId = randomUUID()),
  check_rate_limit: (_req, _res, config) => {
    const max = Number(config?.max_requests ?? 100);
    if (max <= 0) return new Response({ statusCode: 429, content: { error: "Rate limit exceeded", message: "Too many requests, please try again later" }, headers: { "Retry-After": String(config?.window_seconds ?? 60) } });
  },
  validate_auth_token: (req) => {
    const token = bearer(req);
    if (!token) return new Response({ statusCode: 401, content: { error: "Unauthorized", message: "Missing or invalid authentication token" } });
    req.state.user = token.startsWith("admin") ? { id: "admin-456", role: "admin" } : { id: "user-123", role: "user" };
  },
  check_admin_role: (req) => {
    if ((req.state.user as { role?: string } | undefined)?.role !== "admin") return new Response({ statusCode: 403, content: { error: "Forbidden", message: "Admin role required for this endpoint" } });
  },
  check_user_permissions: () => undefined,
  add_security_headers: (_req, res) => {
    res!.setHeader("X-Content-Type-Options", "nosniff").setHeader("X-Frame-Options", "DENY").setHeader("X-XSS-Protection", "1; mode=block").setHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  },
  add_response_time: (req, res) => {
    const started = (req.state.started as number | undefined) ?? Date.now();
    res!.setHeader("X-Response-Time", `${Date.now() - started}ms`);
  },
  log_successful_action: (req) => void state(req, "audit").push("ok"),
  log_error: (req) => void state(req, "errors").push("logged"),
  format_error_response: () => new Response({ statusCode: 500, content: { error: "Internal Server Error", message: "An unexpected error occurred", error_id: randomUUID() }, headers: { "Content-Type": "application/json" } }),
  append_first: (req) => void state(req, "execution_order").push("first_hook"),
  append_second: (req) => void state(req, "execution_order").push("second_hook"),
  append_third: (req) => void state(req, "execution_order").push("third_hook"),
  log_incoming_request: (req, _res, _config, deps) => void (req.state.logLevel = deps.logger?.level),
  check_authentication: (req, _res, _config, deps) => void (req.state.authMode = deps.auth_service?.strict_mode ? "strict" : "lenient"),
};
