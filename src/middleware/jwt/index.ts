import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";

export interface JwtOptions {
  /** HMAC secret, or a PEM public key for RS/ES/PS algorithms. */
  secret: string;
  /** Default "HS256". */
  algorithm?: "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "PS256" | "PS384" | "PS512";
  /** Accepted `aud` values; a token with an `aud` is rejected when none are configured. */
  audience?: string[];
  issuer?: string;
  /** Seconds of clock skew tolerated for exp/nbf. Default 0. */
  leeway?: number;
}

/** Where verified claims are left for handlers and hooks: `req.state.jwt`. */
export const JWT_CLAIMS = "jwt";

/**
 * Requires `Authorization: Bearer <JWT>`, verified with fast-jwt
 * (synchronously, so the check adds no await to the request path); claims
 * are checked in jsonwebtoken's order so errors read as Spikard's 401s.
 */
export function jwtAuth(options: JwtOptions): Middleware {
  const algorithm = options.algorithm ?? "HS256";
  // Required here, not at the top: fast-jwt (with its crypto dependencies) costs ~11 ms of start-up for apps without JWT.
  const { createVerifier } = require("fast-jwt") as typeof import("fast-jwt");
  const verify = createVerifier({ key: options.secret, algorithms: [algorithm], ignoreExpiration: true, ignoreNotBefore: true });
  const leeway = options.leeway ?? 0;
  return readOnlyBeforeNext(function jwtAuth(req, next) {
    const header = req.header("authorization");
    if (header === undefined) return rejection("UNAUTHORIZED", ["Missing or invalid Authorization header", "Expected 'Authorization: Bearer <token>'"]);
    if (!header.startsWith("Bearer ")) return rejection("UNAUTHORIZED", ["Invalid Authorization header format", "Authorization header must use Bearer scheme: 'Bearer <token>'"]);
    const token = header.slice(7).trim();
    const parts = token.split(".").length;
    if (parts !== 3) return rejection("UNAUTHORIZED", ["Malformed JWT token", `Malformed JWT token: expected 3 parts separated by dots, found ${parts}`]);
    let claims: Record<string, unknown>;
    try {
      claims = verify(token) as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code;
      const detail = code === "FAST_JWT_INVALID_SIGNATURE" || code === "FAST_JWT_MALFORMED" ? "Token signature is invalid" : "Token is invalid";
      return rejection("UNAUTHORIZED", ["JWT validation failed", detail]);
    }
    const problem = claimProblem(claims, options, leeway);
    if (problem !== undefined) return rejection("UNAUTHORIZED", ["JWT validation failed", problem]);
    req.state[JWT_CLAIMS] = claims;
    return next();
  });
}

/** exp (required) → nbf → iss → aud, as jsonwebtoken checks them. */
function claimProblem(claims: Record<string, unknown>, o: JwtOptions, leeway: number): string | undefined {
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== "number") return "Token validation failed: Missing required claim: exp";
  if (claims.exp < now - leeway) return "Token has expired";
  if (typeof claims.nbf === "number" && claims.nbf > now + leeway) return "JWT not valid yet, not before claim is in the future";
  if (o.issuer !== undefined && claims.iss !== undefined && claims.iss !== o.issuer) return `Token issuer is invalid, expected '${o.issuer}'`;
  if (claims.aud !== undefined) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (o.audience === undefined || !aud.some((a) => o.audience!.includes(String(a)))) return "Token audience is invalid";
  }
  return undefined;
}
