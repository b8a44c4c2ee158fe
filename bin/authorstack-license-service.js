#!/usr/bin/env node
// The AuthorStack licence service (holds the Whop API key; never shipped in the CLI package).
// Configuration by environment: see src/license-service/config.ts.
import { runLicenseService } from "../dist/license-service/main.js";

await runLicenseService();
