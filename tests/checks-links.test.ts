/**
 * enews check --links against a local HTTP server: the example's links and images pointed at
 * 127.0.0.1 answer 200, 301, 404, 500, refuse HEAD, or never answer; the pictures enews made are
 * served from what `enews site` wrote, as a web host would after deploying, or not at all.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinks } from '../src/checks/links.js';
import { enews } from './helpers/inproc.js';
import { copyProject, lineOf, read, write } from './helpers/project.js';

const requests: string[] = [];
/** What the host serves under /coop/enews/assets/, by file name: the deployed pictures. */
const deployed = new Map<string, Buffer>();
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const send = (status: number, headers: Record<string, string> = {}) => {
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : 'body');
    };
    if (req.url?.startsWith('/coop/enews/assets/')) {
      const bytes = deployed.get(req.url.slice('/coop/enews/assets/'.length));
      if (!bytes) return send(404);
      res.writeHead(200, { 'Content-Type': 'image/png' });
      return res.end(req.method === 'HEAD' ? undefined : bytes);
    }
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

/** Deploys the pictures of `dir`'s site: `enews site --out DIR`, then every file of DIR/assets/ served. */
async function deploy(dir: string): Promise<void> {
  expect((await enews(['build', '3'], dir)).code).toBe(0);
  expect((await enews(['site', '--out', 'deployed'], dir)).code).toBe(0);
  deployed.clear();
  for (const name of readdirSync(path.join(dir, 'deployed/assets'))) {
    deployed.set(name, readFileSync(path.join(dir, 'deployed/assets', name)));
  }
}

describe('enews check --links', () => {
  it('reports broken links at the item or template line, follows redirects, asks GET when HEAD is refused', async () => {
    const dir = localProject();
    await deploy(dir);
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
    // 6 links (the items, the issue's page, the unsubscribe page and the preferences page of subscribe:), and the 6
    // pictures enews made: the email's logo and photograph, the web version's 1× and WebP.
    expect(r.stdout).toMatch(/Links: 12 addresses requested, 2 broken, 1 redirected:/);
    expect(r.stdout).toContain(`${base}coop/news/coop-champions-karim-toumi → 301 ${base}coop/news/moved`);
    expect(r.stderr).not.toContain('coop-future-of-work answers');
    expect(r.stderr).not.toContain('picture');
    // Each distinct address once: HEAD, and GET only where HEAD was refused or failed, or
    // for a picture enews made, whose bytes are compared with the build's.
    const heads = requests.filter((q) => q.startsWith('HEAD '));
    expect(new Set(heads).size).toBe(heads.length);
    const gets = requests.filter((q) => q.startsWith('GET '));
    expect(gets.sort()).toEqual([
      'GET /coop/enews/003',
      ...[...deployed.keys()].sort().map((name) => `GET /coop/enews/assets/${name}`),
      'GET /coop/news/coop-future-of-work',
    ]);
    expect(deployed.size).toBe(6);
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

describe('enews check --links: the pictures enews made, as deployed', () => {
  it('a picture not deployed is an error at the line naming it; one with other bytes too; deployed, none', async () => {
    const dir = localProject();
    await deploy(dir);
    const logoLine = lineOf(read(dir, 'issues/newsletter.yaml'), 'src: images/logo.png');
    const photoLine = lineOf(read(dir, 'issues/items.yaml'), 'src: images/copernico.jpg');
    const pictureErrors = (stderr: string) => stderr.split('\n').filter((l) => / picture /.test(l));

    const all = new Map(deployed);
    deployed.clear();
    const missing = await enews(['check', '3', '--links'], dir);
    expect(missing.code).toBe(1);
    const notYet =
      ': it is not published yet; run enews site and publish the site/ folder at site.base_url, then check again';
    const lineFor = (name: string) =>
      name.startsWith('logo-') ? `issues/newsletter.yaml:${logoLine}:8` : `issues/items.yaml:${photoLine}:10`;
    expect(pictureErrors(missing.stderr).sort()).toEqual(
      [...all.keys()]
        .map((name) => `error: ${lineFor(name)}: picture ${base}coop/enews/assets/${name} answers 404${notYet}`)
        .sort(),
    );

    // Deployed, but the photograph is an older file under the same name: the bytes are what count.
    for (const [name, bytes] of all) deployed.set(name, bytes);
    const photo = [...all.keys()].find((name) => /^copernico-1104w-.*\.jpg$/.test(name))!;
    const older = readFileSync(path.join(dir, 'images/logo.png'));
    deployed.set(photo, older);
    const other = await enews(['check', '3', '--links'], dir);
    expect(other.code).toBe(1);
    expect(pictureErrors(other.stderr)).toEqual([
      `error: issues/items.yaml:${photoLine}:10: picture ${base}coop/enews/assets/${photo} answers with other bytes ` +
        `than the build made (${older.length} bytes); publish the site/ folder again (enews site) so subscribers ` +
        'see the picture that was reviewed',
    ]);

    deployed.set(photo, all.get(photo)!);
    const ok = await enews(['check', '3', '--links'], dir);
    expect(pictureErrors(ok.stderr)).toEqual([]);
  });
});
