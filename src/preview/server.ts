/**
 * The preview's HTTP side. It answers a fixed list of routes on 127.0.0.1
 * and nothing else: no file is ever served from disk by its URL, so no path
 * can reach outside. The issue's pictures are served from what the render
 * made (in memory, by their exact names), and the email and web version name
 * them here rather than at the site, so a preview needs no network. It shows subscriber data, so it refuses requests whose
 * Host is not its own (a web page on another site could otherwise read it
 * through DNS rebinding).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EnewsError } from '../errors.js';
import { findEntry, languageOf, pageModel, pickerFor, type PreviewSettings } from './model.js';
import { PAGE_CSS, PAGE_HTML } from './page.js';
import { PAGE_SCRIPT } from './page-script.js';
import { messageFor } from './recipients.js';
import type { IssueWatch, RenderState } from './watch.js';
import { padded } from '../content/issue-number.js';
import { forceDark } from '../build/review-model.js';
import { localImageUrls } from '../images/in-content.js';
import { ASSETS_FOLDER } from '../images/publish.js';
import type { PreparedIssue } from '../build/prepare-issue.js';

export const PREVIEW_HOST = '127.0.0.1';

export interface PreviewServer {
  url: string;
  address: AddressInfo;
  close(): Promise<void>;
}

const COMMON = {
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; frame-src 'self'; " +
  "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The email may load its images and styles from anywhere, as in a mail client,
 * but never run a script, even when its URL is opened directly in a tab.
 */
const EMAIL_CSP =
  'sandbox allow-same-origin allow-popups allow-popups-to-escape-sandbox; ' +
  "script-src 'none'; object-src 'none'; form-action 'none'; frame-ancestors 'self'";

type Route = (req: IncomingMessage, res: ServerResponse, query: URLSearchParams) => void;

