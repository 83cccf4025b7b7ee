import { describe, expect, it } from "vitest";
import { claimProblem } from "./claims";

const now = 1_700_000_000;
const valid = { sub: "u", exp: now + 60, iss: "auth", aud: ["api"] };
const strict = { issuer: "auth", audience: ["api"], leeway: 0 };

describe("claimProblem", () => {
  it("accepts a token carrying the configured issuer and one accepted audience", () => {
    expect(claimProblem(valid, strict, now)).toBeUndefined();
    expect(claimProblem({ ...valid, aud: "api" }, strict, now)).toBeUndefined();
    expect(claimProblem({ ...valid, aud: ["other", "api"] }, strict, now)).toBeUndefined();
  });

  it("requires iss and aud once an issuer and an audience are configured", () => {
    expect(claimProblem({ sub: "u", exp: now + 60 }, strict, now)).toBe("Token validation failed: Missing required claim: iss");
    expect(claimProblem({ sub: "u", exp: now + 60, aud: ["api"] }, strict, now)).toBe("Token validation failed: Missing required claim: iss");
    expect(claimProblem({ sub: "u", exp: now + 60, iss: "auth" }, strict, now)).toBe("Token validation failed: Missing required claim: aud");
    expect(claimProblem({ sub: "u", exp: now + 60 }, { issuer: "auth", leeway: 0 }, now)).toBe("Token validation failed: Missing required claim: iss");
    expect(claimProblem({ sub: "u", exp: now + 60 }, { audience: ["api"], leeway: 0 }, now)).toBe("Token validation failed: Missing required claim: aud");
  });

  it("requires neither when none is configured", () => {
    expect(claimProblem({ sub: "u", exp: now + 60 }, { leeway: 0 }, now)).toBeUndefined();
    expect(claimProblem({ sub: "u", exp: now + 60, iss: "anyone" }, { leeway: 0 }, now)).toBeUndefined();
  });

  it("refuses an issuer or audience of the wrong shape, never echoing the configured issuer", () => {
    for (const iss of ["evil", "", null, 5, ["auth"], { auth: true }]) expect(claimProblem({ ...valid, iss }, strict, now)).toBe("Token issuer is invalid");
    for (const aud of [[], ["elsewhere"], "elsewhere", [5], [["api"]], { api: true }, null, 0]) expect(claimProblem({ ...valid, aud }, strict, now)).toBe("Token audience is invalid");
  });

  it("refuses an audience when none is accepted", () => {
    expect(claimProblem({ ...valid }, { issuer: "auth", leeway: 0 }, now)).toBe("Token audience is invalid");
  });

  it("checks exp and nbf with the leeway, and exp before presence of the rest", () => {
    expect(claimProblem({ iss: "auth", aud: ["api"] }, strict, now)).toBe("Token validation failed: Missing required claim: exp");
    expect(claimProblem({ ...valid, exp: "soon" }, strict, now)).toBe("Token validation failed: Missing required claim: exp");
    expect(claimProblem({ ...valid, exp: now - 5 }, strict, now)).toBe("Token has expired");
    expect(claimProblem({ ...valid, exp: now - 5 }, { ...strict, leeway: 10 }, now)).toBeUndefined();
    expect(claimProblem({ ...valid, nbf: now + 30 }, strict, now)).toBe("JWT not valid yet, not before claim is in the future");
    expect(claimProblem({ ...valid, nbf: "later" }, strict, now)).toBe("Token is invalid");
    expect(claimProblem({ ...valid, nbf: now + 30 }, { ...strict, leeway: 60 }, now)).toBeUndefined();
  });
});
