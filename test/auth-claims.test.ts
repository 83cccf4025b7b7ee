import { generateKeyPairSync } from "node:crypto";
import { createSigner } from "fast-jwt";
import { afterAll, describe, expect, it } from "vitest";
import { Request, Spikard, type ServerConfig } from "spikard";
import { LiveTestClient, TestClient, type TestResponse } from "spikard/testing";

// Issue 14, items 2 and 12: a token signed with the right key but minted for another service
// (no iss, no aud, or someone else's) is refused; no 401 repeats the configured issuer to a
// client that has not authenticated; every 401 says how to authenticate (WWW-Authenticate).

const quiet = { error: () => undefined, warn: () => undefined, info: () => undefined };
const now = Math.floor(Date.now() / 1000);
const ISSUER = "https://auth.internal.example";
const lives: LiveTestClient[] = [];
afterAll(async () => {
  for (const l of lives) await l.close();
});

function build(config: ServerConfig): Spikard {
  const app = new Spikard({ logger: quiet, ...config });
  app.get("/me", (req: Request) => ({ sub: (req.state.jwt as { sub: string }).sub }));
  return app;
}

/** The same app over TestClient and a real socket. */
function clients(config: ServerConfig): Array<[string, TestClient | LiveTestClient]> {
  const live = new LiveTestClient(build(config));
  lives.push(live);
  return [
    ["TestClient", new TestClient(build(config))],
    ["a real socket", live],
  ];
}

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const algorithms = [
  { name: "HS256", verifyKey: "shared-secret-of-several-services", sign: createSigner({ key: "shared-secret-of-several-services", algorithm: "HS256" }) },
  { name: "RS256", verifyKey: publicKey, sign: createSigner({ key: privateKey, algorithm: "RS256" }) },
] as const;

function expectRefused(res: TestResponse, detail: string): void {
  res.assertStatus(401);
  expect(res.json()).toEqual({ type: "https://spikard.dev/errors/unauthorized", title: "JWT validation failed", status: 401, detail });
  expect(res.headers["www-authenticate"]).toBe(`Bearer realm="api", error="invalid_token", error_description="${detail}"`);
  expect(res.text()).not.toContain(ISSUER);
  expect(res.headers["www-authenticate"]).not.toContain(ISSUER);
}

for (const alg of algorithms) {
  describe.each(clients({ jwtAuth: { secret: alg.verifyKey, algorithm: alg.name, issuer: ISSUER, audience: ["billing"] } }))(`${alg.name} with issuer and audience configured, over %s`, (_n, client) => {
    const call = (claims: Record<string, unknown>) => client.get("/me", { headers: { authorization: `Bearer ${alg.sign(claims)}` } });

    it("accepts a token carrying both", async () => {
      expect((await call({ sub: "u1", exp: now + 60, iss: ISSUER, aud: ["billing"] })).assertStatusOk().json()).toEqual({ sub: "u1" });
    });

    it("refuses a token with neither iss nor aud", async () => {
      expectRefused(await call({ sub: "u1", exp: now + 60 }), "Token validation failed: Missing required claim: iss");
    });

    it("refuses a token without aud, or without iss", async () => {
      expectRefused(await call({ sub: "u1", exp: now + 60, iss: ISSUER }), "Token validation failed: Missing required claim: aud");
      expectRefused(await call({ sub: "u1", exp: now + 60, aud: ["billing"] }), "Token validation failed: Missing required claim: iss");
    });

    it("refuses another issuer without naming the configured one", async () => {
      expectRefused(await call({ sub: "u1", exp: now + 60, iss: "https://evil.example", aud: ["billing"] }), "Token issuer is invalid");
      expectRefused(await call({ sub: "u1", exp: now + 60, iss: [ISSUER], aud: ["billing"] }), "Token issuer is invalid");
    });

    it("refuses another audience", async () => {
      expectRefused(await call({ sub: "u1", exp: now + 60, iss: ISSUER, aud: ["search"] }), "Token audience is invalid");
      expectRefused(await call({ sub: "u1", exp: now + 60, iss: ISSUER, aud: [] }), "Token audience is invalid");
    });
  });
}

describe.each(clients({ jwtAuth: { secret: "s", realm: "billing" } }))("the Bearer challenge over %s", (_n, client) => {
  it("names only the realm when no bearer token was sent (RFC 6750 §3.1)", async () => {
    for (const headers of [{}, { authorization: "Basic dXNlcjpwYXNz" }, { authorization: "bearer lower.case.scheme" }] as Array<Record<string, string>>) {
      const res = await client.get("/me", { headers });
      res.assertStatus(401);
      expect(res.headers["www-authenticate"]).toBe('Bearer realm="billing"');
    }
  });

  it("says invalid_token for a refused token", async () => {
    const res = await client.get("/me", { headers: { authorization: "Bearer a.b" } });
    res.assertStatus(401);
    expect(res.headers["www-authenticate"]).toBe('Bearer realm="billing", error="invalid_token", error_description="Malformed JWT token: expected 3 parts separated by dots, found 2"');
    const forged = await client.get("/me", { headers: { authorization: `Bearer ${createSigner({ key: "other" })({ sub: "x", exp: now + 60 })}` } });
    expect(forged.headers["www-authenticate"]).toBe('Bearer realm="billing", error="invalid_token", error_description="Token signature is invalid"');
  });
});

describe.each(clients({ apiKeyAuth: { keys: ["k1"], headerName: "X-Service-Key" } }))("the API key challenge over %s", (_n, client) => {
  it("answers every 401 with WWW-Authenticate naming the scheme and the header", async () => {
    for (const headers of [{}, { "x-service-key": "wrong" }] as Array<Record<string, string>>) {
      const res = await client.get("/me", { headers });
      res.assertStatus(401);
      expect(res.headers["www-authenticate"]).toBe('ApiKey realm="api", header="X-Service-Key"');
    }
  });
});
