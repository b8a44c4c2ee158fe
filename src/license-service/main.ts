import type { AddressInfo } from "node:net";
import { loadServiceConfig, ServiceConfigError } from "./config.js";
import { createLicenseHandler } from "./handler.js";
import { jsonLogger } from "./log.js";
import { createNodeServer } from "./node.js";

/** Entry point of `authorstack-license-service`: configuration from the environment, node:http, clean shutdown. */
export async function runLicenseService(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const now = () => new Date();
  let config: ReturnType<typeof loadServiceConfig>;
  try {
    config = loadServiceConfig(env);
  } catch (error) {
    if (error instanceof ServiceConfigError) {
      process.stderr.write(
        `${JSON.stringify({ time: now().toISOString(), level: "error", msg: `configuration: ${error.message}` })}\n`,
      );
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  const log = jsonLogger((line) => process.stdout.write(line), [config.whopApiKey], now);
  const server = createNodeServer(createLicenseHandler(config, { log, now }));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  log("info", "listening", {
    port,
    whop_api_url: config.whopApiUrl,
    product: config.whopProductId,
    token_ttl_seconds: config.tokenTtlSeconds,
    public_key: config.publicKeyPem.replace(/\n/g, "\\n"),
  });
  const stop = (signal: string) => {
    log("info", "stopping", { signal });
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}
