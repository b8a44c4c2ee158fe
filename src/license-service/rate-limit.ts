/**
 * Fixed-window request counters (one minute) per client IP and per licence key hash, in memory.
 * One service instance is enough for a CLI's licence checks; behind several instances each keeps its
 * own counters, which only makes the limit looser, never wrong.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limitPerWindow: number,
    private readonly windowMs = 60_000,
  ) {}

  /** Counts one request; returns 0 when allowed, else the seconds until the window resets. */
  hit(id: string, nowMs: number): number {
    let window = this.windows.get(id);
    if (!window || nowMs - window.start >= this.windowMs) {
      window = { start: nowMs, count: 0 };
      this.windows.set(id, window);
      if (this.windows.size > 10_000) this.sweep(nowMs);
    }
    window.count += 1;
    if (window.count <= this.limitPerWindow) return 0;
    return Math.max(1, Math.ceil((window.start + this.windowMs - nowMs) / 1000));
  }

  private sweep(nowMs: number): void {
    for (const [id, window] of this.windows)
      if (nowMs - window.start >= this.windowMs) this.windows.delete(id);
  }
}
