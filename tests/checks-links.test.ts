/**
 * enews check --links against a local HTTP server: the example's links and images pointed at
 * 127.0.0.1 answer 200, 301, 404, 500, refuse HEAD, or never answer.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinks } from '../src/checks/links.js';
import { enews } from './helpers/inproc.js';
import { copyProject, lineOf, read, write } from './helpers/project.js';

const requests: string[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : 'body');
    };
    switch (req.url) {
      case '/coop/news/coop-future-of-work':
        return req.method === 'HEAD' ? send(405) : send(200);
      case '/coop/news/coop-champions-karim-toumi':
        return send(301, { Location: '/coop/news/moved' });
      case '/coop/news/consorzio-copernico':
        return send(404);
      case '/coop/enews/003':
        return send(500);
      case '/hang':
        return; // never answers
      default:
        return send(200);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

function localProject(): string {
  const dir = copyProject();
  for (const f of ['issues/items.yaml', 'issues/newsletter.yaml']) {
    write(dir, f, read(dir, f).replaceAll('https://www.example.org/', base));
  }
  return dir;
}

describe('enews check --links', () => {
  it('reports broken links at the item or template line, follows redirects, asks GET when HEAD is refused', async () => {
    const dir = localProject();
    requests.length = 0;
    const r = await enews(['check', '3', '--links'], dir);
    expect(r.code).toBe(1);
    const items = read(dir, 'issues/items.yaml');
    expect(r.stderr).toContain(
      `error: issues/items.yaml:${lineOf(items, `${base}coop/news/consorzio-copernico`)}:8: ` +
        `link ${base}coop/news/consorzio-copernico answers 404; fix or replace the address`,
    );
    const footer = read(dir, 'templates/partials/footer.mjml');
    // Only the English version links to archive_url's page; French and Spanish link to theirs under site.base_url.
    expect(r.stderr).toContain(
      `error: [en] templates/partials/footer.mjml:${lineOf(footer, 'issue.view_online_url}}">')}:`,
    );
    expect(r.stderr).toContain(`link ${base}coop/enews/003 answers 500`);
    // 7: the items, the logo, the issue's page, the unsubscribe page and the preferences page (subscribe:).
    expect(r.stdout).toMatch(/Links: 7 addresses requested, 2 broken, 1 redirected:/);
    expect(r.stdout).toContain(`${base}coop/news/coop-champions-karim-toumi → 301 ${base}coop/news/moved`);
    expect(r.stderr).not.toContain('coop-future-of-work answers');
    // Each distinct address once: HEAD, and GET only where HEAD was refused or failed.
    const heads = requests.filter((q) => q.startsWith('HEAD '));
    expect(new Set(heads).size).toBe(heads.length);
    expect(requests.filter((q) => q.startsWith('GET ')).sort()).toEqual([
      'GET /coop/enews/003',
      'GET /coop/news/coop-future-of-work',
    ]);
  });

  it('a server that never answers is reported after the time limit', async () => {
    const started = Date.now();
    const [hang, ok] = await checkLinks(
      [
        { url: `${base}hang`, kind: 'link' },
        { url: `${base}fine`, kind: 'image' },
      ],
      { timeoutMs: 300 },
    );
    expect(hang!.error).toBe('no answer within 0.3 s');
    expect(ok!.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
