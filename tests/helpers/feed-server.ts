/**
 * A real HTTP server on 127.0.0.1 (a free port) standing in for a website: each path answers with
 * a handler, and every request is recorded with its headers (If-None-Match…), so tests see what
 * `enews items pull` asked for. Stopped after the test file.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface FeedServer {
  url(pathname: string): string;
  route(pathname: string, handler: Handler): void;
  requests: Array<{ path: string; headers: http.IncomingHttpHeaders }>;
}

const servers: http.Server[] = [];
afterAll(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

export async function feedServer(): Promise<FeedServer> {
  const routes = new Map<string, Handler>();
  const requests: FeedServer['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    const handler = routes.get(req.url ?? '');
    if (handler) handler(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    route: (pathname, handler) => routes.set(pathname, handler),
    requests,
  };
}

/** A feed as a website serves it: with an ETag and Last-Modified, answering 304 to a request that has them. */
export function servesFeed(body: () => string, type = 'application/rss+xml; charset=utf-8'): Handler {
  return (req, res) => {
    const text = body();
    const etag = `"${Buffer.from(text).length}-${hash(text)}"`;
    const lastModified = 'Wed, 26 Apr 2017 08:00:00 GMT';
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': type, etag, 'last-modified': lastModified }).end(text);
  };
}

function hash(text: string): string {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16);
}
