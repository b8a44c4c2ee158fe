import { Writable } from "node:stream";

/** A writable that keeps what is written, for the CLI's stdout and stderr in tests. */
export function captureStream(): { stream: Writable; text: () => string; reset: () => void } {
  let chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      chunks.push(String(chunk));
      cb();
    },
  });
  return { stream, text: () => chunks.join(""), reset: () => (chunks = []) };
}
