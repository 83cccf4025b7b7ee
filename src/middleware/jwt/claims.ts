/** What a verified token's claims must satisfy, from JwtOptions. */
export interface ClaimExpectations {
  issuer?: string | undefined;
  audience?: readonly string[] | undefined;
  /** Seconds of clock skew tolerated for exp/nbf. */
  leeway: number;
}

/**
 * The first claim a verified token fails, as the 401's detail, or undefined.
 * jsonwebtoken's order (Spikard's errors read as its): required claims first,
 * then exp → nbf → iss → aud. A configured issuer or audience makes its claim
 * required: a token minted for another service on the same key carries none of
 * ours, or none at all, and must not pass. No detail repeats a configured
 * value: the 401 goes to a client that has not authenticated.
 */
export function claimProblem(claims: Record<string, unknown>, expect: ClaimExpectations, now = Math.floor(Date.now() / 1000)): string | undefined {
  if (typeof claims.exp !== "number") return missing("exp");
  if (expect.issuer !== undefined && claims.iss === undefined) return missing("iss");
  if (expect.audience !== undefined && claims.aud === undefined) return missing("aud");
  if (claims.exp < now - expect.leeway) return "Token has expired";
  if (claims.nbf !== undefined && typeof claims.nbf !== "number") return "Token is invalid";
  if (typeof claims.nbf === "number" && claims.nbf > now + expect.leeway) return "JWT not valid yet, not before claim is in the future";
  if (expect.issuer !== undefined && claims.iss !== expect.issuer) return "Token issuer is invalid";
  if (claims.aud !== undefined) {
    const aud: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const accepted = expect.audience;
    // An `aud` we were not told to accept is refused (RFC 7519 §4.1.3).
    if (accepted === undefined || !aud.some((a) => typeof a === "string" && accepted.includes(a))) return "Token audience is invalid";
  }
  return undefined;
}

const missing = (claim: string): string => `Token validation failed: Missing required claim: ${claim}`;
