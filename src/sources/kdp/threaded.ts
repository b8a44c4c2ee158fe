import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { InputError } from "../../errors.js";
import { decodeSale, SALE_FIELD_COUNT } from "../../model.js";
import type { KdpFileMeta, KdpParseResult, KdpSink, PaymentRow } from "./parse.js";

/**
 * Parses a large KDP file on a worker thread while the caller's sink (the database) works on the
 * main thread: parsing and inserting then overlap on two cores. Same parser, same events, same
 * errors as parsing in-process.
 */

/** Sales come as runs of records encoded by appendEncodedSale, one flat array per run. */
export type WorkerEvent =
  | ["start", KdpFileMeta]
  | ["month", string]
  | ["sales", unknown[]]
  | ["payment", PaymentRow];

export type WorkerMessage =
  | { type: "events"; events: WorkerEvent[] }
  | { type: "done"; result: KdpParseResult }
  | { type: "error"; exitCode: number; message: string; hint: string | null }
  | { type: "crash"; message: string };

const WORKER_URL = new URL("./worker.js", import.meta.url);

/** False when running from TypeScript sources (tests), where there is no compiled worker to start. */
export function threadedParseAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

export function parseKdpCsvThreaded(path: string, sink: KdpSink): Promise<KdpParseResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_URL, {
      workerData: { path, container: "csv" },
      // A small heap keeps the import's memory flat: the parser's garbage is short-lived.
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 32 },
    });
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      outcome();
    };
    worker.on("message", (message: WorkerMessage) => {
      if (settled) return;
      try {
        switch (message.type) {
          case "events":
            for (const event of message.events) {
              if (event[0] === "sales") {
                const values = event[1];
                for (let offset = 0; offset < values.length; offset += SALE_FIELD_COUNT) {
                  if (sink.saleEncoded) sink.saleEncoded(values, offset);
                  else sink.sale(decodeSale(values, offset));
                }
              } else if (event[0] === "month") sink.month(event[1]);
              else if (event[0] === "payment") sink.payment(event[1]);
              else sink.start(event[1]);
            }
            worker.postMessage("credit");
            break;
          case "done":
            finish(() => resolve(message.result));
            break;
          case "error":
            finish(() =>
              reject(new InputError(message.message, message.hint ? { hint: message.hint } : undefined)),
            );
            break;
          case "crash":
            finish(() => reject(new Error(`KDP parser thread failed: ${message.message}`)));
            break;
        }
      } catch (error) {
        finish(() => reject(error));
      }
    });
    worker.on("error", (error) => finish(() => reject(error)));
    worker.on("exit", (code) =>
      finish(() => reject(new Error(`KDP parser thread exited early (code ${code})`))),
    );
  });
}
