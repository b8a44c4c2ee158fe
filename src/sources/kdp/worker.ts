import { parentPort, workerData } from "node:worker_threads";
import { AuthorstackError } from "../../errors.js";
import { appendEncodedSale } from "../../model.js";
import { type Container, parseKdpPath } from "./open.js";
import type { KdpSink } from "./parse.js";
import type { WorkerEvent, WorkerMessage } from "./threaded.js";

/**
 * Worker-thread side of a threaded parse: runs the ordinary parser and posts its sink calls to the
 * main thread in batches, waiting for credit so that batches never pile up behind a slow database.
 */
const BATCH_EVENTS = 2000;
const MAX_IN_FLIGHT = 4;

const port = parentPort!;
const { path, container } = workerData as { path: string; container: Container };
let inFlight = 0;
let wake: (() => void) | null = null;
port.on("message", (message: string) => {
  if (message === "credit") {
    inFlight--;
    wake?.();
    wake = null;
  }
});

let events: WorkerEvent[] = [];
let pendingSales = 0;
async function flush(): Promise<void> {
  if (events.length > 0) {
    port.postMessage({ type: "events", events } satisfies WorkerMessage);
    events = [];
    pendingSales = 0;
    inFlight++;
  }
  while (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((resolve) => (wake = resolve));
}

const sink: KdpSink = {
  start: (meta) => events.push(["start", meta]),
  month: (month) => events.push(["month", month]),
  sale: (record) => {
    // Consecutive sales travel as one flat array of values (cheap to copy between threads).
    const last = events[events.length - 1];
    if (last?.[0] === "sales") appendEncodedSale(last[1], record);
    else {
      const run: unknown[] = [];
      appendEncodedSale(run, record);
      events.push(["sales", run]);
    }
    pendingSales++;
  },
  payment: (row) => events.push(["payment", row]),
  drain: async () => {
    if (events.length + pendingSales >= BATCH_EVENTS) await flush();
  },
};

try {
  const result = await parseKdpPath(path, container, sink);
  await flush();
  port.postMessage({ type: "done", result } satisfies WorkerMessage);
} catch (error) {
  const message: WorkerMessage =
    error instanceof AuthorstackError
      ? { type: "error", exitCode: error.exitCode, message: error.message, hint: error.hint ?? null }
      : { type: "crash", message: (error as Error)?.stack ?? String(error) };
  port.postMessage(message);
}
port.close();
