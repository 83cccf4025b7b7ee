import { openApiRoutes } from "../openapi/routes";
import type { RouteDefinition } from "../route-definition";
import type { AsyncApiConfig } from "./config";

/** `/asyncapi.json` and `/asyncapi.yaml` (rendered once, on first request), public unless configured otherwise. */
export function asyncApiRoutes(document: () => Record<string, unknown>, config: AsyncApiConfig): RouteDefinition[] {
  // The OpenAPI routes serve any document as JSON and YAML; AsyncAPI has no docs page of its own here.
  return openApiRoutes(document, { path: config.path ?? "/asyncapi.json", docsPath: false, public: config.public });
}