export async function startPreviewServer(
  watch: IssueWatch,
  settings: PreviewSettings,
  port: number,
): Promise<PreviewServer> {
  const streams = new Set<ServerResponse>();
  const issueTag = padded(settings.number);

  const routes: Record<string, Route> = {
    '/': (req, res) =>
      send(req, res, 200, 'text/html; charset=utf-8', PAGE_HTML, { 'Content-Security-Policy': PAGE_CSP }),
    '/preview.js': (req, res) => send(req, res, 200, 'text/javascript; charset=utf-8', PAGE_SCRIPT),
    '/preview.css': (req, res) => send(req, res, 200, 'text/css; charset=utf-8', PAGE_CSS),
    '/api/state': (req, res, q) =>
      send(
        req,
        res,
        200,
        'application/json; charset=utf-8',
        JSON.stringify(pageModel(settings, watch.state(), q.get('r'), q.get('l'))),
      ),
    '/email.html': (req, res, q) => {
      const m = pick(watch.state(), q);
      if (!m) return notFound(req, res);
      const html = localImages(m.prepared, q.get('scheme') === 'dark' ? forceDark(m.message.html) : m.message.html);
      send(req, res, 200, 'text/html; charset=utf-8', html, { 'Content-Security-Policy': EMAIL_CSP });
    },
    // The web version is the same for everyone: no subscriber to pick, only its language.
    '/web.html': (req, res, q) => {
      const prepared = watch.state().prepared;
      if (!prepared) return notFound(req, res);
      const html = localImages(prepared, languageOf(prepared, q.get('l'), undefined).web.html);
      send(req, res, 200, 'text/html; charset=utf-8', html, { 'Content-Security-Policy': EMAIL_CSP });
    },
    '/message.eml': (req, res, q) => {
      const m = pick(watch.state(), q);
      if (!m) return notFound(req, res);
      const name = `issue-${issueTag}-${m.email.replace(/[^A-Za-z0-9._@+-]+/g, '_')}.eml`;
      send(req, res, 200, 'message/rfc822', m.message.eml, { 'Content-Disposition': `attachment; filename="${name}"` });
    },
    '/events': (req, res) => {
      res.writeHead(200, { ...COMMON, 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive' });
      // retry: reconnect quickly after the preview is restarted.
      res.write(`retry: 1000\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
    },
  };

  function pick(state: RenderState, q: URLSearchParams) {
    const entry = findEntry(pickerFor(settings, state), q.get('r'));
    if (!state.prepared || !entry) return null;
    const lang = languageOf(state.prepared, q.get('l'), entry);
    return {
      prepared: state.prepared,
      email: entry.recipient.email,
      message: messageFor(state.prepared, lang, entry.recipient, settings.secret),
    };
  }

  /** A picture the render made, by its exact name: nothing else is served under /assets/. */
  function asset(req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const file = watch.state().prepared?.images.assets.get(pathname.slice(1));
    if (!file) return notFound(req, res);
    const type = IMAGE_TYPES[pathname.slice(pathname.lastIndexOf('.') + 1)] ?? 'application/octet-stream';
    send(req, res, 200, type, file.bytes);
  }

  const allowedHosts = new Set<string>();
  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      // A bug in one request must not take the reviewer's preview down.
      if (!res.headersSent)
        send(req, res, 500, 'text/plain; charset=utf-8', `Internal error: ${(err as Error).message}\n`);
      else res.end();
    }
  });

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) {
      return send(
        req,
        res,
        403,
        'text/plain; charset=utf-8',
        'Forbidden: open the preview at the address enews printed.\n',
      );
    }
    // The raw path is matched exactly, never resolved: "/../x" and "/%2e%2e/x" are simply not routes.
    const raw = req.url ?? '';
    const qmark = raw.indexOf('?');
    const pathname = qmark < 0 ? raw : raw.slice(0, qmark);
    const route = Object.hasOwn(routes, pathname) ? routes[pathname] : undefined;
    const picture = pathname.startsWith(ASSETS_ROUTE);
    if (!route && !picture) return notFound(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return send(req, res, 405, 'text/plain; charset=utf-8', 'Method not allowed\n', { Allow: 'GET, HEAD' });
    }
    if (!route) return asset(req, res, pathname);
    route(req, res, new URLSearchParams(qmark < 0 ? '' : raw.slice(qmark + 1)));
  }

  const unsubscribe = watch.subscribe((state) => {
    for (const res of streams) res.write(`event: reload\ndata: ${JSON.stringify({ version: state.version })}\n\n`);
  });
  // Proxies and some browsers drop a silent connection; a comment line keeps it open.
  const ping = setInterval(() => {
    for (const res of streams) res.write(': ping\n\n');
  }, 20_000);
  ping.unref();

  const address = await listen(server, port);
  allowedHosts.add(`${PREVIEW_HOST}:${address.port}`);
  allowedHosts.add(`localhost:${address.port}`);

  return {
    url: `http://${PREVIEW_HOST}:${address.port}/`,
    address,
    close: () =>
      new Promise<void>((resolve) => {
        unsubscribe();
        clearInterval(ping);
        for (const res of streams) res.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Where the preview serves the issue's pictures: /assets/<name>, the path they have in a build and the site. */
const ASSETS_ROUTE = `/${ASSETS_FOLDER}`;
const IMAGE_TYPES: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', webp: 'image/webp' };

/** The email or web version with its pictures named at the preview instead of at the site. */
function localImages(prepared: PreparedIssue, html: string): string {
  return localImageUrls(html, prepared.images.assets, (a) => `/${a.path}`);
}

function listen(server: ReturnType<typeof createServer>, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') {
        reject(
          new EnewsError(
            'port-in-use',
            `Port ${port} on ${PREVIEW_HOST} is already in use (another preview may be running).`,
            {
              problems: [
                {
                  message:
                    'Stop the other program, or choose another port with --port, ' +
                    'e.g. --port 4281 (--port 0 picks a free one).',
                },
              ],
            },
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new EnewsError(
            'port-denied',
            `Port ${port} needs administrator rights; use a port above 1023, e.g. --port 4280.`,
          ),
        );
      } else {
        reject(err);
      }
    });
    server.listen({ host: PREVIEW_HOST, port }, () => resolve(server.address() as AddressInfo));
  });
}

function send(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { ...COMMON, ...headers, 'Content-Type': type, 'Content-Length': String(bytes.length) });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}

function notFound(req: IncomingMessage, res: ServerResponse): void {
  send(req, res, 404, 'text/plain; charset=utf-8', 'Not found\n');
}
