import { readOnlyBeforeNext, type Middleware } from "../../pipeline/middleware";
import { rejection } from "../../pipeline/payload-response";
import { challenge } from "../challenge";
import { claimProblem } from "./claims";

export interface JwtOptions {
  /** HMAC secret, or a PEM public key for RS/ES/PS algorithms. */
  secret: string;
  /** Default "HS256". */
  algorithm?: "HS256" | "HS384" | "HS512" | "RS256" | "RS384" | "RS512" | "ES256" | "ES384" | "PS256" | "PS384" | "PS512";
  /** Accepted `aud` values. When set, a token must carry one of them; a token with an `aud` is rejected when none are configured. */
  audience?: string[];
  /** Required `iss`. When set, a token without it, or with another, is rejected. */
  issuer?: string;
  /** Seconds of clock skew tolerated for exp/nbf. Default 0. */
  leeway?: number;
  /** The `realm` of the 401's `WWW-Authenticate: Bearer` challenge (RFC 6750 §3). Default "api". */
  realm?: string;
}

/** Where verified claims are left for handlers and hooks: `req.state.jwt`. */
export const JWT_CLAIMS = "jwt";

/**
 * Requires `Authorization: Bearer <JWT>`, verified with fast-jwt
 * (synchronously, so the check adds no await to the request path); claims
 * are checked in jsonwebtoken's order so errors read as Spikard's 401s.
 * Every 401 carries a Bearer challenge: without an error code when no bearer
 * token was sent, `error="invalid_token"` when one was refused (RFC 6750 §3).
 */
export function jwtAuth(options: JwtOptions): Middleware {
  const algorithm = options.algorithm ?? "HS256";
  // Required here, not at the top: fast-jwt (with its crypto dependencies) costs ~11 ms of start-up for apps without JWT.
  const { createVerifier } = require("fast-jwt") as typeof import("fast-jwt");
  const verify = createVerifier({ key: options.secret, algorithms: [algorithm], ignoreExpiration: true, ignoreNotBefore: true });
  const expect = { issuer: options.issuer, audience: options.audience, leeway: options.leeway ?? 0 };
  const realm = options.realm ?? "api";
  const noToken = ["www-authenticate", challenge("Bearer", { realm })];
  const refused = (title: string, detail: string) => rejection("UNAUTHORIZED", [title, detail], ["www-authenticate", challenge("Bearer", { realm, error: "invalid_token", error_description: detail })]);
  return readOnlyBeforeNext(function jwtAuth(req, next) {
    const header = req.header("authorization");
    if (header === undefined) return rejection("UNAUTHORIZED", ["Missing or invalid Authorization header", "Expected 'Authorization: Bearer <token>'"], noToken);
    if (!header.startsWith("Bearer ")) return rejection("UNAUTHORIZED", ["Invalid Authorization header format", "Authorization header must use Bearer scheme: 'Bearer <token>'"], noToken);
    const token = header.slice(7).trim();
    const parts = token.split(".").length;
    if (parts !== 3) return refused("Malformed JWT token", `Malformed JWT token: expected 3 parts separated by dots, found ${parts}`);
    let claims: Record<string, unknown>;
    try {
      claims = verify(token) as Record<string, unknown>;
    } catch (err) {
      const code = (err as { code?: string }).code;
      return refused("JWT validation failed", code === "FAST_JWT_INVALID_SIGNATURE" || code === "FAST_JWT_MALFORMED" ? "Token signature is invalid" : "Token is invalid");
    }
    const problem = claims !== null && typeof claims === "object" && !Array.isArray(claims) ? claimProblem(claims, expect) : "Token is invalid";
    if (problem !== undefined) return refused("JWT validation failed", problem);
    req.state[JWT_CLAIMS] = claims;
    return next();
  });
}
