#!/usr/bin/env node
// Kept tiny: everything heavy is imported by the command that needs it.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-V")) {
  // The most common probe of a CLI answers without loading the command tree.
  const { readFileSync } = await import("node:fs");
  process.stdout.write(`${JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")).version}\n`);
} else {
  const { runMain } = await import("../dist/main.js");
  await runMain();
}
