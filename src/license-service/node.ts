import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { LicenseHandler } from "./handler.js";

const MAX_BODY_BYTES = 64 * 1024;

/**
 * node:http adapter for the fetch-style handler: IncomingMessage → Request, Response → ServerResponse.
 * The TCP peer address is passed on as the client IP (rate limits).
 */
export function createNodeServer(handler: LicenseHandler): Server {
  return createServer((req, res) => {
    serve(handler, req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { "content-type": "application/json; charset=utf-8" });
        res.end(
          `${JSON.stringify({ error: { code: "internal_error", message: "internal error in the licence service" } })}\n`,
        );
      } else {
        res.destroy(error instanceof Error ? error : undefined);
      }
    });
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serve(handler: LicenseHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = req.method === "GET" || req.method === "HEAD" ? Buffer.alloc(0) : await readBody(req);
  if (body === null) {
    res.writeHead(413, { "content-type": "application/json; charset=utf-8", connection: "close" });
    res.end(`${JSON.stringify({ error: { code: "invalid_request", message: "request body too large" } })}\n`);
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else headers.set(name, value);
  }
  const host = req.headers.host ?? "localhost";
  const request = new Request(`http://${host}${req.url ?? "/"}`, {
    method: req.method,
    headers,
    body: body.length > 0 ? new Uint8Array(body) : undefined,
  });
  const response = await handler(request, { clientIp: req.socket.remoteAddress ?? undefined });
  const outHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    outHeaders[name] = value;
  });
  const payload = Buffer.from(await response.arrayBuffer());
  outHeaders["content-length"] = String(payload.length);
  res.writeHead(response.status, outHeaders);
  res.end(req.method === "HEAD" ? undefined : payload);
}
