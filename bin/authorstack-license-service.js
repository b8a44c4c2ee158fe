#!/usr/bin/env node
// The AuthorStack licence service: holds the Whop API key and signs licence tokens. It is deliberately
// NOT in the published CLI package (package.json "files" leaves out dist/license-service/); run it from
// a checkout after `npm run build`. Configuration by environment: see src/license-service/config.ts.
let service;
try {
  service = await import("../dist/license-service/main.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("license-service"))
    throw error;
  process.stderr.write(
    "authorstack-license-service: the licence service is not part of the published authorstack package.\n" +
      "Run it from a checkout of the AuthorStack repository: npm ci && npm run build && node bin/authorstack-license-service.js\n",
  );
  process.exit(1);
}
await service.runLicenseService();
