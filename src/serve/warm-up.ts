/**
 * A one-click unsubscribe's code run before serve listens, so the first requests after a start do not wait for
 * V8 to compile it. Measured (BENCHMARKS.md, "Stop 34"): the first POST to a fresh server took 18–22 ms against
 * 2–4 ms for the next ones (6.5–8 ms after this), and a burst at start (a restarted server's clients all
 * retrying at once) queued behind it; at 3,000 requests from 50 clients those first 50 were the 99th percentile.
 *
 * The requests go over a loopback connection of their own to an app that records nothing (its `record` only
 * asks what the real one asks first), so the HTTP parser, the adaptor, hono, the token and the store's reads are
 * compiled; only the store's write stays cold. Nothing a stranger can reach: the server listens on 127.0.0.1 on
 * a port of its own, and is closed before the real one opens.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';

/** Whom the rehearsal's token names: a reserved domain (RFC 2606), nobody's address. */
export const WARM_UP_ADDRESS = 'warm-up@enews.invalid';

type Fetch = (request: Request) => Response | Promise<Response>;

/** Sends `times` one-click POSTs for `token` to `fetch` over loopback HTTP, `atOnce` at a time; resolves when done. */
export async function warmUp(fetch: Fetch, path: string, token: string, times = 40, atOnce = 4): Promise<void> {
  const server = createAdaptorServer({ fetch }) as http.Server;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: atOnce });
  const url = `http://127.0.0.1:${port}${path}?t=${encodeURIComponent(token)}`;
  try {
    for (let i = 0; i < times; i += atOnce)
      await Promise.all(
        Array.from({ length: atOnce }, async () => {
          const status = await oneClick(url, agent);
          if (status !== 200) throw new Error(`warm-up: ${status}`);
        }),
      );
  } finally {
    agent.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * An RFC 8058 one-click POST to `url` (a mail provider's, as the endpoint sees it); resolves with the answer's
 * status once its body is read. bench/serve.js's clients are these too.
 */
export function oneClick(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end('List-Unsubscribe=One-Click');
  });
}
