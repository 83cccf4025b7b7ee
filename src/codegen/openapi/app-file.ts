import type { Json } from "./load";
import type { SecurityPlan } from "./security";
import type { SpecProblem } from "../errors";

export interface RouterFile {
  /** Module path from DIR, without extension (`routes/todos`). */
  module: string;
  router: string;
}

/**
 * DIR/app.ts: the app factory (the spec's info and servers as its OpenAPI
 * config, the security plan as its auth config), `app` built from the
 * environment, and `app.run()` when the module is executed directly.
 */
export function writeAppFile(header: string, doc: Json, routers: RouterFile[], security: SecurityPlan, notes: SpecProblem[]): string {
  const info = (doc.info ?? {}) as Json;
  const openapi: Json = { title: String(info.title ?? "API"), version: String(info.version ?? "1.0.0") };
  if (typeof info.description === "string") openapi.description = info.description;
  const servers = Array.isArray(doc.servers) ? (doc.servers as Json[]).filter((s) => typeof s?.url === "string") : [];
  if (servers.length > 0) openapi.servers = servers.map((s) => ({ url: s.url, ...(typeof s.description === "string" ? { description: s.description } : {}) }));
  if (servers.some((s) => s.variables !== undefined)) notes.push({ pointer: "#/servers", message: "server variables are not part of the app's OpenAPI config; the URLs are kept as written" });
  const contact = info.contact as Json | undefined;
  if (contact && typeof contact === "object") openapi.contact = pick(contact, ["name", "email", "url"]);
  const license = info.license as Json | undefined;
  if (license && typeof license.name === "string") openapi.license = pick(license, ["name", "url"]);

  const settings: string[] = [];
  const fromEnv: string[] = [];
  const auth: string[] = [];
  if (security.jwt) {
    settings.push("  /** HMAC secret bearer JWTs are verified with (env JWT_SECRET). */\n  jwtSecret: string;");
    fromEnv.push("    jwtSecret: env.JWT_SECRET ?? unguessable(),");
    auth.push("    jwtAuth: { secret: settings.jwtSecret },");
  }
  if (security.apiKey) {
    settings.push(`  /** Accepted API keys in the ${security.apiKey.headerName} header (env API_KEYS, comma-separated). */\n  apiKeys: string[];`);
    fromEnv.push('    apiKeys: (env.API_KEYS ?? "").split(",").map((k) => k.trim()).filter(Boolean),');
    auth.push(`    apiKeyAuth: { keys: settings.apiKeys, headerName: ${JSON.stringify(security.apiKey.headerName)} },`);
  }
  const needsSecret = security.jwt !== undefined;
  const notesBlock = notes.length === 0 ? "" : `/*\n * Where this app differs from the spec (JSON pointers into it):\n${notes.map((n) => ` * - ${n.pointer}: ${n.message.replace(/\*\//g, "*\\/")}`).join("\n")}\n */\n`;
  return `${header}${needsSecret ? 'import { randomBytes } from "node:crypto";\n' : ""}import { Spikard, type ServerConfig } from "spikard";
${routers.map((r) => `import { ${r.router} } from "./${r.module}";`).join("\n")}

${notesBlock}/** What the app takes from its environment. */
export ${settings.length === 0 ? "type AppSettings = Record<never, never>;" : `interface AppSettings {\n${settings.join("\n")}\n}`}

export function settingsFromEnv(${settings.length === 0 ? "" : "env: NodeJS.ProcessEnv = process.env"}): AppSettings {
  return {${fromEnv.length === 0 ? "" : `\n${fromEnv.join("\n")}\n  `}};
}

/** The app of the spec; \`config\` adds to or overrides its ServerConfig. */
export function createApp(settings: AppSettings = settingsFromEnv(), config: ServerConfig = {}): Spikard {
  const app = new Spikard({
    openapi: ${JSON.stringify(openapi, null, 2).replace(/\n/g, "\n    ")},
${auth.length === 0 ? "" : `${auth.join("\n").replace(/^ {4}/gm, "    ")}\n`}    ...config,
  });
${routers.map((r) => `  app.includeRouter(${r.router});`).join("\n")}
  return app;
}
${needsSecret ? `
/** Without JWT_SECRET no token verifies (rather than every token). */
function unguessable(): string {
  return randomBytes(32).toString("hex");
}
` : ""}
export const app = createApp(${settings.length === 0 ? "" : "settingsFromEnv()"});

if (require.main === module) {
${needsSecret ? '  if (process.env.JWT_SECRET === undefined) console.warn("spikard: JWT_SECRET is not set; every bearer token will be rejected");\n' : ""}  app.run();
}
`;
}

function pick(o: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => typeof o[k] === "string").map((k) => [k, o[k]]));
}
