import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/cli.js';
import { enews } from './helpers/inproc.js';
import { sha256 } from '../src/build/hash.js';
import { copyProject, edit, read } from './helpers/project.js';

const TITLES_NO3 = [
  'Cooperatives provide an alternative model for the future of work',
  'COOP Champions: Karim Toumi, ILO Country Office for Algeria, Libya, Morocco, Tunisia and Mauritania',
  'Italian social cooperatives working together for the benefit of the communities',
];

describe('enews build (as staff run it)', () => {
  it('writes dist/003 with the three items of No. 3 in order', async () => {
    const dir = copyProject();
    const r = await runCli(['build', '3'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Built issue 3 "ILO COOP eNewsUpdate No. 3" into dist/003/');
    const out = path.join(dir, 'dist', '003');
    // The example is in English, French and Spanish: English (the default) here, the others in es/ and fr/.
    expect(readdirSync(out).sort()).toEqual([
      'assets',
      'email.html',
      'email.txt',
      'es',
      'fr',
      'manifest.json',
      'message.eml',
      'review.html',
      'send.json',
      'web.html',
    ]);
    const html = readFileSync(path.join(out, 'email.html'), 'utf8');
    const positions = TITLES_NO3.map((t) => html.indexOf(t.replace(/'/g, '&#x27;')));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(html).toContain('No. 3 · 26 April 2017');
    expect(html).toContain('Dear Zoë Martin,');
    const text = readFileSync(path.join(out, 'email.txt'), 'utf8');
    const textPositions = TITLES_NO3.map((t) => text.replace(/\n/g, ' ').indexOf(t));
    expect(textPositions.every((p) => p > 0)).toBe(true);
    expect([...textPositions].sort((a, b) => a - b)).toEqual(textPositions);
  });

  it('accepts 003 as well as 3 and refuses a non-number with exit 2', async () => {
    const dir = copyProject();
    expect((await enews(['build', '003', '--out', 'o'], dir)).code).toBe(0);
    expect(existsSync(path.join(dir, 'o', '003', 'email.html'))).toBe(true);
    const bad = await enews(['build', 'three'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"three" is not an issue number');
  });

  it('gives byte-identical output when built twice from the same inputs, pictures included', async () => {
    const dir = copyProject();
    await enews(['build', '3', '--out', 'a'], dir);
    await enews(['build', '3', '--out', 'b'], dir);
    const files = (readdirSync(path.join(dir, 'a/003'), { recursive: true, encoding: 'utf8' }) as string[])
      .filter((f) => f.includes('.'))
      .sort();
    expect(files.filter((f) => f.startsWith('assets/'))).toHaveLength(6);
    // 6 pictures, 5 files per language, review.html and the manifest.
    expect(files).toHaveLength(6 + 3 * 5 + 2);
    for (const f of files) {
      expect(readFileSync(path.join(dir, 'b/003', f)).equals(readFileSync(path.join(dir, 'a/003', f))), f).toBe(true);
    }
    // Nor does it depend on where the project is: review.html names files relative to it (a warning's place here).
    const elsewhere = copyProject();
    edit(elsewhere, 'issues/003.yaml', 'This latest issue', 'TODO: this latest issue');
    edit(dir, 'issues/003.yaml', 'This latest issue', 'TODO: this latest issue');
    await enews(['build', '3', '--out', 'c'], dir);
    await enews(['build', '3', '--out', 'c'], elsewhere);
    expect(read(dir, 'c/003/review.html')).toContain('issues/003.yaml:');
    for (const f of ['review.html', 'manifest.json'])
      expect(read(elsewhere, `c/003/${f}`), f).toBe(read(dir, `c/003/${f}`));
  });

  it(
    'writes a manifest with number, date, subject, items, ' + 'sizes and the hash of every input the render reads',
    async () => {
      const dir = copyProject();
      await enews(['build', '3'], dir);
      const m = JSON.parse(read(dir, 'dist/003/manifest.json'));
      expect(m).toMatchObject({ number: 3, date: '2017-04-26', subject: 'ILO COOP eNewsUpdate No. 3' });
      expect(m.items).toEqual(['coop-future-of-work', 'coop-champions-karim-toumi', 'consorzio-copernico']);
      expect(m.sizes['email.html']).toBe(Buffer.byteLength(read(dir, 'dist/003/email.html')));
      // The page for reviewers is an output like the others: listed, sized and hashed.
      expect(m.sizes['review.html']).toBe(Buffer.byteLength(read(dir, 'dist/003/review.html')));
      expect(m.outputs['review.html']).toBe(sha256(readFileSync(path.join(dir, 'dist/003/review.html'))));
      // The catalog is hashed per item the issue uses, not as a whole file; a picture by its bytes.
      expect(Object.keys(m.inputs)).toEqual([
        'images/copernico.jpg',
        'images/logo.png',
        'issues/003.yaml',
        'issues/items.yaml#consorzio-copernico',
        'issues/items.yaml#coop-champions-karim-toumi',
        'issues/items.yaml#coop-future-of-work',
        'issues/newsletter.yaml',
        'templates/email.mjml',
        'templates/email.txt',
        // item-default.mjml is read only for an item type without a partial of its own; No. 3 has none.
        ...readdirSync(path.join(dir, 'templates/partials'))
          .filter((f) => f !== 'item-default.mjml')
          .sort()
          .map((f) => `templates/partials/${f}`),
        'templates/strings/en.yaml',
        'templates/strings/es.yaml',
        'templates/strings/fr.yaml',
      ]);
      expect(m.inputsHash).toMatch(/^[0-9a-f]{64}$/);
      expect(m.warnings).toEqual([]);
    },
  );

  it('writes a message.eml that an independent MIME parser reads as multipart/alternative, UTF-8', async () => {
    const dir = copyProject();
    await enews(['build', '3'], dir);
    const raw = readFileSync(path.join(dir, 'dist/003/message.eml'));
    const mail = await simpleParser(raw);
    expect((mail.headers.get('content-type') as { value: string }).value).toBe('multipart/alternative');
    expect(mail.subject).toBe('ILO COOP eNewsUpdate No. 3');
    expect(mail.from?.value[0]).toEqual({ address: 'coop-enews@example.org', name: 'ILO COOP' });
    expect((mail.to as { value: Array<{ name: string; address: string }> }).value[0]).toEqual({
      name: 'Zoë Martin',
      address: 'zoe.martin@example.org',
    });
    expect(mail.text).toContain('Dear Zoë Martin,');
    expect(mail.text).toContain(TITLES_NO3[0]);
    expect(mail.html).toBe(read(dir, 'dist/003/email.html'));
    const line = (key: string) => mail.headerLines.find((h) => h.key === key)?.line;
    expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    expect(line('list-id')).toBe('List-Id: "ILO COOP eNewsUpdate" <enews.coop.example.org>');
    expect(String(raw)).toMatch(/Content-Type: text\/plain; charset=utf-8/);
    expect(String(raw)).toMatch(/Content-Type: text\/html; charset=utf-8/);
    // RFC 5322 allows 998 characters a line; quoted-printable keeps body lines at 76 (RFC 2045).
    const [head, ...body] = String(raw).split('\r\n\r\n');
    expect(Math.max(...head!.split('\r\n').map((l) => l.length))).toBeLessThanOrEqual(998);
    expect(
      Math.max(
        ...body
          .join('\r\n\r\n')
          .split('\r\n')
          .map((l) => l.length),
      ),
    ).toBeLessThanOrEqual(76);
  });
});

describe('enews check', () => {
  it('validates, prints a one-line verdict and writes nothing', async () => {
    const dir = copyProject();
    const r = await enews(['check', '3'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Issue 3 is valid: "ILO COOP eNewsUpdate No. 3", 3 items');
    expect(existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});
