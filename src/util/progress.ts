import type { Deps } from "../deps.js";

/**
 * One self-rewriting progress line on stderr, at most ten updates a second. Callers create it only
 * on a TTY and without --quiet (CLI contract: progress goes to stderr, on a TTY only).
 */
export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(private readonly deps: Pick<Deps, "stderr">) {}

  update(text: string | (() => string)): void {
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.deps.stderr.write(`\r\x1b[2K${typeof text === "function" ? text() : text}`);
    this.shown = true;
  }

  end(): void {
    if (this.shown) this.deps.stderr.write("\r\x1b[2K");
    this.shown = false;
  }
}
