import fs from "node:fs";
import path from "node:path";
import { Response } from "../response";
import { toYaml } from "./yaml";
import type { RouteDefinition } from "../route-definition";
import type { RouteMeta } from "../runtime/meta";
import type { OpenApiConfig } from "./config";

const NO_ARGS: RouteMeta = { v: 1, args: [], response: { kind: "dynamic" } };

/** Swagger UI files served under the docs path, from the swagger-ui-dist package (no CDN). */
const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
};

/**
 * Routes serving the document (JSON and YAML) and the interactive docs. The
 * document is rendered once, on first request.
 */
export function openApiRoutes(document: () => Record<string, unknown>, config: OpenApiConfig): RouteDefinition[] {
  const jsonPath = config.path ?? "/openapi.json";
  const yamlPath = jsonPath.replace(/\.json$/, "") + ".yaml";
  let json: string | undefined;
  let yaml: string | undefined;
  // The document and the docs page are public unless configured otherwise: a browser opening /docs sends no token.
  const options = config.public === false ? {} : { skip: ["jwtAuth", "apiKeyAuth"] };
  const route = (p: string, handler: () => unknown): RouteDefinition => ({ method: "GET", path: p, handler, options, meta: NO_ARGS });
  const routes = [
    route(jsonPath, () => new Response({ content: (json ??= JSON.stringify(document())), mediaType: "application/json" })),
    route(yamlPath, () => new Response({ content: (yaml ??= toYaml(document())), mediaType: "application/yaml" })),
  ];
  const docs = config.docsPath === undefined ? "/docs" : config.docsPath;
  if (docs !== false) {
    const dir = path.dirname(require.resolve("swagger-ui-dist/package.json"));
    const cache = new Map<string, Buffer>();
    routes.push(route(docs, () => new Response({ content: docsPage(docs, jsonPath, config.title ?? "API docs"), mediaType: "text/html; charset=utf-8" })));
    for (const [file, type] of Object.entries(ASSETS)) {
      routes.push(
        route(`${docs.replace(/\/$/, "")}/${file}`, () => {
          let body = cache.get(file);
          if (body === undefined) cache.set(file, (body = fs.readFileSync(path.join(dir, file))));
          return new Response({ content: body, mediaType: type, headers: { "cache-control": "public, max-age=86400" } });
        }),
      );
    }
  }
  return routes;
}

function docsPage(docs: string, specUrl: string, title: string): string {
  const base = docs.replace(/\/$/, "");
  const esc = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(title)}</title>
<link rel="stylesheet" href="${base}/swagger-ui.css">
<link rel="icon" type="image/png" href="${base}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="${base}/swagger-ui-bundle.js"></script>
<script src="${base}/swagger-ui-standalone-preset.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: ${JSON.stringify(specUrl)}, dom_id: "#swagger-ui", deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: "StandaloneLayout" });
</script>
</body>
</html>
`;
}
