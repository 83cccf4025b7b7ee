/** `ServerConfig.asyncapi`: the AsyncAPI 3.0 document of the app's WebSocket and SSE routes. */
export interface AsyncApiConfig {
  /** Serve the document. Default true once `asyncapi` is configured. */
  enabled?: boolean;
  title?: string;
  version?: string;
  description?: string;
  /** `id` of the document (a URI), optional in AsyncAPI 3.0. */
  id?: string;
  /** AsyncAPI Server Objects by name: `{ production: { host: "api.example.com", protocol: "wss" } }`. */
  servers?: Record<string, { host: string; protocol: string; pathname?: string; description?: string }>;
  contact?: { name?: string; email?: string; url?: string };
  license?: { name: string; url?: string };
  /** JSON document path. Default "/asyncapi.json" (the YAML form is served beside it, ".yaml"). */
  path?: string;
  /** Served without jwtAuth/apiKeyAuth. Default true. */
  public?: boolean;
}
