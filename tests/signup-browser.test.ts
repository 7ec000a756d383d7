import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './helpers/browser.js';
import { contentPaths, loadNewsletter } from '../src/content/load.js';
import { configureTransport } from '../src/delivery/transports/index.js';
import type { SubscriberEvent } from '../src/events/events.js';
import { startServe } from '../src/serve/node.js';
import { openListState } from '../src/state/open.js';
import { BACKENDS, stateEnv } from './helpers/backends.js';
import { enews } from './helpers/inproc.js';
import { edit } from './helpers/project.js';
import { builtProject, FAST, SECRET, smtpServer } from './helpers/send-setup.js';
import { requireTool } from './helpers/tools.js';
import { freePort } from './helpers/free-port.js';

const LIST = 'enews.coop.example.org';
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser(requireTool('chromium'));
});
afterAll(async () => {
  await browser?.close();
});

/** The message's text part, decoded (quoted-printable, UTF-8). */
function textOf(raw: Buffer): string {
  const qp = raw.toString('latin1').replace(/=\r\n/g, '');
  return Buffer.from(
    qp.replace(/=([0-9A-F]{2})/g, (_, h) => String.fromCharCode(Number.parseInt(h, 16))),
    'latin1',
  ).toString('utf8');
}

const cases = [
  { archive: 'index.html', language: 'en', confirm: 'Yes, subscribe me', done: 'You are subscribed' },
  { archive: 'fr/index.html', language: 'fr', confirm: 'Oui, je m’abonne', done: 'Vous êtes abonné·e' },
] as const;

describe.each(BACKENDS)('joining from the archive in Chromium, list state in %s', (backend) => {
  it.each(cases)('signs up from $archive, confirms, and gets the next issue once in $language', async (c) => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    const dir = await builtProject('email,name,language\nkarim@example.org,Karim,en\n');
    // The pages are at this test server's address, the archive's form posts there.
    edit(
      dir,
      'issues/newsletter.yaml',
      'url: https://www.example.org/coop/enews/subscribe',
      `url: ${origin}/coop/enews/subscribe`,
    );
    expect((await enews(['build', '3'], dir)).code).toBe(0);
    expect((await enews(['site'], dir)).code).toBe(0);
    const smtp = await smtpServer();
    const env: Record<string, string> = {
      ...(await stateEnv(backend)),
      SMTP_URL: smtp.url(),
      UNSUBSCRIBE_SECRET: SECRET,
    };
    const state = await openListState({ root: dir, env, listId: LIST });
    const paths = contentPaths(dir);
    const server = await startServe({
      newsletter: loadNewsletter(paths).newsletter,
      templatesDir: paths.templatesDir,
      secret: SECRET,
      events: state.events,
      host: '127.0.0.1',
      port,
      transport: configureTransport('smtp', env),
    });
    const page = await browser.newPage();
    try {
      // The form of the built archive, filled in and sent as a reader does: no script on the page.
      await page.goto(pathToFileURL(path.join(dir, 'site', c.archive)).href);
      expect(await page.locator('script').count()).toBe(0);
      await page.fill('input[name="email"]', 'Nia.Okafor@example.org');
      await page.fill('input[name="name"]', 'Nia Okafor');
      expect(await page.locator('select[name="language"]').inputValue()).toBe(c.language);
      await page.click('form button[type="submit"]');
      await page.waitForURL(`${origin}/coop/enews/subscribe**`);
      expect(await page.locator('[role="status"]').count()).toBe(1);

      for (let i = 0; i < 200 && smtp.received.length === 0; i++) await new Promise((r) => setTimeout(r, 25));
      expect(smtp.received).toHaveLength(1);
      const mail = smtp.received[0]!;
      expect(mail.to).toEqual(['nia.okafor@example.org']);
      expect(mail.raw.toString('latin1')).toContain(`Content-Language: ${c.language}`);
      const link = /https?:\/\/\S+\/subscribe\/confirm\?t=[A-Za-z0-9_-]+(?:&l=[a-z]+)?/.exec(textOf(mail.raw))?.[0];
      expect(link?.startsWith(`${origin}/coop/enews/subscribe/confirm?t=`)).toBe(true);

      const events = async () => {
        const out: SubscriberEvent[] = [];
        await state.events.each((e) => out.push(e));
        return out.filter((e) => e.type !== 'signup-requested');
      };
      await page.goto(link!);
      expect(await events()).toEqual([]);
      await page.getByRole('button', { name: c.confirm }).click();
      await page.getByText(c.done).waitFor();
      const joined = await events();
      expect(joined).toHaveLength(1);
      expect(joined[0]).toMatchObject({
        type: 'subscribed',
        email: 'nia.okafor@example.org',
        name: 'Nia Okafor',
        language: c.language,
        consent: { language: c.language, source: 'form', form: 'site', wording: { version: '1' } },
      });

      const sent = await enews(['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST], dir, env);
      expect(sent.code).toBe(0);
      expect(JSON.parse(sent.stdout)).toMatchObject({ sent: 2, signups: { rows: 1, toSend: 1 } });
      expect(smtp.countFor('nia.okafor@example.org')).toBe(2); // the confirmation, then the issue
      const issue = smtp.received.filter((m) => m.to.includes('nia.okafor@example.org'))[1]!.raw.toString('latin1');
      expect(issue).toContain(`Content-Language: ${c.language}`);
      expect(issue).toMatch(/^To: "Nia Okafor" <nia\.okafor@example\.org>/m);
      // Sent again, nobody gets it twice; the report counts her as joining with this issue.
      const again = await enews(
        ['send', '3', '--subscribers', 'subscribers.csv', '--yes', '--json', ...FAST],
        dir,
        env,
      );
      expect(JSON.parse(again.stdout)).toMatchObject({ sent: 0 });
      expect(smtp.countFor('nia.okafor@example.org')).toBe(2);
      const report = JSON.parse((await enews(['report', '3', '--json'], dir, env)).stdout);
      expect(report.subscriptions).toEqual({ joined: 1, preferences: 0, resubscribed: 0 });

      // The issue's footer links to her preferences page, by the unsubscribe link's token; List-Unsubscribe is as
      // it was. There she changes her language: one event, and the report counts it.
      expect(issue).toMatch(
        /^List-Unsubscribe: <https:\/\/www\.example\.org\/coop\/enews\/unsubscribe\?t=[^>]+>,\s+<mailto:[^>]+>\r?\n\S/m,
      );
      const issueText = textOf(smtp.received.filter((m) => m.to.includes('nia.okafor@example.org'))[1]!.raw);
      const prefs = /https?:\/\/\S+\/preferences\?t=[A-Za-z0-9_-]+(?:&l=[a-z]+)?/.exec(issueText)?.[0];
      expect(prefs?.startsWith(`${origin}/coop/enews/preferences?t=`)).toBe(true);
      await page.goto(prefs!);
      await page.selectOption('select[name="language"]', 'es');
      // The server records the change before it answers the POST.
      await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/preferences')),
        page.click('button[name="action"][value="save"]'),
      ]);
      const changed = (await events()).slice(1);
      expect(changed).toEqual([
        expect.objectContaining({ type: 'preferences', email: 'nia.okafor@example.org', language: 'es', issue: 3 }),
      ]);
      const after = JSON.parse((await enews(['report', '3', '--json'], dir, env)).stdout);
      expect(after.subscriptions).toEqual({ joined: 1, preferences: 1, resubscribed: 0 });
    } finally {
      await page.close();
      await server.close();
      await state.close();
    }
  });
});
