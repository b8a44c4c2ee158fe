import { Writable } from "node:stream";
import type { Deps } from "../deps.js";

/**
 * Streams for @inquirer/prompts: it ends its output stream when a prompt closes, so it gets a
 * forwarding stream onto stderr rather than stderr itself (which must stay open for messages).
 */
export function promptContext(deps: Deps): { input: Deps["stdin"]; output: Writable } {
  const output = new Writable({
    write(chunk, _encoding, callback) {
      deps.stderr.write(chunk, () => callback());
    },
  });
  Object.assign(output, {
    isTTY: deps.stderr.isTTY,
    columns: (deps.stderr as { columns?: number }).columns ?? 80,
  });
  return { input: deps.stdin, output };
}
