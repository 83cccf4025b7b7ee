/** `ServerConfig.openapi`, after the seed's OpenApiConfig. */
export interface OpenApiConfig {
  /** Serve the document and the docs UI. Default true once `openapi` is configured. */
  enabled?: boolean;
  title?: string;
  version?: string;
  description?: string;
  servers?: Array<{ url: string; description?: string }>;
  contact?: { name?: string; email?: string; url?: string };
  license?: { name: string; url?: string };
  /** JSON document path. Default "/openapi.json" (the YAML form is served beside it, ".yaml"). */
  path?: string;
  /** Interactive docs (Swagger UI, assets served locally). Default "/docs"; false disables. */
  docsPath?: string | false;
  /** The document and docs are served without jwtAuth/apiKeyAuth. Default true; false puts them behind auth like every route. */
  public?: boolean;
}
