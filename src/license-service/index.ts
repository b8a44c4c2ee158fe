/**
 * The AuthorStack licence service (not part of the CLI package: package.json "files" excludes
 * dist/license-service/). See handler.ts for the HTTP API and config.ts for its settings.
 */
export { loadServiceConfig, parseDuration, type ServiceConfig, ServiceConfigError } from "./config.js";
export {
  createLicenseHandler,
  type HandlerOptions,
  type LicenseHandler,
  type RequestInfo,
} from "./handler.js";
export { jsonLogger, type Logger } from "./log.js";
export { createNodeServer } from "./node.js";
