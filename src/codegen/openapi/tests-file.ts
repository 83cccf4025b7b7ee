import type { HandlerOutput } from "./routes-file";
import { indentJson } from "./routes-file";
import { pathOf, type InvalidRequest, type SampleRequest } from "./requests";
import type { SecurityPlan } from "./security";

export interface OperationTest {
  handler: HandlerOutput;
  valid: SampleRequest | string;
  invalid?: InvalidRequest;
}

/**
 * DIR/<tag>.test.ts: per operation, a valid request reaches the handler (an
 * untouched handler answers the spec's example or 501; an edited one
 * anything but the framework's rejection) and an invalid one answers 422 at
 * the right `loc`. Regenerated on every run, so they follow edited handlers.
 */
export function writeTestFile(header: string, tests: OperationTest[], security: SecurityPlan): string {
  const blocks = tests.map(({ handler, valid, invalid }) => {
    const { op } = handler;
    const method = op.method === "get" || op.method === "post" || op.method === "put" || op.method === "patch" || op.method === "delete" || op.method === "head" || op.method === "options" ? op.method : undefined;
    const call = (r: SampleRequest, withCredentials = true): string => `${method ? `client.${method}(` : `client.request(${JSON.stringify(op.method.toUpperCase())}, `}${JSON.stringify(pathOf(r))}, ${options(r, withCredentials)})`;
    const lines: string[] = [`describe(${JSON.stringify(`${op.operationId}: ${op.method.toUpperCase()} ${op.path}`)}, () => {`];
    if (typeof valid === "string") {
      lines.push(`  it.skip(${JSON.stringify(`reaches the handler (${valid})`)}, () => {});`);
    } else {
      lines.push(`  it("reaches the handler with a valid request", async () => {`, `    const res = await ${call(valid)};`);
      if (handler.edited) lines.push("    expect(rejection(res), res.text()).toBeUndefined();");
      else if (handler.example !== undefined) {
        lines.push(`    expect(res.statusCode, res.text()).toBe(${op.success.status});`);
        lines.push(handler.textual ? `    expect(res.text()).toBe(${JSON.stringify(handler.example)});` : `    expect(res.json()).toEqual(${indentJson(handler.example, "    ")});`);
      } else lines.push("    expect(res.statusCode, res.text()).toBe(501);");
      lines.push("  });");
    }
    if (typeof valid !== "string" && (security.jwt || security.apiKey)) {
      lines.push(
        `  it("answers 401 without credentials", async () => {`,
        `    const res = await ${call(valid, false)};`,
        "    expect(res.statusCode, res.text()).toBe(401);",
        "  });",
      );
    }
    if (invalid !== undefined) {
      lines.push(
        `  it(${JSON.stringify(`answers 422 at ${invalid.loc.join(".")} ${invalid.what}`)}, async () => {`,
        `    const res = await ${call(invalid.request)};`,
        "    expect(res.statusCode, res.text()).toBe(422);",
        `    expect(res.json<{ errors: Array<{ loc: unknown }> }>().errors.map((e) => e.loc)).toContainEqual(${JSON.stringify(invalid.loc)});`,
        "  });",
      );
    }
    lines.push("});");
    return lines.join("\n");
  });
  return `${header}import { describe, expect, it } from "vitest";
import { TestClient } from "spikard/testing";
import { createApp } from "./app";
import { TEST_SETTINGS, credentials, rejection } from "./test-support";

const client = new TestClient(createApp(TEST_SETTINGS));

${blocks.join("\n\n")}
`;
}

function options(r: SampleRequest, withCredentials: boolean): string {
  const parts: string[] = [];
  if (Object.keys(r.query).length > 0) parts.push(`query: ${JSON.stringify(r.query)}`);
  const headers = [...(withCredentials ? ["...credentials()"] : []), ...Object.entries(r.headers).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)];
  parts.push(`headers: ${headers.length ? `{ ${headers.join(", ")} }` : "{}"}`);
  if (Object.keys(r.cookies).length > 0) parts.push(`cookies: ${JSON.stringify(r.cookies)}`);
  if (r.json !== undefined) parts.push(`json: ${JSON.stringify(r.json)}`);
  if (r.form !== undefined) parts.push(`form: ${JSON.stringify(r.form)}`);
  if (r.files !== undefined) parts.push(`files: ${JSON.stringify(r.files)}`);
  if (r.body !== undefined) parts.push(`body: ${JSON.stringify(r.body)}`);
  return `{ ${parts.join(", ")} }`;
}

/** DIR/test-support.ts: the credentials the app's authentication asks for, and what a framework rejection looks like. */
export function writeTestSupport(header: string, security: SecurityPlan): string {
  const settings: string[] = [];
  const creds: string[] = [];
  if (security.jwt) {
    settings.push('jwtSecret: "spikard-generated-tests"');
    creds.push("authorization: `Bearer ${jwt(TEST_SETTINGS.jwtSecret)}`");
  }
  if (security.apiKey) {
    settings.push('apiKeys: ["spikard-test-key"]');
    creds.push(`${JSON.stringify(security.apiKey.headerName.toLowerCase())}: "spikard-test-key"`);
  }
  return `${header}${security.jwt ? 'import { createHmac } from "node:crypto";\n' : ""}import type { TestResponse } from "spikard/testing";
import type { AppSettings } from "./app";

export const TEST_SETTINGS: AppSettings = { ${settings.join(", ")} };

/** The headers the app's authentication asks for. */
export function credentials(): Record<string, string> {
  return { ${creds.join(", ")} };
}
${security.jwt ? `
/** An HS256 JWT valid for an hour. */
function jwt(secret: string): string {
  const part = (o: object): string => Buffer.from(JSON.stringify(o)).toString("base64url");
  const unsigned = \`\${part({ alg: "HS256", typ: "JWT" })}.\${part({ sub: "spikard-tests", exp: Math.floor(Date.now() / 1000) + 3600 })}\`;
  return \`\${unsigned}.\${createHmac("sha256", secret).update(unsigned).digest("base64url")}\`;
}
` : ""}
const REJECTIONS: Record<number, string> = {
  400: "https://spikard.dev/errors/bad-request",
  401: "https://spikard.dev/errors/unauthorized",
  405: "https://spikard.dev/errors/method-not-allowed",
  413: "https://spikard.dev/errors/payload-too-large",
  415: "https://spikard.dev/errors/unsupported-media-type",
  422: "https://spikard.dev/errors/validation-error",
};

/** Why the framework refused the request before its handler ran, if it did. */
export function rejection(res: TestResponse): string | undefined {
  let problem: { type?: string; title?: string } = {};
  try {
    problem = res.json();
  } catch {
    return undefined;
  }
  if (res.statusCode === 404 && problem.title === "Resource Not Found") return "no route matched";
  return REJECTIONS[res.statusCode] !== undefined && problem?.type === REJECTIONS[res.statusCode] ? \`\${res.statusCode} \${problem.title}\` : undefined;
}
`;
}
