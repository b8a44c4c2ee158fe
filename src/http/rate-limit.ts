/**
 * Client-side request-rate cap shared by every request of one client (and so by concurrent
 * windows of one sync): requests are spaced at least 1/rate seconds apart. Slots are reserved
 * synchronously, so concurrent callers queue fairly without a timer per waiter.
 */
export class RateLimiter {
  private nextSlot = 0;
  private readonly intervalMs: number;

  constructor(
    requestsPerSecond: number,
    private readonly clock: () => number = () => Date.now(),
  ) {
    this.intervalMs =
      requestsPerSecond > 0 && Number.isFinite(requestsPerSecond) ? 1000 / requestsPerSecond : 0;
  }

  /** Reserves the next free slot; returns how long the caller must wait for it (ms). */
  reserve(): number {
    if (this.intervalMs === 0) return 0;
    const now = this.clock();
    const slot = Math.max(now, this.nextSlot);
    this.nextSlot = slot + this.intervalMs;
    return slot - now;
  }

  /** Holds every later request back for `ms` (after a 429: the service wants fewer requests). */
  pause(ms: number): void {
    this.nextSlot = Math.max(this.nextSlot, this.clock() + ms);
  }

  /** Resolves when the caller may send its request. */
  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await sleep(wait);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
