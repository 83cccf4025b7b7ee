export { compression, type CompressionOptions } from "./compression";
export { cors, type CorsOptions } from "./cors";
export { rateLimit, type RateLimitOptions } from "./rate-limit";
export { apiKeyAuth, type ApiKeyOptions } from "./api-key";
export { jwtAuth, JWT_CLAIMS, type JwtOptions } from "./jwt";
export { staticFiles, type StaticFilesOptions } from "./static";
export { requestId, type RequestIdOptions } from "./request-id";
export { timeout, type TimeoutOptions } from "./timeout";
export { afterNext, type Middleware, type Next } from "../pipeline/middleware";
